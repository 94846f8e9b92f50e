package dev.lobench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lobench.results.CellRecord;
import dev.lobench.results.EvalPoint;
import dev.lobench.results.Outcome;
import dev.lobench.results.ResultWriter;
import dev.lobench.results.StabilityRecord;
import dev.lobench.results.StabilityStore;
import dev.lobench.results.Timing;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSV outputs load as plain tables: {@code report --format csv} prints one table, {@code report --csv-dir} writes
 * each table as its own file (guarded like the other outputs), {@code export curves} writes every recorded number of
 * the cells once. Every CSV is read with a strict RFC 4180 parser ({@link #strictCsv}); expectations come from the
 * records the test writes.
 */
class CsvOutputsTest {

    /** The documented columns of 'export curves' (README, docs/results-schema.md). */
    static final List<String> CURVE_COLUMNS = List.of("task", "optimizer", "seed", "step", "train_loss", "test_loss",
            "test_accuracy", "bits_per_byte", "evaluated", "outcome", "cell_key");

    // ---- a strict CSV reader ------------------------------------------------------------------------------------

    /**
     * RFC 4180 with {@code \n} line ends: fields quoted or not, {@code ""} inside quotes; fails on an unterminated
     * quote, text after a closing quote, a quote or CR in an unquoted field, a blank line, a missing final newline and
     * rows of unequal length. Returns the rows, the header first.
     */
    static List<List<String>> strictCsv(String s) {
        List<List<String>> rows = new ArrayList<>();
        if (!s.endsWith("\n")) {
            fail("a CSV ends with a newline: " + s);
        }
        int i = 0;
        int n = s.length();
        while (i < n) {
            List<String> row = new ArrayList<>();
            while (true) {
                StringBuilder f = new StringBuilder();
                if (s.charAt(i) == '"') {
                    i++;
                    while (true) {
                        if (i >= n) {
                            fail("unterminated quoted field in: " + s);
                        }
                        char c = s.charAt(i++);
                        if (c == '"') {
                            if (i < n && s.charAt(i) == '"') {
                                f.append('"');
                                i++;
                            } else {
                                break;
                            }
                        } else {
                            f.append(c);
                        }
                    }
                    if (s.charAt(i) != ',' && s.charAt(i) != '\n') {
                        fail("text after a closing quote at offset " + i + " in: " + s);
                    }
                } else {
                    while (s.charAt(i) != ',' && s.charAt(i) != '\n') {
                        char c = s.charAt(i++);
                        if (c == '"' || c == '\r') {
                            fail("a quote or CR in an unquoted field at offset " + i + " in: " + s);
                        }
                        f.append(c);
                    }
                }
                row.add(f.toString());
                if (s.charAt(i++) == '\n') {
                    break;
                }
            }
            if (row.size() == 1 && row.get(0).isEmpty()) {
                fail("a blank line at offset " + i + " in: " + s);
            }
            rows.add(row);
        }
        if (rows.isEmpty()) {
            fail("no header");
        }
        for (List<String> r : rows) {
            assertEquals(rows.get(0).size(), r.size(), "every row has the header's fields: " + r);
        }
        return rows;
    }

    @Test
    void strictCsvRejectsWhatIsNotOneTable() {
        assertEquals(List.of(List.of("a", "b,\"c"), List.of("1", "")), strictCsv("a,\"b,\"\"c\"\n1,\n"));
        for (String bad : List.of("a,b\n1\n", "a,b\n\nc,d\n", "a,b\n1,2", "a,\"b\n", "a,b\"\n", "a,\"b\"x\n")) {
            assertThrowsAssertion(() -> strictCsv(bad), bad);
        }
    }

    private static void assertThrowsAssertion(Runnable r, String what) {
        try {
            r.run();
        } catch (AssertionError expected) {
            return;
        }
        fail("accepted: " + what);
    }

    // ---- fixture ------------------------------------------------------------------------------------------------

    static CellRecord cell(String task, String opt, long seed, int steps, Outcome outcome, float[] train,
            List<EvalPoint> evals) {
        return new CellRecord("cell", 1, String.format("%024x", (task + "|" + opt + "|" + seed).hashCode() & 0xffffffffL), task, "fixture", Map.of(), false, opt,
                dev.lobench.results.OptimizerNames.base(opt), Map.of(), null, seed, steps, 10L, outcome, outcome == Outcome.completed ? null : "fixture", train.length > 0
                ? train[0] : Double.NaN, train, evals, new Timing(1, 1, 0.1, 0, 10, 9, 1, 0), Map.of("evalEvery", 3));
    }

    /** Random losses for {@code n} steps and evaluations at 0, every {@code every} steps up to {@code upTo}. */
    static CellRecord trained(Random r, String task, String opt, long seed, int steps, int ran, int every,
            Outcome outcome, boolean language) {
        float[] train = new float[ran];
        for (int t = 0; t < ran; t++) {
            train[t] = (float) (2.3 * Math.exp(-0.1 * t) + 0.01 * r.nextGaussian());
        }
        List<EvalPoint> evals = new ArrayList<>();
        for (int s = 0; s <= ran; s++) {
            if (s == 0 || s % every == 0 || s == steps) {
                evals.add(language ? new EvalPoint(s, 2 + r.nextDouble(), Double.NaN, 3 + r.nextDouble())
                        : new EvalPoint(s, 2 + r.nextDouble(), r.nextDouble(), Double.NaN));
            }
        }
        return cell(task, opt, seed, steps, outcome, train, evals);
    }

    static final String SGDM = "sgdm(lr=0.05, momentum=\"0.9\")";   // a comma and quotes: quoted in CSV

    /** Cells of the run directory: completed (2 seeds, a final evaluation after the last loss) and diverged. */
    static List<CellRecord> runCells() {
        Random r = new Random(11);
        List<CellRecord> cells = new ArrayList<>();
        cells.add(trained(r, "t-a", "adam(lr=0.001)", 0, 7, 7, 3, Outcome.completed, false));
        cells.add(trained(r, "t-a", "adam(lr=0.001)", 1, 7, 7, 3, Outcome.completed, false));
        // diverged at step 3 on a non-finite loss (recorded as null, read back as NaN)
        CellRecord d = trained(r, "t-a", SGDM, 0, 7, 4, 3, Outcome.diverged, false);
        d.trainLoss()[3] = Float.NaN;
        cells.add(d);
        return cells;
    }

    /**
     * Cells of the .jsonl.gz file: a language-like task (no accuracy, bits per byte) whose last evaluation, after the
     * last loss, is not finite, and an error cell that recorded nothing.
     */
    static List<CellRecord> gzCells() {
        Random r = new Random(12);
        CellRecord lm = trained(r, "t-b", "adam(lr=0.001)", 0, 10, 5, 5, Outcome.diverged, true);
        List<EvalPoint> evals = new ArrayList<>(lm.evals());
        EvalPoint last = evals.remove(evals.size() - 1);
        assertEquals(5, last.step());
        evals.add(new EvalPoint(5, Double.NaN, Double.NaN, Double.NaN));
        CellRecord lm2 = cell("t-b", "adam(lr=0.001)", 0, 10, Outcome.diverged, lm.trainLoss(), evals);
        CellRecord error = cell("t-b", SGDM, 0, 10, Outcome.error, new float[0], List.of());
        return List.of(lm2, error);
    }

    static void write(Path file, List<CellRecord> cells) throws IOException {
        Files.createDirectories(file.getParent());
        try (ResultWriter w = ResultWriter.create(file, GateCommandsTest.header())) {
            for (CellRecord c : cells) {
                w.writeCell(c);
            }
            w.writeEnd("2026-01-01T00:00:01Z");
        }
    }

    static Path runDir(Path dir) throws IOException {
        write(dir.resolve("run/results.jsonl"), runCells());
        return dir.resolve("run");
    }

    static Path gzFile(Path dir) throws IOException {
        Path plain = dir.resolve("tmp/results.jsonl");
        write(plain, gzCells());
        Path gz = dir.resolve("more.jsonl.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(plain, o);
        }
        Files.delete(plain);
        return gz;
    }

    static StabilityRecord stability(String opt, double h, double radius) {
        return new StabilityRecord(StabilityRecord.TYPE, opt, opt, h, 1, 1, radius, radius, radius,
                new double[][] {{radius, 0}}, 1, 3, false, 1e-3, radius <= 1, 20, "completed", null, -1, 1.5, 0.1,
                0.2, 0.05);
    }

    static Path stabilityDir(Path dir, List<StabilityRecord> records) throws IOException {
        Path f = dir.resolve("stab").resolve(StabilityRecord.FILE);
        StabilityStore.write(f, Map.of("command", List.of("lobench", "stability"), "lobenchVersion", "0.1.0",
                "gitCommit", "unknown", "createdAt", "2026-01-01T00:00:00Z", "curvatures", new double[] {0.5, 30},
                "settings", new dev.lobench.bench.stability.StabilityRunner.Settings(1, 1, 20, 5, 1, 1e-3, 1e-3, 0)),
                records);
        return f.getParent();
    }

    static void assertOneLineError(GateCommandsTest.Out r, String fragment) {
        CliTest.assertOneLineError(new CliTest.Result(r.code(), r.out(), r.err()), fragment);
        assertEquals("", r.out(), "nothing on stdout");
    }

    // ---- export curves ------------------------------------------------------------------------------------------

    @Test
    void exportCurvesWritesEveryRecordedNumberOnce(@TempDir Path dir) throws IOException {
        Path run = runDir(dir);
        Path gz = gzFile(dir);
        List<CellRecord> cells = new ArrayList<>(runCells());
        cells.addAll(gzCells());

        GateCommandsTest.Out r = GateCommandsTest.exec("export", "curves", run.toString(), gz.toString());
        assertEquals(0, r.code(), r.err());
        List<List<String>> rows = strictCsv(r.out());
        assertEquals(CURVE_COLUMNS, rows.get(0));
        assertEquals(1, rows.stream().filter(x -> x.equals(CURVE_COLUMNS)).count(), "one header");
        List<Map<String, String>> data = new ArrayList<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int c = 0; c < CURVE_COLUMNS.size(); c++) {
                m.put(CURVE_COLUMNS.get(c), row.get(c));
            }
            data.add(m);
        }
        // rows: each recorded training loss, plus each evaluation at a step without one (the fixture has no two
        // evaluations at one step)
        int expected = 0;
        for (CellRecord c : cells) {
            int len = c.trainLoss().length;
            expected += len + (int) c.evals().stream().filter(e -> e.step() >= len).count();
        }
        assertEquals(expected, data.size(), r.out());
        assertTrue(r.err().contains("1 cell(s) recorded no step"), r.err());

        for (CellRecord c : cells) {
            List<Map<String, String>> mine = data.stream().filter(m -> m.get("cell_key").equals(c.cellKey())).toList();
            List<Integer> steps = new ArrayList<>();
            Map<Integer, Float> train = new HashMap<>();
            List<String> evals = new ArrayList<>();
            for (Map<String, String> m : mine) {
                assertEquals(c.task(), m.get("task"));
                assertEquals(c.optimizer(), m.get("optimizer"));
                assertEquals(Long.toString(c.seed()), m.get("seed"));
                assertEquals(c.outcome().name(), m.get("outcome"));
                int step = Integer.parseInt(m.get("step"));
                steps.add(step);
                if (!m.get("train_loss").isEmpty()) {
                    assertEquals(null, train.put(step, Float.parseFloat(m.get("train_loss"))), "one loss a step");
                }
                assertTrue(Set.of("true", "false").contains(m.get("evaluated")), m.toString());
                if (m.get("evaluated").equals("true")) {
                    evals.add(step + "|" + m.get("test_loss") + "|" + m.get("test_accuracy") + "|"
                            + m.get("bits_per_byte"));
                } else {
                    assertEquals("", m.get("test_loss") + m.get("test_accuracy") + m.get("bits_per_byte"), m.toString());
                }
            }
            assertEquals(steps.stream().sorted().toList(), steps, "steps ascending within a cell");
            Map<Integer, Float> recorded = new HashMap<>();
            Set<Integer> wanted = new TreeSet<>();
            for (int t = 0; t < c.trainLoss().length; t++) {
                wanted.add(t);
                if (Float.isFinite(c.trainLoss()[t])) {
                    recorded.put(t, c.trainLoss()[t]);
                }
            }
            assertEquals(recorded, train, "training losses of " + c);
            List<String> recordedEvals = new ArrayList<>();
            for (EvalPoint e : c.evals()) {
                wanted.add(e.step());
                recordedEvals.add(e.step() + "|" + cellText(e.testLoss()) + "|" + cellText(e.testAccuracy()) + "|"
                        + cellText(e.bitsPerByte()));
            }
            assertEquals(recordedEvals, evals, "evaluations of " + c);
            assertEquals(new ArrayList<>(wanted), steps, "one row per recorded step of " + c);
        }
        // the diverged cell's non-finite loss at step 3: a row with train_loss empty
        assertTrue(data.stream().anyMatch(m -> m.get("optimizer").equals(SGDM) && m.get("step").equals("3")
                && m.get("train_loss").isEmpty() && m.get("outcome").equals("diverged")), r.out());

        // -o FILE writes the same table; -o - is stdout
        Path file = dir.resolve("out/curves.csv");
        GateCommandsTest.Out toFile = GateCommandsTest.exec("export", "curves", run.toString(), gz.toString(), "-o",
                file.toString());
        assertEquals(0, toFile.code(), toFile.err());
        assertEquals("", toFile.out());
        assertEquals(r.out(), Files.readString(file));
        GateCommandsTest.Out dash = GateCommandsTest.exec("export", "curves", run.toString(), gz.toString(), "-o", "-");
        assertEquals(r.out(), dash.out());
    }

    /** A number as the curves CSV writes it: the value that parses back, empty when not finite. */
    private static String cellText(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    @Test
    void exportCurvesRefusesToOverwrite(@TempDir Path dir) throws IOException {
        Path run = runDir(dir);
        Path gz = gzFile(dir);
        Path results = run.resolve("results.jsonl");
        String before = Files.readString(results);
        assertOneLineError(GateCommandsTest.exec("export", "curves", run.toString(), "-o", results.toString()),
                "is the input");
        assertEquals(before, Files.readString(results));
        byte[] gzBefore = Files.readAllBytes(gz);
        assertOneLineError(GateCommandsTest.exec("export", "curves", gz.toString(), "--out", gz.toString()),
                "is the input");
        assertTrue(java.util.Arrays.equals(gzBefore, Files.readAllBytes(gz)));
        Path other = dir.resolve("notes.csv");
        Files.writeString(other, "keep me\n");
        assertOneLineError(GateCommandsTest.exec("export", "curves", run.toString(), "-o", other.toString()),
                "exists; refusing to overwrite");
        assertEquals("keep me\n", Files.readString(other));
        assertOneLineError(GateCommandsTest.exec("export", "curves", dir.resolve("none").toString()),
                "no such results file or directory");
    }

    // ---- report --format csv and --csv-dir ----------------------------------------------------------------------

    private static Set<String> pairs(List<CellRecord> cells) {
        Set<String> p = new HashSet<>();
        cells.forEach(c -> p.add(c.task() + "|" + c.optimizer()));
        return p;
    }

    @Test
    void reportCsvIsOneTableAndCsvDirWritesEveryTable(@TempDir Path dir) throws IOException {
        Path run = runDir(dir);
        List<StabilityRecord> stab = List.of(stability("sgd(lr=0.1)", 0.5, 0.95), stability("sgd(lr=0.1)", 30,
                Double.NaN));
        Path sdir = stabilityDir(dir, stab);

        GateCommandsTest.Out r = GateCommandsTest.exec("report", run.toString(), sdir.toString(), "--format", "csv");
        assertEquals(0, r.code(), r.err());
        List<List<String>> summary = strictCsv(r.out());
        assertEquals(List.of("task", "optimizer"), summary.get(0).subList(0, 2));
        assertEquals(1, summary.stream().filter(x -> x.equals(summary.get(0))).count(), "one header");
        assertEquals(pairs(runCells()).size(), summary.size() - 1, r.out());
        assertTrue(r.err().contains("--csv-dir"), r.err());

        Path out = dir.resolve("tables");
        GateCommandsTest.Out w = GateCommandsTest.exec("report", run.toString(), sdir.toString(), "--format", "csv",
                "--csv-dir", out.toString());
        assertEquals(0, w.code(), w.err());
        assertEquals(r.out(), w.out(), "stdout is the same one table");
        List<String> names = List.of("summary.csv", "step-metrics.csv", "cross-task.csv", "stability.csv");
        try (var files = Files.list(out)) {
            assertEquals(new TreeSet<>(names), new TreeSet<>(files.map(f -> f.getFileName().toString()).toList()));
        }
        Map<String, String> written = new HashMap<>();
        for (String name : names) {
            written.put(name, Files.readString(out.resolve(name)));
        }
        assertEquals(r.out(), written.get("summary.csv"));
        List<List<String>> steps = strictCsv(written.get("step-metrics.csv"));
        assertEquals(List.of("task", "optimizer"), steps.get(0).subList(0, 2));
        assertEquals(pairs(runCells()).size(), steps.size() - 1);
        List<List<String>> cross = strictCsv(written.get("cross-task.csv"));
        assertTrue(cross.size() > 1, "win rates and profile rows: " + written.get("cross-task.csv"));
        assertEquals(1, cross.stream().filter(x -> x.equals(cross.get(0))).count(), "one header");
        List<List<String>> st = strictCsv(written.get("stability.csv"));
        assertEquals(stab.size(), st.size() - 1);
        int radius = st.get(0).indexOf("radius");
        int curvature = st.get(0).indexOf("curvature");
        for (int i = 0; i < stab.size(); i++) {
            assertEquals(stab.get(i).curvature(), Double.parseDouble(st.get(i + 1).get(curvature)));
            double rad = stab.get(i).radius();
            assertEquals(Double.isNaN(rad) ? "" : Double.toString(rad), st.get(i + 1).get(radius), "NaN is empty");
        }

        // the same again: its own earlier tables are replaced
        GateCommandsTest.Out again = GateCommandsTest.exec("report", run.toString(), sdir.toString(), "--csv-dir",
                out.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().startsWith("**lobench"), "--format md on stdout: " + again.out());
        for (String name : names) {
            assertEquals(written.get(name), Files.readString(out.resolve(name)), name);
        }

        // stability records alone: stdout is the stability table
        GateCommandsTest.Out onlyStab = GateCommandsTest.exec("report", sdir.toString(), "--format", "csv");
        assertEquals(0, onlyStab.code(), onlyStab.err());
        assertEquals(written.get("stability.csv"), onlyStab.out());
    }

    @Test
    void csvDirRefusesFilesItDidNotWrite(@TempDir Path dir) throws IOException {
        Path run = runDir(dir);
        Path foreign = dir.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("summary.csv"), "name,value\nx,1\n");
        GateCommandsTest.Out r = GateCommandsTest.exec("report", run.toString(), "--format", "csv", "--csv-dir",
                foreign.toString());
        assertOneLineError(r, "refusing to overwrite");
        assertEquals("name,value\nx,1\n", Files.readString(foreign.resolve("summary.csv")));
        try (var files = Files.list(foreign)) {
            assertEquals(1, files.count(), "nothing written");
        }
        // a results file where a table would go
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Files.copy(run.resolve("results.jsonl"), data.resolve("stability.csv"));
        assertOneLineError(GateCommandsTest.exec("report", run.toString(), "--csv-dir", data.toString()),
                "existing lobench results file");
        Path file = dir.resolve("plain-file");
        Files.writeString(file, "x\n");
        assertOneLineError(GateCommandsTest.exec("report", run.toString(), "--csv-dir", file.toString()),
                "is not a directory");
        assertEquals("x\n", Files.readString(file));
    }

    // ---- report --format json -----------------------------------------------------------------------------------

    /** Exactly one JSON document: parsing it leaves nothing but whitespace (a second document fails). */
    static com.fasterxml.jackson.databind.JsonNode oneJsonDocument(String s) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper om = new com.fasterxml.jackson.databind.ObjectMapper();
        try (com.fasterxml.jackson.core.JsonParser p = om.getFactory().createParser(s)) {
            com.fasterxml.jackson.databind.JsonNode n = om.readTree(p);
            assertTrue(n != null && !n.isMissingNode(), "a JSON document: " + s);
            assertEquals(null, p.nextToken(), "one JSON document, nothing after it: " + s);
            return n;
        }
    }

    @Test
    void reportJsonIsOneDocumentWithResultsAndStability(@TempDir Path dir) throws IOException {
        Path run = runDir(dir);
        List<StabilityRecord> stab = List.of(stability("sgd(lr=0.1)", 0.5, 0.95), stability("sgd(lr=0.1)", 30,
                Double.NaN));
        Path sdir = stabilityDir(dir, stab);

        GateCommandsTest.Out both = GateCommandsTest.exec("report", run.toString(), sdir.toString(), "--format", "json");
        assertEquals(0, both.code(), both.err());
        com.fasterxml.jackson.databind.JsonNode root = oneJsonDocument(both.out());
        assertEquals(List.of("rows", "stepMetrics", "crossTask", "stability"), iterable(root.fieldNames()));
        assertEquals(pairs(runCells()).size(), root.get("rows").size());
        com.fasterxml.jackson.databind.JsonNode st = root.get("stability");
        assertEquals(stab.size(), st.size());
        for (int i = 0; i < stab.size(); i++) {
            assertEquals("stability", st.get(i).get("type").asText());
            assertEquals(stab.get(i).curvature(), st.get(i).get("curvature").asDouble());
        }
        assertTrue(st.get(1).get("radius").isNull(), "NaN is null");

        // results alone: the same object without "stability"; stability alone: the array of 'stability --format json'
        GateCommandsTest.Out cells = GateCommandsTest.exec("report", run.toString(), "--format", "json");
        assertEquals(0, cells.code(), cells.err());
        com.fasterxml.jackson.databind.JsonNode c = oneJsonDocument(cells.out());
        ((com.fasterxml.jackson.databind.node.ObjectNode) root).remove("stability");
        assertEquals(c, root);
        GateCommandsTest.Out only = GateCommandsTest.exec("report", sdir.toString(), "--format", "json");
        assertEquals(0, only.code(), only.err());
        assertEquals(st, oneJsonDocument(only.out()));
    }

    @Test
    void reportLatexWritesStabilityRecordsAsLatex(@TempDir Path dir) throws IOException {
        Path run = runDir(dir);
        Path sdir = stabilityDir(dir, List.of(stability("sgd(lr=0.1)", 0.5, 0.95), stability("sgd(lr=0.1)", 30, 3.5)));
        for (List<String> inputs : List.of(List.of(sdir.toString()), List.of(run.toString(), sdir.toString()))) {
            List<String> args = new ArrayList<>(List.of("report"));
            args.addAll(inputs);
            args.addAll(List.of("--format", "latex"));
            GateCommandsTest.Out r = GateCommandsTest.exec(args.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            // no Markdown anywhere: no table rows or rules of pipes, no headings
            for (String line : r.out().split("\n")) {
                assertFalse(line.startsWith("|") || line.startsWith("#"), line);
            }
            assertTrue(r.out().contains("\\caption{Stability of sgd(lr=0.1) on the noisy quadratic"), r.out());
            assertTrue(r.out().contains("0.9500 & "), r.out());
        }
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }
}
