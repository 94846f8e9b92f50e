package dev.lobench.results;

import static dev.lobench.results.TestCells.cell;
import static dev.lobench.results.TestCells.curve;
import static dev.lobench.results.TestCells.evals;
import static dev.lobench.results.TestCells.header;
import static dev.lobench.results.TestCells.timing;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultStoreTest {
    @TempDir
    Path dir;

    private static CellRecord completed(String task, long seed) {
        return cell(task, "adam", seed, 20, Outcome.completed, curve(20, 1.0f, 2.0f), evals(20, 1.5, 0.75),
                timing(10, 2));
    }

    private static CellRecord diverged(String task, long seed) {
        // diverged at step 6: the last two recorded losses are non-finite
        float[] c = {5f, 4f, 3f, 7f, Float.NaN, Float.POSITIVE_INFINITY};
        return cell(task, "lopt", seed, 20, Outcome.diverged, c, List.of(new EvalPoint(0, 5.0, Double.NaN,
                Double.NaN)), timing(30, 8));
    }

    private static CellRecord errored(String task, long seed) {
        return cell(task, "sgd", seed, 20, Outcome.error, new float[0], List.of(), null);
    }

    private Path writeFile(String name, RunHeader h, List<CellRecord> cells, boolean end) {
        Path f = dir.resolve(name);
        try (ResultWriter w = ResultWriter.create(f, h)) {
            for (CellRecord c : cells) {
                w.writeCell(c);
            }
            if (end) {
                w.writeEnd("2026-01-01T01:00:00Z");
            }
        }
        return f;
    }

    @Test
    void roundTripKeepsEveryFieldIncludingNaNInCurves() throws IOException {
        List<CellRecord> cells = List.of(completed("quad", 0), diverged("quad", 1), errored("quad", 2));
        Path f = writeFile("results.jsonl", header("run-1"), cells, true);

        ResultsFile back = ResultStore.read(f);
        assertEquals(header("run-1"), back.header());
        // equal after the round trip, except that +Inf in the diverged curve reads back as NaN (documented)
        CellRecord d = cells.get(1);
        CellRecord dBack = withCurve(d, new float[] {5f, 4f, 3f, 7f, Float.NaN, Float.NaN});
        assertEquals(List.of(cells.get(0), dBack, cells.get(2)), back.cells());
        assertFalse(d.equals(back.cells().get(1)), "Inf must not silently compare equal to NaN");
        assertEquals(EndRecord.of("2026-01-01T01:00:00Z", 3), back.end());
        assertTrue(back.complete());
        assertEquals(0, back.skippedPartialLines());

        // NaN and Inf entries of the curve come back as NaN (documented: non-finite -> null -> NaN)
        float[] c = back.cells().get(1).trainLoss();
        assertArrayEquals(new float[] {5f, 4f, 3f, 7f}, java.util.Arrays.copyOf(c, 4));
        assertTrue(Float.isNaN(c[4]));
        assertTrue(Float.isNaN(c[5]));
        assertTrue(Double.isNaN(back.cells().get(1).evals().get(0).testAccuracy()));
        assertNull(back.cells().get(2).timing());
        assertEquals(Outcome.diverged, back.cells().get(1).outcome());

        List<String> lines = Files.readAllLines(f);
        assertEquals(5, lines.size());
        assertTrue(lines.get(2).contains("\"trainLoss\":[5.0,4.0,3.0,7.0,null,null]"), lines.get(2));
        assertFalse(String.join("\n", lines).contains("NaN"));
        assertTrue(lines.get(0).startsWith("{\"type\":\"header\""));
        assertEquals("{\"type\":\"end\",\"endTime\":\"2026-01-01T01:00:00Z\",\"cells\":3}", lines.get(4));
    }

    @Test
    void partialLastLineIsSkippedWithAWarningAndResumeCutsIt() throws IOException {
        Path f = writeFile("results.jsonl", header("run-1"), List.of(completed("quad", 0), completed("quad", 1)),
                false);
        String full = ResultsJson.mapper().writeValueAsString(completed("quad", 2));
        // a kill in the middle of writing the third cell line: half of it, no newline
        Files.writeString(f, full.substring(0, full.length() / 2), StandardOpenOption.APPEND);

        ResultsFile r = ResultStore.read(f);
        assertEquals(2, r.cells().size());
        assertEquals(1, r.skippedPartialLines());
        assertFalse(r.complete());
        assertEquals(1, r.warnings().size());
        assertTrue(r.warnings().get(0).startsWith(f + ":4: skipped a partial last line"), r.warnings().get(0));

        try (ResultWriter w = ResultWriter.resume(f)) {
            assertEquals(2, w.cellCount());
            assertEquals(java.util.Set.of("quad|adam|0", "quad|adam|1"), w.cellKeys());
            w.writeCell(completed("quad", 2));
            w.writeEnd("2026-01-01T02:00:00Z");
        }
        ResultsFile resumed = ResultStore.read(f);
        assertEquals(List.of(completed("quad", 0), completed("quad", 1), completed("quad", 2)), resumed.cells());
        assertEquals(0, resumed.skippedPartialLines());
        assertEquals(3, resumed.end().cells());
    }

    @Test
    void unterminatedButCompleteLastLineIsKept() throws IOException {
        Path f = dir.resolve("r.jsonl");
        String h = ResultsJson.mapper().writeValueAsString(header("r"));
        String c = ResultsJson.mapper().writeValueAsString(completed("quad", 0));
        Files.writeString(f, h + "\n" + c);
        ResultsFile r = ResultStore.read(f);
        assertEquals(List.of(completed("quad", 0)), r.cells());
        assertEquals(0, r.skippedPartialLines());
    }

    @Test
    void corruptMiddleLineIsAnErrorWithFileAndLine() throws IOException {
        Path f = writeFile("results.jsonl", header("run-1"),
                List.of(completed("quad", 0), completed("quad", 1), completed("quad", 2)), true);
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        lines.set(2, lines.get(2).substring(0, 40)); // line 3 cut in the middle, file goes on
        Files.write(f, lines);

        ResultsError e = assertThrows(ResultsError.class, () -> ResultStore.read(f));
        assertTrue(e.getMessage().startsWith(f + ":3: not valid JSON"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void corruptTerminatedLastLineIsAnErrorNotASkip() throws IOException {
        Path f = writeFile("results.jsonl", header("run-1"), List.of(completed("quad", 0)), false);
        Files.writeString(f, "{\"type\":\"cell\",\n", StandardOpenOption.APPEND);
        ResultsError e = assertThrows(ResultsError.class, () -> ResultStore.read(f));
        assertTrue(e.getMessage().startsWith(f + ":3:"), e.getMessage());
    }

    @Test
    void wrongFieldTypeNamesFileLineAndField() throws IOException {
        Path f = writeFile("results.jsonl", header("run-1"), List.of(completed("quad", 0), completed("quad", 1)),
                true);
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        lines.set(1, lines.get(1).replace("\"steps\":20", "\"steps\":\"many\""));
        Files.write(f, lines);
        ResultsError e = assertThrows(ResultsError.class, () -> ResultStore.read(f));
        assertTrue(e.getMessage().startsWith(f + ":2: bad CellRecord (field steps)"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void missingRequiredFieldAndUnknownOutcomeAreErrors() throws IOException {
        Path f = writeFile("results.jsonl", header("run-1"), List.of(completed("quad", 0), completed("quad", 1)),
                true);
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        List<String> noOpt = new ArrayList<>(lines);
        noOpt.set(2, noOpt.get(2).replace("\"optimizer\":\"adam\",", ""));
        Files.write(f, noOpt);
        ResultsError e = assertThrows(ResultsError.class, () -> ResultStore.read(f));
        assertEquals(f + ":3: missing or empty \"optimizer\"", e.getMessage());

        List<String> badOutcome = new ArrayList<>(lines);
        badOutcome.set(1, badOutcome.get(1).replace("\"outcome\":\"completed\"", "\"outcome\":\"exploded\""));
        Files.write(f, badOutcome);
        e = assertThrows(ResultsError.class, () -> ResultStore.read(f));
        assertTrue(e.getMessage().startsWith(f + ":2: bad CellRecord (field outcome)"), e.getMessage());
    }

    @Test
    void newerSchemaVersionIsRejectedClearly() throws IOException {
        Path f = writeFile("results.jsonl", header("run-1"), List.of(completed("quad", 0)), true);
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        lines.set(0, lines.get(0).replace("\"schemaVersion\":2", "\"schemaVersion\":3"));
        Files.write(f, lines);
        ResultsError e = assertThrows(ResultsError.class, () -> ResultStore.read(f));
        assertEquals(f + ":1: schemaVersion 3 is newer than this lobench reads (2); use a newer lobench to read"
                + " this file", e.getMessage());
    }

    @Test
    void structureErrors() throws IOException {
        Path f = dir.resolve("s.jsonl");
        String h = ResultsJson.mapper().writeValueAsString(header("r"));
        String c = ResultsJson.mapper().writeValueAsString(completed("quad", 0));
        String end = ResultsJson.mapper().writeValueAsString(EndRecord.of("t", 1));

        Files.writeString(f, c + "\n" + h + "\n");
        assertEquals(f + ":1: 'cell' record before the header record",
                assertThrows(ResultsError.class, () -> ResultStore.read(f)).getMessage());

        Files.writeString(f, h + "\n" + c + "\n" + c + "\n");
        assertEquals(f + ":3: duplicate cellKey 'quad|adam|0' (first at line 2)",
                assertThrows(ResultsError.class, () -> ResultStore.read(f)).getMessage());

        Files.writeString(f, h + "\n" + c + "\n" + end + "\n" + c + "\n");
        assertEquals(f + ":4: 'cell' record after the end record",
                assertThrows(ResultsError.class, () -> ResultStore.read(f)).getMessage());

        Files.writeString(f, h + "\n" + end + "\n");
        assertEquals(f + ":2: end record says 1 cells, the file holds 0",
                assertThrows(ResultsError.class, () -> ResultStore.read(f)).getMessage());

        Files.writeString(f, "");
        assertEquals(f + ": no header record (empty file)",
                assertThrows(ResultsError.class, () -> ResultStore.read(f)).getMessage());

        Path missing = dir.resolve("nope.jsonl");
        assertEquals(missing + ": no such file",
                assertThrows(ResultsError.class, () -> ResultStore.read(missing)).getMessage());
    }

    @Test
    void writerRefusesOverwriteDuplicatesAndWritesAfterEnd() {
        Path f = writeFile("results.jsonl", header("run-1"), List.of(), false);
        assertThrows(ResultsError.class, () -> ResultWriter.create(f, header("again")));
        Path g = dir.resolve("g.jsonl");
        try (ResultWriter w = ResultWriter.create(g, header("g"))) {
            w.writeCell(completed("quad", 0));
            assertThrows(IllegalArgumentException.class, () -> w.writeCell(completed("quad", 0)));
            w.writeEnd("t");
            assertThrows(IllegalStateException.class, () -> w.writeCell(completed("quad", 1)));
        }
        assertThrows(ResultsError.class, () -> ResultWriter.resume(g));
    }

    @Test
    void readDirectoryAndMergeDedupeIdenticalCells() throws IOException {
        Path shards = Files.createDirectory(dir.resolve("shards"));
        writeFile("shards/b.jsonl", header("run-b"), List.of(completed("quad", 1), completed("quad", 2)), true);
        writeFile("shards/a.jsonl", header("run-a"), List.of(completed("quad", 0), completed("quad", 1)), true);
        Files.writeString(shards.resolve("notes.txt"), "not results");
        // other lobench JSON-lines outputs beside the results are not read as results
        Files.writeString(shards.resolve("star.safetensors.jsonl"), "{\"outerStep\":1,\"metaLoss\":2}\n");
        Files.writeString(shards.resolve("overhead.jsonl"), "{\"type\":\"header\"}\n{\"type\":\"overhead\"}\n");

        List<ResultsFile> files = ResultStore.readDirectory(shards);
        assertEquals(List.of(shards.resolve("a.jsonl"), shards.resolve("b.jsonl")),
                files.stream().map(ResultsFile::path).toList());

        List<CellRecord> cells = ResultStore.readCells(shards);
        assertEquals(List.of("quad|adam|0", "quad|adam|1", "quad|adam|2"),
                cells.stream().map(CellRecord::cellKey).toList());

        Path out = dir.resolve("merged.jsonl");
        ResultsFile m = ResultStore.merge(List.of(shards.resolve("a.jsonl"), shards.resolve("b.jsonl")), out);
        assertEquals(cells, m.cells());
        assertEquals("run-a", m.header().runId());
        assertEquals(List.of("run-a", "run-b"), m.header().extra().get("mergedFrom"));
        assertEquals(EndRecord.of("2026-01-01T01:00:00Z", 3), m.end());

        assertThrows(ResultsError.class, () -> ResultStore.merge(List.of(shards.resolve("a.jsonl")), out));
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertEquals(empty + ": no *.jsonl or *.jsonl.gz results files",
                assertThrows(ResultsError.class, () -> ResultStore.readDirectory(empty)).getMessage());
    }

    private static CellRecord withCurve(CellRecord c, float[] curve) {
        return new CellRecord(c.type(), c.schemaVersion(), c.cellKey(), c.task(), c.taskFamily(),
                c.taskParams(), c.inMetaTrainingSet(), c.optimizer(), c.optimizerBase(),
                c.optimizerParams(), c.tunedGroup(), c.seed(), c.steps(),
                c.numParams(), c.outcome(), c.outcomeDetail(), c.initialLoss(), curve, c.evals(),
                c.timing(), c.meta());
    }

    @Test
    void mergeRejectsConflictingDuplicates() {
        Path a = writeFile("a.jsonl", header("run-a"), List.of(completed("quad", 0), completed("quad", 1)), false);
        CellRecord other = withCurve(completed("quad", 1), curve(20, 1.0f, 2.5f));
        Path b = writeFile("b.jsonl", header("run-b"), List.of(other), false);
        ResultsError e = assertThrows(ResultsError.class,
                () -> ResultStore.merge(List.of(a, b), dir.resolve("m.jsonl")));
        assertEquals(b + ":2: cell 'quad|adam|1' conflicts with the different cell of the same key at " + a + ":3"
                + " (trainLoss differs)",
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("m.jsonl")));
    }

    @Test
    void mergeRejectsTwoRunsOfOneTaskOptimizerAndSeed() {
        Path a = writeFile("a.jsonl", header("run-a"), List.of(completed("quad", 0), completed("quad", 1)), true);
        // seed 1 again, run for 40 steps instead of 20: another cell key, and not the same run
        CellRecord c = completed("quad", 1);
        CellRecord longer = new CellRecord(c.type(), c.schemaVersion(), "quad|adam|1|steps=40", c.task(),
                c.taskFamily(), c.taskParams(), c.inMetaTrainingSet(), c.optimizer(), c.optimizerBase(),
                c.optimizerParams(), c.tunedGroup(), c.seed(), 40, c.numParams(), c.outcome(), c.outcomeDetail(),
                c.initialLoss(), curve(40, 1.0f, 2.0f), evals(40, 1.5, 0.75), c.timing(), c.meta());
        Path b = writeFile("b.jsonl", header("run-b"), List.of(completed("quad", 2), longer), true);
        Path out = dir.resolve("m.jsonl");
        ResultsError e = assertThrows(ResultsError.class, () -> ResultStore.merge(List.of(a, b), out));
        assertEquals("merge: the cell quad | adam | seed 1 is at " + a + ":3 and at " + b + ":3 as different runs"
                + " (steps 20 vs 40); merged, they would be pooled as one optimizer's seeds: merge them into separate"
                + " directories", e.getMessage());
        assertFalse(Files.exists(out));
        // without the conflicting cell the same inputs merge
        Path b2 = writeFile("b2.jsonl", header("run-b2"), List.of(completed("quad", 2)), true);
        assertEquals(3, ResultStore.merge(List.of(a, b2), out).cells().size());
    }

    @Test
    void compressedResultsFileReadsLikeThePlainOne() throws IOException {
        List<CellRecord> cells = List.of(completed("quad", 0), diverged("quad", 1), errored("quad", 2));
        Path plain = writeFile("plain.jsonl", header("run-1"), cells, true);
        Path gzDir = Files.createDirectory(dir.resolve("gz"));
        Path gz = gzDir.resolve("results.jsonl.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(plain, out);
        }
        assertTrue(Files.size(gz) < Files.size(plain));
        ResultsFile a = ResultStore.read(plain);
        ResultsFile b = ResultStore.read(gz);
        assertEquals(a.header(), b.header());
        assertEquals(a.cells(), b.cells());
        assertEquals(a.end(), b.end());
        // a directory holding only results.jsonl.gz is a run directory
        assertEquals(a.cells(), ResultStore.readCells(gzDir));
        assertEquals(List.of(gz), ResultStore.readDirectory(gzDir).stream().map(ResultsFile::path).toList());
        // a compressed file is read-only: resuming it is refused
        assertTrue(assertThrows(ResultsError.class, () -> ResultWriter.resume(gz)).getMessage()
                .contains("cannot be resumed"));
        // a .gz name over plain text is an error naming the file, not a stack trace of garbage
        Path fake = dir.resolve("fake.jsonl.gz");
        Files.copy(plain, fake);
        assertTrue(assertThrows(ResultsError.class, () -> ResultStore.read(fake)).getMessage()
                .startsWith(fake + ": cannot read: not gzip data"));
    }

    @Test
    void mergeKeepsOneOfTwoCellsThatDifferOnlyInTimings() {
        CellRecord c = completed("quad", 1);
        CellRecord slower = new CellRecord(c.type(), c.schemaVersion(), c.cellKey(), c.task(), c.taskFamily(),
                c.taskParams(), c.inMetaTrainingSet(), c.optimizer(), c.optimizerBase(),
                c.optimizerParams(), c.tunedGroup(), c.seed(), c.steps(),
                c.numParams(), c.outcome(), c.outcomeDetail(), c.initialLoss(), c.trainLoss().clone(), c.evals(),
                new Timing(99, 98, 97, 0, 96, 95, 94, 0), Map.of("rssAfterBytes", 123));
        Path a = writeFile("a.jsonl", header("run-a"), List.of(completed("quad", 0), c), true);
        Path b = writeFile("b.jsonl", header("run-b"), List.of(slower), true);
        ResultsFile m = ResultStore.merge(List.of(a, b), dir.resolve("m.jsonl"));
        assertEquals(List.of(completed("quad", 0), c), m.cells());
    }

    @Test
    void aHeaderThatCannotBeWrittenLeavesNoFile() {
        RunHeader h = header("r");
        RunHeader bad = new RunHeader(h.type(), h.schemaVersion(), h.runId(), h.suite(), h.lobenchVersion(),
                h.gitCommit(), h.jvm(), h.djlVersion(), h.libtorchVersion(), h.cpuModel(), h.threads(), h.os(),
                h.startTime(), h.commandLine(), Map.of("unwritable", new Object()));
        Path f = dir.resolve("results.jsonl");
        assertThrows(IllegalArgumentException.class, () -> ResultWriter.create(f, bad));
        assertFalse(Files.exists(f), "a file without a header would block both a new run and --resume");
        ResultWriter.create(f, h).close();
    }

    @Test
    void crlfAndBlankLinesAreTolerated() throws IOException {
        Path f = dir.resolve("crlf.jsonl");
        String h = ResultsJson.mapper().writeValueAsString(header("r"));
        String c = ResultsJson.mapper().writeValueAsString(completed("quad", 0));
        Files.write(f, (h + "\r\n\r\n" + c + "\r\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(completed("quad", 0)), ResultStore.read(f).cells());
    }
}
