package dev.lobench.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lobench.results.CellRecord;
import dev.lobench.results.Outcome;
import dev.lobench.results.ResultsError;
import dev.lobench.results.RunHeader;
import dev.lobench.results.Timing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GateTest {

    static RunHeader header(String cpu) {
        return new RunHeader("header", 1, "run", "smoke", "0.1.0", "abc", "17", "0.36.0", "2.7.1", cpu, 2, "Linux",
                "2026-01-01T00:00:00Z", "lobench run", Map.of());
    }

    /** A cell whose curve is [10, loss]: length 2 -> the final train loss is the last value, {@code loss}. */
    static CellRecord cell(String task, String opt, long seed, Outcome o, float loss, double stepMs) {
        return new CellRecord("cell", 1, task + "|" + opt + "|" + seed, task, "fixture", Map.of(), false, opt,
                dev.lobench.results.OptimizerNames.base(opt), Map.of(), null, seed, 2, 10L, o, null, 10.0, new float[] {10f, loss}, List.of(),
                new Timing(1, 1, 0.1, 0, stepMs, stepMs - 1, 1, 0), Map.of());
    }

    /**
     * Two tasks x {adam(lr=0.001), star}, seeds 0..n-1. Final losses: adam 1.0 + 0.01*seed on t1, 2.0 +
     * 0.01*seed on t2; star = adam's + 0.5 (scaled by {@code starScale}). Step ms: adam 10, star 20 * overhead
     * (so star's step ratio to Adam is 2 x overhead).
     */
    static List<CellRecord> run(int seeds, double starScale, double overhead) {
        List<CellRecord> l = new ArrayList<>();
        for (String t : List.of("t1", "t2")) {
            double base = t.equals("t1") ? 1.0 : 2.0;
            for (int s = 0; s < seeds; s++) {
                l.add(cell(t, "adam(lr=0.001)", s, Outcome.completed, (float) (base + 0.01 * s), 10));
                l.add(cell(t, "star", s, Outcome.completed, (float) ((base + 0.5 + 0.01 * s) * starScale),
                        20 * overhead));
            }
        }
        return l;
    }

    static Gate.Result check(List<CellRecord> base, List<CellRecord> cand, String candCpu) {
        return Gate.check(Baseline.of(header("CPU A"), base), header(candCpu), cand, Gate.Options.defaults());
    }

    static Gate.Verdict verdict(Gate.Result r, String task, String opt) {
        return r.verdicts().stream().filter(v -> v.task().equals(task) && v.optimizer().equals(opt)).findFirst()
                .orElseThrow();
    }

    @Test
    void baselineRecordsSeedsTimingsAndOverheadRatio(@TempDir Path dir) {
        Baseline b = Baseline.of(header("CPU A"), run(1, 1, 1));
        Baseline.Entry star = b.entries().stream().filter(e -> e.task().equals("t1") && e.optimizer().equals("star"))
                .findFirst().orElseThrow();
        assertEquals(1.5, star.seeds().get(0).finalLoss(), 1e-6); // 1.0 + 0.5
        assertEquals(20.0, star.stepMsMedian(), 0);
        assertEquals(2.0, star.stepRatioToAdam(), 0); // 20 ms / adam's 10 ms
        assertEquals(1.0, star.updateRatioToAdam(), 0); // both update 1 ms
        assertEquals("adam(lr=0.001)", star.adamReference());
        assertEquals("CPU A", b.machine().cpuModel());
        Path f = dir.resolve("b.json");
        b.write(f);
        assertEquals(b, Baseline.read(f));
    }

    @Test
    void unchangedCandidatePasses() {
        Gate.Result r = check(run(1, 1, 1), run(1, 1, 1), "CPU A");
        assertTrue(r.passed());
        assertEquals(4, r.count(Gate.Status.PASS));
    }

    @Test
    void repeatedRunNoisePasses() {
        // 3 seeds; candidate losses 2% higher (well inside the 5% tolerance) and 30% slower steps (< 1.5x)
        Gate.Result r = check(run(3, 1, 1), run(3, 1.02, 1.3), "CPU A");
        assertTrue(r.passed(), GateReport.markdown(r));
    }

    @Test
    void degradedLossesFailWithOneSeedByEffectSizeAlone() {
        // star's losses x1.3: +30% > 5%; 1 seed a side: the test cannot reach alpha -> effect size alone
        Gate.Result r = check(run(1, 1, 1), run(1, 1.3, 1), "CPU A");
        assertFalse(r.passed());
        Gate.Verdict v = verdict(r, "t1", "star");
        assertEquals(Gate.Status.FAIL, v.status());
        assertEquals(0.3, v.relEffect(), 1e-6);
        assertTrue(Double.isNaN(v.pValue()));
        assertEquals(Gate.Status.PASS, verdict(r, "t1", "adam(lr=0.001)").status());
    }

    @Test
    void degradedLossesWithThreeSeedsFailWhenSignificant() {
        // all 3 candidate losses above all 3 baseline ones: U = 9, p = 1/C(6,3) = 1/20 = 0.05 <= alpha
        Gate.Result r = check(run(3, 1, 1), run(3, 1.3, 1), "CPU A");
        Gate.Verdict v = verdict(r, "t2", "star");
        assertEquals(Gate.Status.FAIL, v.status());
        assertEquals(0.05, v.pValue(), 1e-12);
    }

    @Test
    void worseButNotSignificantPasses() {
        // baseline star t1 losses {1.0, 1.2, 1.4}, candidate {1.0, 1.32, 1.5}: median +10% but U = 0.5 + 2 + 3
        // = 5.5 -> tail from 5: P(U >= 5) = (3+3+2+1+1)/20 = 0.5 > 0.05 -> pass with a note
        List<CellRecord> b = List.of(cell("t1", "star", 0, Outcome.completed, 1.0f, 1),
                cell("t1", "star", 1, Outcome.completed, 1.2f, 1), cell("t1", "star", 2, Outcome.completed, 1.4f, 1));
        List<CellRecord> c = List.of(cell("t1", "star", 0, Outcome.completed, 1.0f, 1),
                cell("t1", "star", 1, Outcome.completed, 1.32f, 1), cell("t1", "star", 2, Outcome.completed, 1.5f, 1));
        Gate.Verdict v = verdict(check(b, c, "CPU A"), "t1", "star");
        assertEquals(Gate.Status.PASS, v.status());
        assertEquals(0.1, v.relEffect(), 1e-6);
        assertEquals(0.5, v.pValue(), 1e-12);
        assertTrue(v.notes().get(0).contains("not significant"));
    }

    @Test
    void divergedWhereBaselineCompletedAlwaysFails() {
        List<CellRecord> cand = new ArrayList<>(run(1, 1, 1));
        cand.removeIf(c -> c.task().equals("t2") && c.optimizer().equals("star"));
        cand.add(cell("t2", "star", 0, Outcome.diverged, Float.NaN, 20));
        Gate.Result r = check(run(1, 1, 1), cand, "CPU A");
        assertFalse(r.passed());
        Gate.Verdict v = verdict(r, "t2", "star");
        assertTrue(v.failures().get(0).contains("diverged"), v.failures().toString());
    }

    @Test
    void missingCellFailsAndNewCellIsNotGated() {
        List<CellRecord> cand = new ArrayList<>(run(1, 1, 1));
        cand.removeIf(c -> c.task().equals("t1") && c.optimizer().equals("star"));
        cand.add(cell("t1", "small-fc", 0, Outcome.completed, 5f, 20));
        Gate.Result r = check(run(1, 1, 1), cand, "CPU A");
        assertEquals(Gate.Status.FAIL, verdict(r, "t1", "star").status());
        assertEquals(Gate.Status.NEW, verdict(r, "t1", "small-fc").status());
        assertEquals(1, r.count(Gate.Status.FAIL));
    }

    @Test
    void overheadGrowthFailsOnlyOnComparableMachines() {
        // star's ratio to Adam: baseline 20/10 = 2; candidate 50/10 = 5 > 2 x 2.0 = 4 (Adam step 10 ms >= 5 ms)
        Gate.Result same = check(run(1, 1, 1), run(1, 1, 2.5), "CPU A");
        Gate.Verdict v = verdict(same, "t1", "star");
        assertEquals(Gate.Status.FAIL, v.status());
        assertEquals(5.0, v.candidateStepRatio(), 0);
        // 20 -> 36 ms: ratio 2 -> 3.6 < 4 passes (generous tolerance for noisy timings)
        assertTrue(check(run(1, 1, 1), run(1, 1, 1.8), "CPU A").passed());
        Gate.Result other = check(run(1, 1, 1), run(1, 1, 2.5), "CPU B");
        assertTrue(other.passed());
        assertTrue(verdict(other, "t1", "star").notes().contains("overhead not checked: machines differ"));
    }

    @Test
    void overheadNotGatedWhenAdamItselfGotMuchSlowerOrFaster() {
        // every step 3x slower in the candidate (adam 10 -> 30 ms, drift 3 > 2): load differs, not gated
        List<CellRecord> cand = new ArrayList<>();
        for (CellRecord c : run(1, 1, 1)) {
            cand.add(cell(c.task(), c.optimizer(), c.seed(), c.outcome(), c.trainLoss()[1],
                    c.optimizer().equals("star") ? 20 * 3 * 2.5 : 30));
        }
        Gate.Result r = check(run(1, 1, 1), cand, "CPU A");
        assertTrue(r.passed(), GateReport.markdown(r));
        assertTrue(verdict(r, "t1", "star").notes().get(1).startsWith("overhead not checked: Adam's own step time"
                + " moved 10 -> 30 ms"), verdict(r, "t1", "star").notes().toString());
    }

    @Test
    void overheadNotGatedBelowTheStepTimeNoiseFloor() {
        // Adam step 10 ms but a noise floor of 20 ms: a 5x ratio growth is not gated
        Gate.Result r = Gate.check(Baseline.of(header("CPU A"), run(1, 1, 1)), header("CPU A"), run(1, 1, 2.5),
                new Gate.Options(0.05, 0.05, 2.0, 20.0, false));
        assertTrue(r.passed());
        assertTrue(verdict(r, "t1", "star").notes().get(1).startsWith("overhead not checked: Adam step 10 ms"),
                verdict(r, "t1", "star").notes().toString());
    }

    @Test
    void matchByBaseNameCatchesADegradedRenamedOptimizer() {
        List<CellRecord> cand = new ArrayList<>();
        for (CellRecord c : run(1, 1, 1)) {
            float f = c.trainLoss()[1];
            cand.add(c.optimizer().startsWith("adam")
                    ? cell(c.task(), "adam(lr=0.0001)", c.seed(), Outcome.completed, f * 1.3f, 10) : c);
        }
        Gate.Result exact = check(run(1, 1, 1), cand, "CPU A");
        assertEquals(Gate.Status.FAIL, verdict(exact, "t1", "adam(lr=0.001)").status()); // missing
        Gate.Result base = Gate.check(Baseline.of(header("CPU A"), run(1, 1, 1)), header("CPU A"), cand,
                Gate.Options.defaults().withMatchBase(true));
        Gate.Verdict v = verdict(base, "t1", "adam(lr=0.001)");
        assertEquals(Gate.Status.FAIL, v.status());
        assertEquals("adam(lr=0.0001)", v.candidateOptimizer());
        assertEquals(0.3, v.relEffect(), 1e-6);
        assertEquals(0, base.count(Gate.Status.NEW));
    }

    /** {@code c} as a record of an optimizer whose registered name is {@code base}. */
    static CellRecord withBase(CellRecord c, String base) {
        return new CellRecord(c.type(), c.schemaVersion(), c.cellKey(), c.task(), c.taskFamily(), c.taskParams(),
                c.inMetaTrainingSet(), c.optimizer(), base, c.optimizerParams(), c.tunedGroup(), c.seed(), c.steps(),
                c.numParams(), c.outcome(), c.outcomeDetail(), c.initialLoss(), c.trainLoss(), c.evals(), c.timing(),
                c.meta());
    }

    @Test
    void matchByBaseAndTheAdamReferenceReadTheRecordsBaseName(@TempDir Path dir) throws Exception {
        // a candidate whose Adam cells carry a name that does not spell their base name
        List<CellRecord> cand = new ArrayList<>();
        for (CellRecord c : run(1, 1, 1)) {
            cand.add(c.optimizer().startsWith("adam") ? withBase(cell(c.task(), "tuned-reference(lr=0.001)",
                    c.seed(), Outcome.completed, c.trainLoss()[1], 10), "adam") : c);
        }
        Baseline cb = Baseline.of(header("CPU A"), cand);
        Baseline.Entry star = cb.entries().stream().filter(e -> e.task().equals("t1")
                && e.optimizer().equals("star")).findFirst().orElseThrow();
        assertEquals("tuned-reference(lr=0.001)", star.adamReference(), "Adam found by optimizerBase");
        Gate.Result r = Gate.check(Baseline.of(header("CPU A"), run(1, 1, 1)), header("CPU A"), cand,
                Gate.Options.defaults().withMatchBase(true));
        Gate.Verdict v = verdict(r, "t1", "adam(lr=0.001)");
        assertEquals("tuned-reference(lr=0.001)", v.candidateOptimizer());
        assertEquals(Gate.Status.PASS, v.status());
        // a baseline without base names (a hand-made one; lobench writes them) gets them from the names when read
        Path f = dir.resolve("b.json");
        Baseline.of(header("CPU A"), run(1, 1, 1)).write(f);
        java.nio.file.Files.writeString(f, java.nio.file.Files.readString(f)
                .replaceAll("\"baseOptimizer\" : \"[^\"]*\",", ""));
        assertFalse(java.nio.file.Files.readString(f).contains("baseOptimizer"));
        Baseline read = Baseline.read(f);
        assertEquals(Baseline.of(header("CPU A"), run(1, 1, 1)).entries(), read.entries());
    }

    @Test
    void ambiguousBaseMatchIsAnInputError() {
        List<CellRecord> cand = new ArrayList<>(run(1, 1, 1));
        cand.add(cell("t1", "adam(lr=0.01)", 0, Outcome.completed, 1f, 10));
        assertThrows(ResultsError.class, () -> Gate.check(Baseline.of(header("CPU A"), run(1, 1, 1)),
                header("CPU A"), cand, Gate.Options.defaults().withMatchBase(true)));
    }

    @Test
    void reportsRenderVerdicts() {
        Gate.Result r = check(run(1, 1, 1), run(1, 1.3, 1), "CPU A");
        String md = GateReport.markdown(r);
        assertTrue(md.startsWith("## lobench CI gate: FAIL"));
        assertTrue(md.contains("| t1 | star | **FAIL** | 1.5 | 1.95 | +30.0% |"), md);
        String xml = GateReport.junit(r);
        assertTrue(xml.contains("<testsuite name=\"lobench-ci-gate\" tests=\"4\" failures=\"2\""), xml);
        assertTrue(xml.contains("<testcase classname=\"lobench.t1\" name=\"star\">\n      <failure"), xml);
    }

    @Test
    void mannWhitneyExact() {
        // n = m = 3: 20 arrangements; all candidates above all baseline values only in one: p = 0.05
        assertEquals(0.05, MannWhitney.pGreater(new double[] {4, 5, 6}, new double[] {1, 2, 3}), 1e-12);
        assertEquals(1.0, MannWhitney.pGreater(new double[] {1, 2, 3}, new double[] {4, 5, 6}), 1e-12);
        // n = m = 2: C(4,2) = 6; U = 4 only when both above -> 1/6
        assertEquals(1.0 / 6, MannWhitney.pGreater(new double[] {3, 4}, new double[] {1, 2}), 1e-12);
        assertEquals(1.0 / 6, MannWhitney.minP(2, 2), 1e-12);
        assertEquals(0.05, MannWhitney.minP(3, 3), 1e-12);
    }
}
