package dev.lobench.results;

import static dev.lobench.results.TestCells.cell;
import static dev.lobench.results.TestCells.timing;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strided records ({@code lossEvery}): the block means, their layout in steps, and that every reader of
 * {@code trainLoss} gives in steps what it gives for the per-step record of the same run. The per-step losses are a
 * noisy decaying curve drawn here; each strided record is made from them by {@link LossCurve#summarise}, and each
 * expected value is computed from the per-step losses directly.
 */
class LossCurveTest {
    @TempDir
    Path dir;

    /** A noisy, decaying minibatch-loss curve of {@code n} steps (seeded). */
    static float[] losses(int n, long seed) {
        Random r = new Random(seed);
        float[] l = new float[n];
        for (int t = 0; t < n; t++) {
            l[t] = (float) (2.0 * Math.exp(-t / (n / 4.0)) + 0.1 + 0.02 * r.nextGaussian());
        }
        return l;
    }

    /** The per-step record of {@code l[0 .. n-1]}. */
    static CellRecord perStep(String opt, long seed, int steps, Outcome outcome, float[] l, int n) {
        CellRecord c = cell("t", opt, seed, steps, outcome, java.util.Arrays.copyOf(l, n), List.of(), timing(10, 2));
        return withLoss(c, l[0], null, null, java.util.Arrays.copyOf(l, n));
    }

    /** The strided record (stride {@code k}) of the same steps. */
    static CellRecord strided(String opt, long seed, int steps, Outcome outcome, float[] l, int n, int k) {
        CellRecord c = cell("t", opt, seed, steps, outcome, new float[0], List.of(), timing(10, 2));
        return withLoss(c, l[0], k, n, LossCurve.summarise(l, n, k, outcome == Outcome.completed));
    }

    static CellRecord withLoss(CellRecord c, double initial, Integer every, Integer run, float[] loss) {
        return new CellRecord(c.type(), c.schemaVersion(), c.cellKey() + (every == null ? "" : "|" + every), c.task(),
                c.taskFamily(), c.taskParams(), c.inMetaTrainingSet(), c.optimizer(), c.optimizerBase(),
                c.optimizerParams(), c.tunedGroup(), c.seed(), c.steps(), c.numParams(), c.outcome(),
                c.outcomeDetail(), initial, every, run, loss, c.evals(), c.timing(), c.meta());
    }

    private static double mean(float[] l, int from, int to) {
        double s = 0;
        for (int t = from; t < to; t++) {
            s += l[t];
        }
        return s / (to - from);
    }

    @Test
    void blocksAreTheMeansOfConsecutiveStepsAndTheLastMayBeShorter() {
        float[] l = losses(103, 1);
        float[] b = LossCurve.summarise(l, 103, 10, true);
        assertEquals(11, b.length);
        for (int j = 0; j < 10; j++) {
            assertEquals(mean(l, 10 * j, 10 * j + 10), b[j], 1e-6);
        }
        assertEquals(mean(l, 100, 103), b[10], 1e-6);
        assertArrayEquals(l, LossCurve.summarise(l, 103, 1, true));
        assertArrayEquals(new int[] {9, 19, 29, 39, 49, 59, 69, 79, 89, 99, 102}, LossCurve.ends(103, 10, true));
        assertThrows(IllegalArgumentException.class, () -> LossCurve.summarise(l, 103, 0, true));
    }

    @Test
    void finalTrainLossIsThePerStepOneWhenTheStrideDividesKAndTheSteps() {
        for (int n : new int[] {200, 1000, 20_000}) {
            float[] l = losses(n, n);
            CellRecord one = perStep("adam", 0, n, Outcome.completed, l, n);
            double expected = mean(l, n - CellMetrics.tailLength(n), n);
            assertEquals(expected, CellMetrics.finalTrainLoss(one), 1e-12);
            for (int k : new int[] {1, 2, 4, 5, 10, 20}) {
                CellRecord s = strided("adam", 0, n, Outcome.completed, l, n, k);
                assertNull(LossCurve.layoutProblem(s), "K=" + k);
                assertEquals(expected, CellMetrics.finalTrainLoss(s), 1e-6, "n=" + n + " K=" + k);
                assertEquals(CellMetrics.meanTrainLoss(one), CellMetrics.meanTrainLoss(s), 1e-6, "n=" + n + " K=" + k);
            }
        }
    }

    @Test
    void finalTrainLossOfAnotherStrideWeightsTheStraddlingBlockByItsStepsInTheWindow() {
        int n = 203;   // k = 20; K = 3 divides neither 20 nor 203
        float[] l = losses(n, 7);
        CellRecord s = strided("adam", 0, n, Outcome.completed, l, n, 3);
        float[] b = s.trainLoss();
        assertEquals(68, b.length);   // 67 blocks of 3, then step 201-202
        // window: steps 183..202; the block of steps 183..185 is entry 61, fully inside; entries 61..66 (18 steps)
        // and the 2-step last block
        double sum = 0;
        for (int i = 61; i <= 66; i++) {
            sum += 3.0 * b[i];
        }
        sum += 2.0 * b[67];
        assertEquals(sum / 20, CellMetrics.finalTrainLoss(s), 1e-9);
        // K = 7: the window 183..202 starts inside the block 182..188, which counts with its 6 steps in the window
        CellRecord s7 = strided("adam", 0, n, Outcome.completed, l, n, 7);
        float[] c = s7.trainLoss();
        double w = 6.0 * c[26] + 7.0 * c[27] + 7.0 * c[28];
        assertEquals(w / 20, CellMetrics.finalTrainLoss(s7), 1e-9);
        // and it stays close to the per-step value (a smooth curve)
        assertEquals(mean(l, n - 20, n), CellMetrics.finalTrainLoss(s7), 0.05);
    }

    @Test
    void aCellThatStopsMidBlockRecordsItsLastStepAloneSoTheLastFiniteLossIsFound() {
        float[] l = losses(100, 3);
        for (float bad : new float[] {Float.NaN, 50f}) {
            l[46] = bad;   // step 46 stops the cell: 47 steps run; in the middle of the block 40..49
            CellRecord one = perStep("lopt", 0, 100, Outcome.diverged, l, 47);
            CellRecord s = strided("lopt", 0, 100, Outcome.diverged, l, 47, 10);
            assertNull(LossCurve.layoutProblem(s));
            float[] b = s.trainLoss();
            assertEquals(6, b.length);   // 4 blocks of 10, steps 40..45, step 46
            assertEquals(mean(l, 40, 46), b[4], 1e-6);
            assertEquals(bad, b[5], 0.0);
            assertArrayEquals(new int[] {9, 19, 29, 39, 45, 46}, LossCurve.ends(s));
            for (int i = 0; i < 5; i++) {
                assertTrue(Float.isFinite(b[i]));
            }
            double perStepLast = NormalisedLoss.finalLoss(one);
            double stridedLast = NormalisedLoss.finalLoss(s);
            assertTrue(Double.isFinite(stridedLast));
            if (Float.isFinite(bad)) {
                assertEquals(perStepLast, stridedLast, 0.0, "the last step's own loss, as in the per-step record");
            } else {
                assertEquals(l[45], perStepLast, 0.0);
                assertEquals(mean(l, 40, 46), stridedLast, 1e-6, "the mean of the finite steps of the last block");
            }
            // the non-completed rules of the other metrics are unchanged
            Speedup.Envelope env = Speedup.envelope(List.of(perStep("adam", 0, 100, Outcome.completed, losses(100, 4),
                    100)));
            assertEquals(0.0, Speedup.of(env, s, false));
            assertEquals(Double.POSITIVE_INFINITY, PerformanceProfile.cellCost(s, 1.0));
            assertEquals(47, LossCurve.stepsRun(s));
        }
        // stopping on the first step of a block, and on step 0
        float[] m = losses(30, 5);
        m[20] = Float.NaN;
        CellRecord s = strided("lopt", 0, 30, Outcome.diverged, m, 21, 10);
        assertArrayEquals(new int[] {9, 19, 20}, LossCurve.ends(s));
        assertEquals(mean(m, 10, 20), NormalisedLoss.finalLoss(s), 1e-6);
        m[0] = Float.NaN;
        CellRecord first = strided("lopt", 0, 30, Outcome.diverged, m, 1, 10);
        assertEquals(1, first.trainLoss().length);
        assertTrue(Double.isNaN(NormalisedLoss.finalLoss(first)), "no finite loss: the initial loss (NaN here)");
    }

    @Test
    void perStepPlacesEachBlockAtItsLastStepAndInterpolatesFromTheInitialLoss() {
        float[] l = losses(40, 9);
        CellRecord one = perStep("adam", 0, 40, Outcome.completed, l, 40);
        assertSame(one.trainLoss(), LossCurve.perStep(one));
        CellRecord s = strided("adam", 0, 40, Outcome.completed, l, 40, 10);
        float[] p = LossCurve.perStep(s);
        assertEquals(40, p.length);
        assertEquals(l[0], p[0], 0.0);
        float[] b = s.trainLoss();
        for (int j = 0; j < 4; j++) {
            assertEquals(b[j], p[10 * j + 9], 0.0);
        }
        assertEquals(l[0] + (b[0] - l[0]) * 5 / 9.0, p[5], 1e-6);
        assertEquals(b[1] + (b[2] - b[1]) * 0.3, p[22], 1e-6);
    }

    @Test
    void speedupAndProfileOfAStridedRunAreInStepsAndCloseToThePerStepOnes() {
        int n = 2000;
        List<CellRecord> one = new ArrayList<>();
        List<CellRecord> ten = new ArrayList<>();
        for (int seed = 0; seed < 3; seed++) {
            float[] a = losses(n, 100 + seed);
            float[] o = new float[n];
            float[] f = losses(n, 200 + seed);
            for (int t = 0; t < n; t++) {
                o[t] = (float) (2.0 * Math.exp(-t / (n / 8.0)) + 0.1 + (f[t] - (2.0 * Math.exp(-t / (n / 4.0)) + 0.1)));
            }
            one.add(perStep("adam", seed, n, Outcome.completed, a, n));
            one.add(perStep("fast", seed, n, Outcome.completed, o, n));
            ten.add(strided("adam", seed, n, Outcome.completed, a, n, 10));
            ten.add(strided("fast", seed, n, Outcome.completed, o, n, 10));
        }
        Speedup.Envelope e1 = Speedup.envelope(one);
        Speedup.Envelope e10 = Speedup.envelope(ten);
        assertEquals(e1.refSteps(), e10.refSteps(), "T_ref in steps, not blocks");
        for (int i = 0; i < 6; i++) {
            for (boolean half : new boolean[] {false, true}) {
                double s1 = Speedup.of(e1, one.get(i), half);
                double s10 = Speedup.of(e10, ten.get(i), half);
                assertTrue(s1 > 0 && s10 > 0);
                assertEquals(s1, s10, 0.1 * s1, one.get(i).optimizer() + " half=" + half);
            }
        }
        assertTrue(Speedup.of(e10, ten.get(1), true) > 1.3, "the faster optimizer is faster in steps");
        double c1 = PerformanceProfile.cellCost(one.get(1), e1.finalLoss());
        double c10 = PerformanceProfile.cellCost(ten.get(1), e10.finalLoss());
        assertEquals(c1, c10, 0.1 * c1, "steps to target");
        List<MatchedOverhead.Curve> m10 = MatchedOverhead.curves(ten, 20);
        assertEquals(n, m10.get(0).loss().length, "matched-overhead curves in steps");
    }

    @Test
    void curvesCsvPlacesEntriesAtTheirBlocksLastStepAndEvaluationsInStepOrder() throws IOException {
        float[] l = losses(25, 11);
        CellRecord s0 = strided("adam", 0, 25, Outcome.completed, l, 25, 10);
        List<EvalPoint> evals = List.of(new EvalPoint(0, 3.0, 0.1, Double.NaN), new EvalPoint(10, 2.0, 0.5,
                Double.NaN), new EvalPoint(19, 1.5, 0.6, Double.NaN), new EvalPoint(25, 1.0, 0.7, Double.NaN));
        CellRecord s = new CellRecord(s0.type(), s0.schemaVersion(), s0.cellKey(), s0.task(), s0.taskFamily(),
                s0.taskParams(), false, s0.optimizer(), s0.optimizerBase(), s0.optimizerParams(), null, 0, 25, 10,
                Outcome.completed, null, l[0], 10, 25, s0.trainLoss(), evals, s0.timing(), s0.meta());
        StringWriter w = new StringWriter();
        long rows = CurvesCsv.write(List.of(s), w);
        List<String> lines = w.toString().lines().toList();
        assertEquals(6, rows);   // 3 entries (steps 9, 19, 24) + evaluations at 0, 10 and 25 on rows of their own
        List<String> steps = lines.stream().skip(1).map(x -> x.split(",")[3]).toList();
        assertEquals(List.of("0", "9", "10", "19", "24", "25"), steps);
        assertTrue(lines.get(4).contains("," + s.trainLoss()[1] + ",1.5,0.6,,true,"), lines.get(4));
        assertTrue(lines.get(2).contains("," + s.trainLoss()[0] + ",,,,false,"), lines.get(2));
    }

    @Test
    void aStridedCellRoundTripsAndAPerStepCellLineHasNoNewField() throws IOException {
        float[] l = losses(50, 13);
        CellRecord one = perStep("adam", 0, 50, Outcome.completed, l, 50);
        CellRecord s = strided("adam", 1, 50, Outcome.completed, l, 50, 5);
        String line1 = ResultsJson.mapper().writeValueAsString(one);
        assertFalse(line1.contains("lossEvery") || line1.contains("stepsRun"), line1);
        String line5 = ResultsJson.mapper().writeValueAsString(s);
        assertTrue(line5.contains("\"lossEvery\":5,\"stepsRun\":50,\"trainLoss\":["), line5);
        Path f = dir.resolve("r.jsonl");
        try (ResultWriter wr = ResultWriter.create(f, TestCells.header("r"))) {
            wr.writeCell(s);
        }
        CellRecord back = ResultStore.read(f).cells().get(0);
        assertEquals(s, back);
        assertEquals(5, LossCurve.every(back));
        assertEquals(1, LossCurve.every(one));
    }

    @Test
    void aBadLayoutIsRefusedWhenReadAndWritten() throws IOException {
        float[] l = losses(50, 17);
        CellRecord s = strided("adam", 1, 50, Outcome.completed, l, 50, 5);
        CellRecord shortOne = withLoss(s, l[0], 5, 50, java.util.Arrays.copyOf(s.trainLoss(), 9));
        CellRecord noRun = withLoss(s, l[0], 5, null, s.trainLoss());
        CellRecord zero = withLoss(s, l[0], 0, 50, s.trainLoss());
        for (CellRecord bad : List.of(shortOne, noRun, zero)) {
            assertNotNull(LossCurve.layoutProblem(bad));
            Path f = dir.resolve("bad" + System.nanoTime() + ".jsonl");
            Files.writeString(f, ResultsJson.mapper().writeValueAsString(TestCells.header("b")) + "\n"
                    + ResultsJson.mapper().writeValueAsString(bad) + "\n");
            ResultsError e = assertThrows(ResultsError.class, () -> ResultStore.read(f));
            assertTrue(e.getMessage().contains(":2: cell"), e.getMessage());
            try (ResultWriter wr = ResultWriter.create(dir.resolve("w" + System.nanoTime() + ".jsonl"),
                    TestCells.header("w"))) {
                assertThrows(IllegalArgumentException.class, () -> wr.writeCell(bad));
            }
        }
    }

    @Test
    void theReportSaysWhenItReadsStridedRecordsAndGivesTheSameFinalLoss() {
        int n = 400;
        float[] l = losses(n, 23);
        String per = Report.render(List.of(perStep("adam", 0, n, Outcome.completed, l, n)), Report.Format.MARKDOWN);
        String str = Report.render(List.of(strided("adam", 0, n, Outcome.completed, l, n, 10)),
                Report.Format.MARKDOWN);
        assertFalse(per.contains("Strided records"), per);
        assertTrue(str.contains("Strided records (run --loss-every 10)"), str);
        String row = Report.formatNumber(mean(l, n - 20, n));
        assertTrue(per.contains("| " + row + " ") && str.contains("| " + row + " "), row + "\n" + per + "\n" + str);
    }

    @Test
    void mergeRefusesInputsOfDifferentStrides() {
        float[] l = losses(50, 19);
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        try (ResultWriter w = ResultWriter.create(a, TestCells.header("a"))) {
            w.writeCell(perStep("adam", 0, 50, Outcome.completed, l, 50));
        }
        try (ResultWriter w = ResultWriter.create(b, TestCells.header("b"))) {
            w.writeCell(strided("adam", 1, 50, Outcome.completed, l, 50, 5));
        }
        ResultsError e = assertThrows(ResultsError.class, () -> ResultStore.merge(List.of(a, b), dir.resolve("m")));
        assertTrue(e.getMessage().contains("lossEvery 1 in " + a) && e.getMessage().contains("lossEvery 5 in " + b),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertFalse(Files.exists(dir.resolve("m")));
        // one stride merges
        ResultsFile m = ResultStore.merge(List.of(b), dir.resolve("m2.jsonl"));
        assertEquals(5, LossCurve.every(m.cells().get(0)));
    }
}
