package dev.lobench.results;

import static dev.lobench.results.TestCells.cell;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Speedup, normalised loss, win rate and performance profiles on hand-made curves (EMA beta = 0.9). */
class ComparisonMetricsTest {
    static final double EPS = 1e-9;

    static CellRecord c(String task, String opt, long seed, Outcome o, float... curve) {
        return cell(task, opt, seed, curve.length, o, curve, List.of(), null);
    }

    /*
     * Adam grid on task "t":
     *   adam(lr=0.1)  [10, 0, 0]  -> EMA: 10, 0.9*10+0.1*0 = 9, 0.9*9 = 8.1
     *   adam(lr=0.01) [10, 10, 0] -> EMA: 10, 10, 9
     *   adam(lr=1)    diverged    -> not in the envelope
     * Envelope = point-wise min = [10, 9, 8.1] (already monotone); T_ref = 2.
     */
    static List<CellRecord> grid() {
        List<CellRecord> l = new ArrayList<>();
        l.add(TestCells.withParam(c("t", "adam(lr=0.1)", 0, Outcome.completed, 10, 0, 0), "lr", 0.1));
        l.add(TestCells.withParam(c("t", "adam(lr=0.01)", 0, Outcome.completed, 10, 10, 0), "lr", 0.01));
        l.add(TestCells.withParam(c("t", "adam(lr=1)", 0, Outcome.diverged, 10, -100, Float.NaN), "lr", 1.0));
        return l;
    }

    @Test
    void emaAndFirstReach() {
        assertArrayEquals(new double[] {10, 9, 8.1}, Curves.ema(new float[] {10, 0, 0}), EPS);
        // first index <= 9.05 is 1: 0 + (10 - 9.05) / (10 - 9) = 0.95
        assertEquals(0.95, Curves.firstReach(new double[] {10, 9, 8.1}, 9.05), EPS);
        assertEquals(0.0, Curves.firstReach(new double[] {10, 9}, 11), EPS);
        assertEquals(Double.POSITIVE_INFINITY, Curves.firstReach(new double[] {10, 9}, 1), 0);
        assertArrayEquals(new double[] {3, 2, 2, 1}, Curves.runningMin(new double[] {3, 2, 5, 1}), EPS);
    }

    @Test
    void envelopeUsesCompletedAdamLearningRatesOnly() {
        Speedup.Envelope e = Speedup.envelope(grid());
        assertArrayEquals(new double[] {10, 9, 8.1}, e.values(), EPS);
        assertEquals(List.of(0.01, 0.1), e.learningRates());
        assertEquals(2, e.refSteps());
        assertNull(Speedup.envelope(List.of(c("t", "sgdm", 0, Outcome.completed, 3, 2, 1))));
    }

    @Test
    void speedupAtTAndHalfWithCapAndNonCompletedRule() {
        Speedup.Envelope e = Speedup.envelope(grid());
        // x [10, 5, 5] -> EMA 10, 9.5, 9.05.
        // t = T = 2: l = 9.05, N = 0.95 (above) -> 0.95 / 2 = 0.475
        // t = T/2 = 1: l = 9.5, N = 0 + (10 - 9.5) / (10 - 9) = 0.5 -> 0.5 / 1 = 0.5
        CellRecord x = c("t", "x", 0, Outcome.completed, 10, 5, 5);
        assertEquals(0.475, Speedup.of(e, x, false), EPS);
        assertEquals(0.5, Speedup.of(e, x, true), EPS);
        // y [10, -10, 0] -> EMA 10, 8, 7.2: below min E = 8.1 both times -> cap T_ref / t: 2/2 = 1 and 2/1 = 2
        CellRecord y = c("t", "y", 0, Outcome.completed, 10, -10, 0);
        assertEquals(1.0, Speedup.of(e, y, false), EPS);
        assertEquals(2.0, Speedup.of(e, y, true), EPS);
        // non-completed: 0; no envelope: NaN
        assertEquals(0.0, Speedup.of(e, c("t", "z", 0, Outcome.timeout, 10, 1), false), 0);
        assertTrue(Double.isNaN(Speedup.of(null, x, false)));
    }

    @Test
    void normalisedLoss() {
        // curves of length 3 -> k = 1: final train loss = last value. initialLoss = 10 (TestCells).
        CellRecord a = c("t", "a", 0, Outcome.completed, 10, 5, 2);
        CellRecord b = c("t", "b", 0, Outcome.completed, 10, 6, 4);
        CellRecord d = c("t", "d", 0, Outcome.diverged, 10, 50, Float.NaN);
        CellRecord e = c("t", "e", 0, Outcome.error);
        List<CellRecord> all = List.of(a, b, d, e);
        double best = NormalisedLoss.bestLoss(all); // min(2, 4) = 2; d and e are not completed
        assertEquals(2.0, best, 0);
        assertEquals(0.0, NormalisedLoss.of(a, best), EPS);
        assertEquals(0.25, NormalisedLoss.of(b, best), EPS); // (4-2)/(10-2)
        assertEquals(6.0, NormalisedLoss.of(d, best), EPS); // last finite 50: (50-2)/(10-2) = 6
        assertEquals(1.0, NormalisedLoss.of(e, best), EPS); // no curve: initial loss 10 -> (10-2)/8 = 1
    }

    /*
     * t1: A beats B on seeds 0 and 1; t2: A wins seed 0, seed 1 is within 1% (tie);
     * t3: A diverged on seed 0 (loses), B better on seed 1. Totals: 3 wins, 1 tie, 2 losses -> 3/6 = 0.5.
     */
    static List<CellRecord> winFixture() {
        return List.of(
                c("t1", "A", 0, Outcome.completed, 9, 1), c("t1", "B", 0, Outcome.completed, 9, 2),
                c("t1", "A", 1, Outcome.completed, 9, 1), c("t1", "B", 1, Outcome.completed, 9, 2),
                c("t2", "A", 0, Outcome.completed, 9, 1), c("t2", "B", 0, Outcome.completed, 9, 3),
                c("t2", "A", 1, Outcome.completed, 9, 1.005f), c("t2", "B", 1, Outcome.completed, 9, 1),
                c("t3", "A", 0, Outcome.diverged, 9, Float.NaN), c("t3", "B", 0, Outcome.completed, 9, 5),
                c("t3", "A", 1, Outcome.completed, 9, 4), c("t3", "B", 1, Outcome.completed, 9, 2),
                c("t4", "A", 0, Outcome.completed, 9, 1)); // no B on t4: no pair
    }

    @Test
    void winRateWithTiesAndBootstrapCi() {
        WinRate.Result r = WinRate.compute(winFixture(), "A", "B", 0.01, 7);
        assertEquals(3, r.tasks());
        assertEquals(6, r.pairs());
        assertEquals(3, r.wins());
        assertEquals(1, r.ties());
        assertEquals(2, r.losses());
        assertEquals(0.5, r.rate(), EPS);
        // A resample made of t3 only (rate 0/2) has probability (1/3)^3 = 3.7% > 2.5%, one of t1 only (rate 2/2)
        // also 3.7%: so the 2.5% / 97.5% percentiles are exactly 0 and 1.
        assertEquals(0.0, r.ciLow(), 0);
        assertEquals(1.0, r.ciHigh(), 0);
        assertEquals(r, WinRate.compute(winFixture(), "A", "B", 0.01, 7)); // deterministic
        WinRate.Result rev = WinRate.compute(winFixture(), "B", "A", 0.01, 7);
        assertEquals(2, rev.wins());
        assertEquals(3, rev.losses());
    }

    @Test
    void winRateCiIsNarrowWhenAllTasksAgree() {
        List<CellRecord> l = new ArrayList<>();
        for (int t = 0; t < 5; t++) {
            l.add(c("t" + t, "A", 0, Outcome.completed, 9, 1));
            l.add(c("t" + t, "B", 0, Outcome.completed, 9, 2));
        }
        WinRate.Result r = WinRate.compute(l, "A", "B", 0.01, 1);
        assertEquals(1.0, r.rate(), 0);
        assertEquals(1.0, r.ciLow(), 0);
        assertEquals(1.0, r.ciHigh(), 0);
    }

    @Test
    void performanceProfile() {
        List<CellRecord> cells = new ArrayList<>(grid());
        cells.add(c("t", "x", 0, Outcome.completed, 10, 5, 5));
        cells.add(c("t", "y", 0, Outcome.completed, 10, -10, 0));
        cells.add(c("u", "adam(lr=0.1)", 0, Outcome.completed, 10, 0, 0));
        cells.add(c("u", "y", 0, Outcome.diverged, 10, Float.NaN));
        PerformanceProfile.Profile p = PerformanceProfile.compute(cells);
        /*
         * Task t: target = last envelope value 8.1. Costs (EMA curves): adam(lr=0.1) [10, 9, 8.1] reaches 8.1
         * at 1 + (9 - 8.1)/(9 - 8.1) = 2; adam(lr=0.01) [10, 10, 9] never; adam(lr=1) diverged; x [10, 9.5, 9.05]
         * never; y [10, 8, 7.2]: 0 + (10 - 8.1)/(10 - 8) = 0.95 -> at least 1 -> 1. min = 1: r(adam0.1) = 2,
         * r(y) = 1. Task u: envelope [10, 9, 8.1] from adam(lr=0.1) alone, target 8.1, its cost 2 = min -> r = 1;
         * y diverged -> infinity.
         */
        assertEquals(List.of("t", "u"), p.tasks());
        assertEquals(List.of("adam(lr=0.01)", "adam(lr=0.1)", "adam(lr=1)", "x", "y"), p.solvers());
        int adam = 1;
        int y = 4;
        assertArrayEquals(new double[] {2, 1}, p.ratio()[adam], EPS);
        assertEquals(1.0, p.ratio()[y][0], EPS);
        assertEquals(Double.POSITIVE_INFINITY, p.ratio()[y][1], 0);
        assertEquals(0.5, p.rho(adam, 1), 0);
        assertEquals(1.0, p.rho(adam, 2), 0);
        assertEquals(0.5, p.rho(y, 1), 0);
        assertEquals(0.5, p.rho(y, 1000), 0);
        assertEquals(0.0, p.rho(3, 1000), 0); // x never reaches
    }

    @Test
    void optimizerNames() {
        assertEquals("adam", OptimizerNames.base("adam(lr=0.001)"));
        assertEquals("sgdm", OptimizerNames.base("sgdm:lr=0.1"));
        CellRecord adam = c("t", "adam(lr=0.001)", 0, Outcome.completed, 1);
        assertEquals(0.001, OptimizerNames.learningRate(TestCells.withParam(adam, "lr", 0.001)), 0);
        assertEquals(3L, OptimizerNames.learningRate(TestCells.withParam(adam, "lr", 3L)), 0);
        // the learning rate is a typed parameter: never read from the name, nor from a string
        assertTrue(Double.isNaN(OptimizerNames.learningRate(adam)));
        assertTrue(Double.isNaN(OptimizerNames.learningRate(TestCells.withParam(adam, "lr", "0.001"))));
    }
}
