package dev.lobench.results;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ratio, speedup, break-even and matched-budget arithmetic on hand-made fixtures (values computed by hand). */
class MatchedOverheadTest {

    static OverheadRecord rec(String kind, String task, String opt, double medianMs, long n, long stateBytes,
            long weightBytes) {
        return new OverheadRecord(OverheadRecord.TYPE, Schema.VERSION, kind, task, opt, opt, "cpu", 1, n, medianMs,
                medianMs, medianMs * 0.02, 100, 1, stateBytes, weightBytes, "ok", null);
    }

    static OverheadRun run(String cpu, int threads, List<OverheadRecord> records) {
        RunHeader h = new RunHeader(RunHeader.TYPE, Schema.VERSION, "r", "overhead", "0.1", "abc", "jvm", "0.36.0",
                "2.7.1", cpu, threads, "Linux", "2026-01-01T00:00:00Z", "lobench overhead", Map.of("device", "cpu"));
        return new OverheadRun(Path.of("overhead.jsonl"), h, records, true);
    }

    /** Fixture: task T; adam full step 2 ms, star 3 ms (ratio 1.5), small-fc 2.5 ms (1.25); opt-only 0.2/1.0/0.8. */
    static OverheadRun fixture() {
        List<OverheadRecord> r = new ArrayList<>();
        r.add(rec(OverheadRecord.CALIBRATION, "calibration", "matmul256", 0.4, 65536, 0, 0));
        r.add(rec(OverheadRecord.OPTIMIZER_ONLY, "T", "adam", 0.2, 1000, 8000, 0));
        r.add(rec(OverheadRecord.OPTIMIZER_ONLY, "T", "star", 1.0, 1000, 16500, 828));
        r.add(rec(OverheadRecord.OPTIMIZER_ONLY, "T", "small-fc", 0.8, 1000, 16000, 700));
        r.add(rec(OverheadRecord.FULL_STEP, "T", "adam", 2.0, 1000, 8000, 0));
        r.add(rec(OverheadRecord.FULL_STEP, "T", "star", 3.0, 1000, 16500, 828));
        r.add(rec(OverheadRecord.FULL_STEP, "T", "small-fc", 2.5, 1000, 16000, 700));
        return run("CPU X", 1, r);
    }

    static CellRecord cell(String opt, long seed, float... loss) {
        return TestCells.cell("T", opt, seed, loss.length, Outcome.completed, loss, List.of(),
                TestCells.timing(1, 0.5));
    }

    @Test
    void overheadTableRatiosAndMemory() {
        List<OverheadTable.Row> rows = OverheadTable.rows(fixture());
        assertEquals(3, rows.size());
        OverheadTable.Row star = rows.get(1);
        assertEquals("star", star.optimizer());
        assertEquals(5.0, star.optOnlyRatio(), 1e-12);      // 1.0 / 0.2
        assertEquals(1.5, star.fullStepRatio(), 1e-12);     // 3.0 / 2.0
        assertEquals(16.5, star.stateBytesPerParam(), 1e-12); // 16500 / 1000
        assertEquals(828, star.weightBytes());
        assertEquals(8.0, rows.get(0).stateBytesPerParam(), 1e-12); // Adam: 2 floats
        assertEquals(0.02, star.optOnlyRelError(), 1e-12);
        String md = OverheadTable.markdown(fixture());
        assertTrue(md.contains("| T | star | 1000 | 1.000 | 2.0 | 5.00 | 3.000 | 2.0 | 1.50 | 16.500 | 828 |"), md);
    }

    @Test
    void smoothingAndMeanOverSeeds() {
        // seeds average to 3,2,1,1 ; window 2 -> 3, 2.5, 1.5, 1
        List<MatchedOverhead.Curve> cs = MatchedOverhead.curves(List.of(cell("adam", 0, 4, 2, 1, 1),
                cell("adam", 1, 2, 2, 1, 1)), 2);
        assertEquals(1, cs.size());
        float[] l = cs.get(0).loss();
        assertEquals(3.0, l[0], 1e-6);
        assertEquals(2.5, l[1], 1e-6);
        assertEquals(1.5, l[2], 1e-6);
        assertEquals(1.0, l[3], 1e-6);
    }

    @Test
    void speedupBreakEvenAndTunedAdam() {
        List<CellRecord> cells = List.of(
                // two Adam learning rates: lr=0.01 ends at 0.6, lr=0.001 ends at 0.9 -> tuned Adam is lr=0.01
                cell("adam(lr=0.01)", 0, 1.0f, 0.9f, 0.8f, 0.7f, 0.65f, 0.6f, 0.6f, 0.6f),
                cell("adam(lr=0.001)", 0, 1.0f, 1.0f, 0.95f, 0.95f, 0.9f, 0.9f, 0.9f, 0.9f),
                // star ends at 0.7 after 2 steps; adam(lr=0.01) first reaches <= 0.7 at step 4 -> speedup 4/2 = 2;
                // full-step ratio 1.5 -> wall-clock speedup 2 / 1.5 = 1.333: wins in steps and in time
                cell("star", 0, 0.9f, 0.7f),
                // small-fc ends at 0.7 after 3 steps -> 4/3 = 1.333 step speedup; ratio 1.25 -> 1.0667
                cell("small-fc", 0, 0.9f, 0.8f, 0.7f));
        List<MatchedOverhead.Curve> cs = MatchedOverhead.curves(cells, 1);
        List<MatchedOverhead.Speedup> sp = MatchedOverhead.speedups(cs, fixture());
        assertEquals(2, sp.size());
        MatchedOverhead.Speedup star = sp.get(0);
        assertEquals("adam(lr=0.01)", star.adamSpec());
        assertEquals(4, star.adamStepsToTarget());
        assertEquals(2.0, star.stepSpeedup(), 1e-9);
        assertEquals(1.5, star.fullStepRatio(), 1e-12);
        assertEquals(4.0 / 3.0, star.wallSpeedup(), 1e-9);
        assertFalse(star.breakEvenFlag());
        MatchedOverhead.Speedup fc = sp.get(1);
        assertEquals(4.0 / 3.0, fc.stepSpeedup(), 1e-9);
        assertEquals(4.0 / 3.0 / 1.25, fc.wallSpeedup(), 1e-9);
    }

    @Test
    void winsInStepsLosesInTimeIsFlagged() {
        // star reaches 0.8 in 2 steps; Adam needs 3 -> step speedup 1.5 but full-step ratio 3.0/2.0 = 1.5 -> wall 1.0
        // (not < 1, no flag); with a star full step of 4 ms the ratio is 2 and wall-clock speedup 0.75 -> flagged.
        List<CellRecord> cells = List.of(cell("adam", 0, 1.0f, 0.9f, 0.8f, 0.7f), cell("star", 0, 0.9f, 0.8f));
        List<MatchedOverhead.Curve> cs = MatchedOverhead.curves(cells, 1);
        MatchedOverhead.Speedup equal = MatchedOverhead.speedups(cs, fixture()).get(0);
        assertEquals(1.5, equal.stepSpeedup(), 1e-9);
        assertEquals(1.0, equal.wallSpeedup(), 1e-9);
        assertFalse(equal.breakEvenFlag());
        List<OverheadRecord> r = new ArrayList<>(fixture().records());
        r.replaceAll(x -> x.kind().equals(OverheadRecord.FULL_STEP) && x.optimizer().equals("star")
                ? rec(OverheadRecord.FULL_STEP, "T", "star", 4.0, 1000, 16500, 828) : x);
        MatchedOverhead.Speedup slow = MatchedOverhead.speedups(cs, run("CPU X", 1, r)).get(0);
        assertEquals(0.75, slow.wallSpeedup(), 1e-9);
        assertTrue(slow.breakEvenFlag());
        assertTrue(MatchedOverhead.markdown(cells, null, run("CPU X", 1, r), false, 1)
                .contains("WINS IN STEPS, LOSES IN TIME"));
    }

    @Test
    void adamNeverReachingGivesLowerBound() {
        // Adam (4 steps) never reaches star's 0.5: speedup >= 4/2 = 2
        List<MatchedOverhead.Curve> cs = MatchedOverhead.curves(List.of(cell("adam", 0, 1.0f, 0.9f, 0.8f, 0.7f),
                cell("star", 0, 0.9f, 0.5f)), 1);
        MatchedOverhead.Speedup s = MatchedOverhead.speedups(cs, fixture()).get(0);
        assertFalse(s.adamReached());
        assertEquals(-1, s.adamStepsToTarget());
        assertEquals(2.0, s.stepSpeedup(), 1e-9);
    }

    @Test
    void matchedWallClockBudget() {
        // star: 4 steps x 3 ms = 12 ms; Adam at 2 ms/step gets floor(4 x 1.5) = 6 steps -> Adam loss at step 6 = 0.5
        List<CellRecord> cells = List.of(cell("adam", 0, 1.0f, 0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.3f),
                cell("star", 0, 0.9f, 0.8f, 0.6f, 0.55f),
                // small-fc: 8 steps x 2.5 ms = 20 ms -> floor(8 x 1.25) = 10 Adam steps > 8 run: too short
                cell("small-fc", 0, 0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.35f, 0.3f));
        List<MatchedOverhead.Curve> cs = MatchedOverhead.curves(cells, 1);
        List<MatchedOverhead.Matched> m = MatchedOverhead.matched(cs, fixture());
        assertEquals(6, m.get(0).adamSteps());
        assertEquals(0.012, m.get(0).budgetSeconds(), 1e-12);
        assertEquals(0.5, m.get(0).adamLoss(), 1e-6);
        assertEquals(0.55, m.get(0).finalLoss(), 1e-6);
        assertEquals("", m.get(0).note());
        assertEquals(10, m.get(1).adamSteps());
        assertTrue(Double.isNaN(m.get(1).adamLoss()));
        assertEquals(MatchedOverhead.TOO_SHORT, m.get(1).note());
        // wall-clock curves: largest budget = small-fc's 20 ms; Adam at 2 ms/step: 25% = 5 ms -> step 2 (0.9),
        // 50% -> step 5 (0.6), 75% = 15 ms -> step 7 (0.4), 100% -> step 10 (beyond 8: NaN)
        Map<MatchedOverhead.Curve, double[]> w = MatchedOverhead.wallClockCurves(cs, fixture(), "T");
        double[] adam = w.get(cs.get(0));
        assertEquals(0.9, adam[0], 1e-6);
        assertEquals(0.6, adam[1], 1e-6);
        assertEquals(0.4, adam[2], 1e-6);
        assertTrue(Double.isNaN(adam[3]));
        String md = MatchedOverhead.markdown(cells, null, fixture(), true, 1);
        assertTrue(md.contains(MatchedOverhead.TOO_SHORT), md);
    }

    @Test
    void starVersusSmallFcAtMatchedOverhead() {
        List<MatchedOverhead.Curve> cs = MatchedOverhead.curves(List.of(cell("star", 0, 0.9f, 0.5f),
                cell("small-fc", 0, 0.9f, 0.75f)), 1);
        MatchedOverhead.Pair p = MatchedOverhead.starVsSmallFc(cs, fixture()).get(0);
        assertEquals(1.25, p.optOnlyRatio(), 1e-12);   // 1.0 / 0.8
        assertEquals(1.2, p.fullStepRatio(), 1e-12);   // 3.0 / 2.5
        assertEquals(-0.25, p.lossDifference(), 1e-6); // 0.5 - 0.75
    }

    @Test
    void calibrationRule() {
        OverheadRun a = fixture();
        assertTrue(OverheadComparability.incomparable(a, fixture()).isEmpty());
        // 0.4 vs 0.5 ms: x1.25, not more than 25% -> comparable; 0.4 vs 0.51: x1.275 -> incomparable
        assertTrue(OverheadComparability.incomparable(a, withMatmul(0.5)).isEmpty());
        List<String> why = OverheadComparability.incomparable(a, withMatmul(0.51));
        assertEquals(1, why.size());
        assertTrue(why.get(0).contains("x1.28 > 1.25"), why.get(0));
        assertEquals(2, OverheadComparability.incomparable(a, run("CPU Y", 2, a.records())).size());
        assertFalse(OverheadComparability.incomparable(a, run("CPU X", 1, List.of())).isEmpty());
    }

    private static OverheadRun withMatmul(double ms) {
        List<OverheadRecord> r = new ArrayList<>(fixture().records());
        r.set(0, rec(OverheadRecord.CALIBRATION, "calibration", "matmul256", ms, 65536, 0, 0));
        return run("CPU X", 1, r);
    }

    @Test
    void storeRoundTripAndBadInput(@TempDir Path dir) throws Exception {
        OverheadRun f = fixture();
        OverheadStore.Writer w = OverheadStore.create(dir, f.header());
        for (OverheadRecord r : f.records()) {
            w.write(r);
        }
        w.end("2026-01-01T00:01:00Z");
        OverheadRun back = OverheadStore.read(dir);
        assertEquals(f.records(), back.records());
        assertTrue(back.complete());
        // a directory holding only overhead.jsonl.gz reads the same
        Path gzDir = java.nio.file.Files.createDirectory(dir.resolve("gz"));
        try (var out = new java.util.zip.GZIPOutputStream(java.nio.file.Files.newOutputStream(
                gzDir.resolve(OverheadStore.FILE_NAME + ".gz")))) {
            java.nio.file.Files.copy(dir.resolve(OverheadStore.FILE_NAME), out);
        }
        assertEquals(f.records(), OverheadStore.read(gzDir).records());
        assertThrows(ResultsError.class, () -> OverheadStore.create(dir, f.header()));
        Path bad = dir.resolve("bad.jsonl");
        java.nio.file.Files.writeString(bad, "{\"type\":\"cell\"}\n{}\n");
        ResultsError e = assertThrows(ResultsError.class, () -> OverheadStore.read(bad));
        assertTrue(e.getMessage().contains("bad.jsonl:1"), e.getMessage());
    }

    @Test
    void baseNames() {
        assertEquals("adam", OverheadRecord.baseName("adam(lr=0.001)"));
        assertEquals("small-fc", OverheadRecord.baseName("small-fc:weights=init:0"));
        assertEquals("star", OverheadRecord.baseName("star"));
    }
}
