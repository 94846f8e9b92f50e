package dev.lobench.results;

import dev.lobench.results.HeldOutCurves.Metric;
import dev.lobench.results.HeldOutCurves.Point;
import dev.lobench.results.plot.MetaLogReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Held-out curves of snapshot evaluations, on tiny run directories written by {@link ResultWriter}; every expected
 * value below is worked out by hand from the fixture's losses (20-step curves: the final train loss is the mean of
 * the last 2 values).
 */
class HeldOutCurvesTest {
    @TempDir
    Path dir;

    static final int STEPS = 20;

    /** A 20-step curve: {@code first} for steps 0-9, {@code last} for steps 10-19 (final = last, mean = average). */
    static float[] curve(float first, float last) {
        float[] c = new float[STEPS];
        Arrays.fill(c, 0, 10, first);
        Arrays.fill(c, 10, STEPS, last);
        return c;
    }

    static String snap(String armSeed, long outer) {
        return "star(weights=/x/" + armSeed + "-outer" + String.format("%06d", outer) + ".safetensors)";
    }

    static CellRecord done(String task, String opt, long seed, float first, float last, double acc) {
        return TestCells.cell(task, opt, seed, STEPS, Outcome.completed, curve(first, last),
                TestCells.evals(STEPS, 0.5, acc), TestCells.timing(1, 0.5));
    }

    /** A cell that diverged at step 3, with an evaluation of high accuracy that must not count. */
    static CellRecord diverged(String task, String opt, long seed) {
        return TestCells.cell(task, opt, seed, STEPS, Outcome.diverged, new float[] {0.1f, 0.1f, Float.NaN},
                List.of(new EvalPoint(2, 0.1, 0.99, Double.NaN)), TestCells.timing(1, 0.5));
    }

    static RunHeader header(int cells) {
        RunHeader h = TestCells.header("r");
        Map<String, Object> extra = new LinkedHashMap<>(h.extra());
        extra.put("cells", cells);
        return new RunHeader(h.type(), h.schemaVersion(), h.runId(), h.suite(), h.lobenchVersion(), h.gitCommit(),
                h.jvm(), h.djlVersion(), h.libtorchVersion(), h.cpuModel(), h.threads(), h.os(), h.startTime(),
                h.commandLine(), extra);
    }

    static Path write(Path runDir, List<CellRecord> cells, boolean end) throws IOException {
        Files.createDirectories(runDir);
        Path f = runDir.resolve(ResultStore.FILE_NAME);
        try (ResultWriter w = ResultWriter.create(f, header(3))) {
            cells.forEach(w::writeCell);
            if (end) {
                w.writeEnd("2026-01-01T01:00:00Z");
            }
        }
        return f;
    }

    static void gzip(Path f) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(Path.of(f + ".gz")))) {
            out.write(Files.readAllBytes(f));
        }
        Files.delete(f);
    }

    /**
     * eval/armA-s0/outer100: final 1, 3, 2 (median 2); mean 1, 3, 3 (median 3); acc .8 .9 .85 (median .85)
     * eval/armA-s1/outer100: final .5, div, .7 (median .7); mean .5, div, .7 (.7); acc .6, div, .7 (median .6)
     * eval/armA-s2/outer100 (gzip): 1.5, div, div: fail in every metric
     * eval/armA-s0/outer200: unfinished, 1 of 3 cells: final .25, mean .5
     * eval/armB-s0/outer100: div 3/3
     * eval/adam-reference: not ARM-sS (ignored as an arm; the reference below), eval/notes: ignored
     */
    Path fixture() throws IOException {
        Path eval = dir.resolve("eval");
        String a0 = snap("armA-s0", 100);
        write(eval.resolve("armA-s0/outer100"), List.of(done("T", a0, 0, 1f, 1f, 0.8), done("T", a0, 1, 3f, 3f, 0.9),
                done("T", a0, 2, 4f, 2f, 0.85)), true);
        String a1 = snap("armA-s1", 100);
        write(eval.resolve("armA-s1/outer100"), List.of(done("T", a1, 0, 0.5f, 0.5f, 0.6), diverged("T", a1, 1),
                done("T", a1, 2, 0.7f, 0.7f, 0.7)), true);
        String a2 = snap("armA-s2", 100);
        gzip(write(eval.resolve("armA-s2/outer100"), List.of(done("T", a2, 0, 1.5f, 1.5f, 0.5), diverged("T", a2, 1),
                diverged("T", a2, 2)), true));
        write(eval.resolve("armA-s0/outer200"), List.of(done("T", snap("armA-s0", 200), 0, 0.75f, 0.25f, 0.95)),
                false);
        String b0 = snap("armB-s0", 100);
        write(eval.resolve("armB-s0/outer100"), List.of(diverged("T", b0, 0), diverged("T", b0, 1),
                diverged("T", b0, 2)), true);
        List<CellRecord> ref = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            ref.add(done("T", "adam(lr=1)", s, 0.4f, 0.4f, 0.8));
            ref.add(done("U", "adam(lr=1)", s, 9f, 9f, 0.1)); // another task: not a reference for T
        }
        ref.add(done("T", "adam(lr=10)", 0, 0.9f, 0.9f, 0.5));
        ref.add(diverged("T", "adam(lr=10)", 1));
        ref.add(diverged("T", "adam(lr=10)", 2));
        write(eval.resolve("adam-reference"), ref, true);
        Files.createDirectories(eval.resolve("notes/outer100"));
        return eval;
    }

    @Test
    void perMetaSeedMediansThenMedianRangeOverMetaSeeds() throws IOException {
        Path eval = fixture();
        HeldOutCurves h = HeldOutCurves.read(eval, eval.resolve("adam-reference"));
        assertEquals(List.of("armA", "armB"), h.arms());
        assertEquals(List.of(100L, 200L), h.outerSteps());
        assertEquals("T", h.task());

        Point a100 = h.points(Metric.FINAL_TRAIN_LOSS).get("armA").get(100L);
        assertArrayEquals(new double[] {2.0, 0.7, Double.POSITIVE_INFINITY}, a100.values(), 1e-6);
        assertEquals(2.0, a100.median(), 1e-6);
        assertEquals(Map.of(Outcome.completed, 6, Outcome.diverged, 3), a100.outcomes());
        assertEquals("2 [0.7, fail] (n=3); div 3/9", HeldOutCurves.summary(a100));

        Point mean100 = h.points(Metric.MEAN_TRAIN_LOSS).get("armA").get(100L);
        assertArrayEquals(new double[] {3.0, 0.7, Double.POSITIVE_INFINITY}, mean100.values(), 1e-6);

        Point acc100 = h.points(Metric.TEST_ACCURACY).get("armA").get(100L);
        assertArrayEquals(new double[] {0.85, 0.6, Double.NEGATIVE_INFINITY}, acc100.values(), 1e-6);
        assertEquals("0.6 [fail, 0.85] (n=3); div 3/9", HeldOutCurves.summary(acc100));

        Point a200 = h.points(Metric.FINAL_TRAIN_LOSS).get("armA").get(200L);
        assertTrue(a200.unfinished());
        assertEquals("0.25 (n=1) ‡", HeldOutCurves.summary(a200));
        assertEquals(0.5, h.points(Metric.MEAN_TRAIN_LOSS).get("armA").get(200L).median(), 1e-6);

        Point b100 = h.points(Metric.FINAL_TRAIN_LOSS).get("armB").get(100L);
        assertEquals("fail (n=1); div 3/3", HeldOutCurves.summary(b100));
        assertFalse(h.points(Metric.FINAL_TRAIN_LOSS).get("armB").containsKey(200L));

        assertEquals(List.of("adam(lr=1)", "adam(lr=10)"), h.references().stream()
                .map(HeldOutCurves.Reference::optimizer).toList());
        assertEquals(0.4, h.references().get(0).value(Metric.FINAL_TRAIN_LOSS), 1e-6);
        assertEquals(3, h.references().get(0).cells().size());
        assertEquals(Double.POSITIVE_INFINITY, h.references().get(1).value(Metric.FINAL_TRAIN_LOSS));

        String md = h.markdown();
        assertTrue(md.contains("| 100 | 2 [0.7, fail] (n=3); div 3/9 | fail (n=1); div 3/3 |"), md);
        assertTrue(md.contains("| 200 | 0.25 (n=1) ‡ |  |"), md);
        assertTrue(md.contains("| 100 | 3 [0.7, fail] (n=3); div 3/9 |"), md); // mean training loss table
        assertTrue(md.contains("| adam(lr=1) | 20 | 0.4 [0.4, 0.4] (n=3) |"), md);
        assertTrue(md.contains("| adam(lr=10) | 20 | fail [0.9, fail] (n=3); div 2/3 |"), md);
        assertTrue(md.contains("armA-s0/outer200 (1 of 3 cells)"), md);
        assertTrue(md.contains("evaluation seeds 0, 1, 2"), md);

        String html = MetaLogReport.html(List.of(), 200, 50, h);
        assertTrue(html.contains("<svg") && html.contains("stroke-dasharray") && html.contains(">adam(lr=1)</text>"),
                html);
        assertFalse(html.contains(">adam(lr=10)</text>"), "a reference whose median failed has no line");
        assertTrue(html.contains(">×</text>"), "failures are marked");
        assertFalse(html.contains("Logs:"), "no meta-training logs given");
    }

    @Test
    void medianRanksFailuresLast() {
        assertEquals(2.0, HeldOutCurves.median(new double[] {1, 3}), 1e-12);
        assertEquals(Double.POSITIVE_INFINITY, HeldOutCurves.median(new double[] {1, Double.POSITIVE_INFINITY}));
        assertEquals(1.0, HeldOutCurves.median(new double[] {Double.POSITIVE_INFINITY, 1, 0.5}), 1e-12);
        assertEquals(0.5, HeldOutCurves.median(new double[] {Double.NEGATIVE_INFINITY, 1, 0.5}), 1e-12);
        assertEquals(1.0, HeldOutCurves.median(new double[] {Double.NaN, 1}), 1e-12);
        assertTrue(Double.isNaN(HeldOutCurves.median(new double[] {Double.NaN})));
    }

    @Test
    void badInputIsAResultsErrorNamingTheProblem() throws IOException {
        assertTrue(assertThrows(ResultsError.class, () -> HeldOutCurves.read(dir.resolve("none"), null)).getMessage()
                .contains("no such directory"));
        Path empty = Files.createDirectories(dir.resolve("empty/adam-reference"));
        write(empty, List.of(done("T", "adam", 0, 1f, 1f, 0.5)), true);
        assertTrue(assertThrows(ResultsError.class, () -> HeldOutCurves.read(dir.resolve("empty"), null)).getMessage()
                .contains("no ARM-sS/outerN run directories"));

        Path eval = fixture();
        assertTrue(assertThrows(ResultsError.class, () -> HeldOutCurves.read(eval, dir.resolve("nope"))).getMessage()
                .contains("no such file or directory"));
        Path other = dir.resolve("other");
        write(other, List.of(done("U", "adam", 0, 1f, 1f, 0.5)), true);
        assertTrue(assertThrows(ResultsError.class, () -> HeldOutCurves.read(eval, other)).getMessage()
                .contains("no cell of the evaluation task T"));

        // a cell of snapshot armA-s1-outer100 in the folder of armA-s1/outer300: mislabelled, refused
        write(eval.resolve("armA-s1/outer300"), List.of(done("T", snap("armA-s1", 100), 0, 1f, 1f, 0.5)), true);
        assertTrue(assertThrows(ResultsError.class, () -> HeldOutCurves.read(eval, null)).getMessage()
                .contains("not armA-s1-outer300"));
    }

    @Test
    void severalTasksAreRefused() throws IOException {
        Path eval = dir.resolve("eval2");
        write(eval.resolve("a-s0/outer1"), List.of(done("T", "x", 0, 1f, 1f, 0.5)), true);
        write(eval.resolve("a-s1/outer1"), List.of(done("U", "x", 0, 1f, 1f, 0.5)), true);
        assertTrue(assertThrows(ResultsError.class, () -> HeldOutCurves.read(eval, null)).getMessage()
                .contains("several tasks"));
    }
}
