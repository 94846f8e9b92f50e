package dev.lobench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lobench.results.CellRecord;
import dev.lobench.results.Outcome;
import dev.lobench.results.ResultWriter;
import dev.lobench.results.RunHeader;
import dev.lobench.results.Timing;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end exit codes and outputs of 'ci baseline', 'ci check', 'compare' and 'report --html/--png'. */
class GateCommandsTest {

    static RunHeader header() {
        return new RunHeader("header", 1, "run", "smoke", "0.1.0", "abc", "17", "0.36.0", "2.7.1", "CPU A", 2,
                "Linux", "2026-01-01T00:00:00Z", "lobench run", Map.of());
    }

    static CellRecord cell(String task, String opt, Outcome o, float loss) {
        return new CellRecord("cell", 1, task + "|" + opt, task, "fixture", Map.of(), false, opt,
                dev.lobench.results.OptimizerNames.base(opt), Map.of(), null, 0, 3,
                10L, o, null, 10.0, new float[] {10f, 5f, loss}, List.of(), new Timing(1, 1, 0.1, 0, 10, 9, 1, 0),
                Map.of());
    }

    /** A run dir with adam(lr=0.001) and sgdm(lr=0.05) on t1, t2; sgdm's final losses times {@code scale}. */
    static Path run(Path dir, String name, float scale, Outcome sgdmOutcome) {
        Path d = dir.resolve(name);
        try {
            Files.createDirectories(d);
        } catch (java.io.IOException e) {
            throw new RuntimeException(e);
        }
        try (ResultWriter w = ResultWriter.create(d.resolve("results.jsonl"), header())) {
            for (String t : List.of("t1", "t2")) {
                w.writeCell(cell(t, "adam(lr=0.001)", Outcome.completed, 1.0f));
                w.writeCell(cell(t, "sgdm(lr=0.05)", sgdmOutcome, 2.0f * scale));
            }
            w.writeEnd("2026-01-01T00:00:01Z");
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
        return d;
    }

    record Out(int code, String out, String err) {}

    static Out exec(String... args) {
        PrintStream o = System.out;
        PrintStream e = System.err;
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        ByteArrayOutputStream be = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bo, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(be, true, StandardCharsets.UTF_8));
            var cl = Main.commandLine();
            cl.setErr(new java.io.PrintWriter(System.err, true));
            int code = cl.execute(args);
            return new Out(code, bo.toString(StandardCharsets.UTF_8), be.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }

    @Test
    void baselineThenCheckExitCodes(@TempDir Path dir) throws Exception {
        Path base = run(dir, "base", 1f, Outcome.completed);
        Path json = dir.resolve("b/smoke.json");
        assertEquals(0, exec("ci", "baseline", base.toString(), "--out", json.toString()).code());
        assertTrue(Files.readString(json).contains("\"stepRatioToAdam\""));

        Out same = exec("ci", "check", "--baseline", json.toString(), run(dir, "same", 1f, Outcome.completed).toString());
        assertEquals(0, same.code(), same.out() + same.err());
        assertTrue(same.out().startsWith("## lobench CI gate: PASS"));

        Path junit = dir.resolve("junit.xml");
        Out worse = exec("ci", "check", "--baseline", json.toString(), "--junit", junit.toString(),
                run(dir, "worse", 1.3f, Outcome.completed).toString());
        assertEquals(1, worse.code());
        assertTrue(worse.out().contains("| t1 | sgdm(lr=0.05) | **FAIL** | 2 | 2.6 | +30.0% |"), worse.out());
        assertTrue(Files.readString(junit).contains("failures=\"2\""));

        Out diverged = exec("ci", "check", "--baseline", json.toString(),
                run(dir, "div", 1f, Outcome.diverged).toString());
        assertEquals(1, diverged.code());

        Out noFile = exec("ci", "check", "--baseline", dir.resolve("nope.json").toString(), base.toString());
        assertEquals(2, noFile.code());
        assertTrue(noFile.err().startsWith("lobench: no such baseline file"), noFile.err());
        assertEquals(2, exec("ci", "check", "--baseline", json.toString(), "--match", "fuzzy", base.toString()).code());
        assertEquals(2, exec("ci", "check", "--baseline", json.toString(), dir.resolve("none").toString()).code());
    }

    @Test
    void runVsRunRefusesACandidateOfOtherStepsOrTaskDefinitions(@TempDir Path dir) throws Exception {
        Path base = run(dir, "base", 1f, Outcome.completed);
        Path longer = dir.resolve("longer");
        Path other = dir.resolve("other");
        Files.createDirectories(longer);
        Files.createDirectories(other);
        try (ResultWriter w = ResultWriter.create(longer.resolve("results.jsonl"), header());
                ResultWriter v = ResultWriter.create(other.resolve("results.jsonl"), header())) {
            for (String t : List.of("t1", "t2")) {
                CellRecord c = cell(t, "adam(lr=0.001)", Outcome.completed, 1.0f);
                // t1 run for 6 steps instead of 3; t2 as in the baseline
                int steps = t.equals("t1") ? 6 : c.steps();
                w.writeCell(new CellRecord(c.type(), c.schemaVersion(), c.cellKey(), c.task(), c.taskFamily(),
                        c.taskParams(), c.inMetaTrainingSet(), c.optimizer(), c.optimizerBase(),
                        c.optimizerParams(), c.tunedGroup(), c.seed(), steps, c.numParams(), c.outcome(),
                        c.outcomeDetail(), c.initialLoss(), c.trainLoss(), c.evals(), c.timing(), c.meta()));
                // both tasks with another parameter than in the baseline
                v.writeCell(new CellRecord(c.type(), c.schemaVersion(), c.cellKey(), c.task(), c.taskFamily(),
                        Map.of("width", 64), c.inMetaTrainingSet(), c.optimizer(), c.optimizerBase(),
                        c.optimizerParams(), c.tunedGroup(), c.seed(), c.steps(), c.numParams(), c.outcome(),
                        c.outcomeDetail(), c.initialLoss(), c.trainLoss(), c.evals(), c.timing(), c.meta()));
            }
            w.writeEnd("2026-01-01T00:00:01Z");
            v.writeEnd("2026-01-01T00:00:01Z");
        }
        Out r = exec("compare", "--baseline", base.toString(), "--candidate", longer.toString());
        assertEquals(2, r.code(), r.out());
        assertEquals("lobench: the candidate is not comparable with the baseline: t1 / adam(lr=0.001): baseline 3"
                + " steps, candidate 6", r.err().strip());
        Out d = exec("compare", "--baseline", base.toString(), "--candidate", other.toString());
        assertEquals(2, d.code(), d.out());
        assertTrue(d.err().contains("task t1 is defined differently: baseline fixture {}, candidate fixture {width=64}"),
                d.err());
        assertTrue(d.err().contains("task t2 is defined differently"), d.err());
        // the same run against itself stays comparable
        assertEquals(0, exec("compare", "--baseline", base.toString(), "--candidate", base.toString()).code());
    }

    @Test
    void twoOptimizersOfDifferentLengthsAreRefusedByCompareAndFlaggedByReport(@TempDir Path dir) throws Exception {
        Path base = run(dir, "base", 1f, Outcome.completed);
        Path longer = dir.resolve("longer");
        Files.createDirectories(longer);
        try (ResultWriter w = ResultWriter.create(longer.resolve("results.jsonl"), header())) {
            CellRecord c = cell("t1", "nadam(lr=0.001)", Outcome.completed, 0.5f);
            w.writeCell(new CellRecord(c.type(), c.schemaVersion(), c.cellKey(), c.task(), c.taskFamily(),
                    c.taskParams(), c.inMetaTrainingSet(), c.optimizer(), c.optimizerBase(), c.optimizerParams(),
                    c.tunedGroup(), c.seed(), 6, c.numParams(), c.outcome(), c.outcomeDetail(), c.initialLoss(),
                    c.trainLoss(), c.evals(), c.timing(), c.meta()));
            w.writeEnd("2026-01-01T00:00:01Z");
        }
        Out c = exec("compare", "adam", "nadam", "--results", base.toString(), longer.toString());
        assertEquals(2, c.code(), c.out());
        assertEquals("lobench: not comparable: t1 / adam(lr=0.001) vs nadam(lr=0.001): adam 3 steps, nadam 6",
                c.err().strip());
        Out r = exec("report", base.toString(), longer.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("lobench: warning: task t1 has runs of different lengths (3 steps: adam(lr=0.001), "
                + "sgdm(lr=0.05); 6 steps: nadam(lr=0.001))"), r.err());
        assertTrue(!r.err().contains("task t2 has runs"), r.err());
        assertTrue(!exec("report", base.toString()).err().contains("different lengths"));
    }

    @Test
    void reportOfAnOverheadRunPrintsItsCostTable(@TempDir Path dir) throws Exception {
        RunHeader h = new RunHeader("header", 1, "oh", "overhead", "0.1.0", "abc", "17", "0.36.0", "2.7.1", "CPU A", 2,
                "Linux", "2026-01-01T00:00:00Z", "lobench overhead", Map.of("device", "cpu"));
        Path oh = dir.resolve("oh");
        dev.lobench.results.OverheadStore.Writer w = dev.lobench.results.OverheadStore.create(oh, h);
        for (String[] r : new String[][] {{"adam", "0.5"}, {"star", "1.5"}}) {
            w.write(new dev.lobench.results.OverheadRecord(dev.lobench.results.OverheadRecord.TYPE, 1,
                    dev.lobench.results.OverheadRecord.OPTIMIZER_ONLY, "synthetic-10k", r[0], r[0], "cpu", 2, 10000,
                    Double.parseDouble(r[1]), Double.parseDouble(r[1]), 0.01, 100, 1, 8 * 10000L, 0, "ok", null));
        }
        w.end("2026-01-01T00:01:00Z");
        Out r = exec("report", oh.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("### lobench overhead: " + oh), r.out());
        // star's optimizer-only step is 3x adam's
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("| synthetic-10k | star | 10000 |") && l.contains("| 3.00 |")),
                r.out());
        // the record itself reads the same as its directory
        assertEquals(r.out().replace(oh.toString(), "X"),
                exec("report", w.file().toString()).out().replace(w.file().toString(), "X"));
        // mixed with results, or with options for results: one line pointing at --overhead
        Path base = run(dir, "base", 1f, Outcome.completed);
        Out mixed = exec("report", base.toString(), oh.toString());
        assertEquals(2, mixed.code());
        assertEquals("lobench: " + oh + " is a 'lobench overhead' run, not results: join it to results with --overhead "
                + oh + ", or report it alone", mixed.err().strip());
        assertEquals(2, exec("report", oh.toString(), "--format", "csv").code());
    }

    @Test
    void otherLobenchOutputsGivenAsResultsNameTheCommandThatReadsThem(@TempDir Path dir) throws Exception {
        Path runDir = Files.createDirectories(dir.resolve("meta/seed0"));
        Path log = Files.writeString(runDir.resolve("star-s0.safetensors.jsonl"), "{\"outerStep\":1,\"metaLoss\":2}\n");
        Path weights = Files.write(runDir.resolve("star-s0.safetensors"), new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
        Out l = exec("report", log.toString());
        assertEquals(2, l.code());
        assertEquals("lobench: " + log + " is a meta-training log, not results (compare meta-training runs with "
                + "'lobench meta-report " + log + "')", l.err().strip());
        Out d = exec("compare", "adam", "star", "--results", runDir.toString());
        assertEquals(2, d.code());
        assertTrue(d.err().contains(runDir + " is a meta-training run directory"), d.err());
        Out w = exec("export", "curves", weights.toString());
        assertEquals(2, w.code());
        assertTrue(w.err().contains("lobench lopt info " + weights), w.err());
        // a run directory that also holds results is read as results
        Path base = run(dir, "base", 1f, Outcome.completed);
        Files.copy(log, base.resolve("star-s0.safetensors.jsonl"));
        assertEquals(Inputs.notResults(base), null);
        Out both = exec("report", base.toString());
        assertEquals(0, both.code(), both.err());
    }

    @Test
    void compareAndReportOutputs(@TempDir Path dir) throws Exception {
        Path base = run(dir, "base", 1f, Outcome.completed);
        Out c = exec("compare", "adam", "sgdm", "--results", base.toString());
        assertEquals(0, c.code(), c.err());
        // sgdm final loss 2 vs adam 1 on both tasks (1 seed): +100% -> adam better on both
        assertTrue(c.out().contains("Over 2 task(s), sgdm is better than adam on 0, worse on 2 and tied on 0"), c.out());
        Out rr = exec("compare", "--baseline", base.toString(), "--candidate",
                run(dir, "w", 1.3f, Outcome.completed).toString(), "--format", "json");
        assertEquals(0, rr.code(), rr.err());
        assertTrue(rr.out().contains("\"verdict\" : \"a_better\""), rr.out());
        assertEquals(2, exec("compare", "adam", "--results", base.toString()).code());
        assertEquals(2, exec("compare", "adam", "nadam", "--results", base.toString()).code());
        Path html = dir.resolve("r/report.html");
        Out r = exec("report", base.toString(), "--format", "latex", "--html", html.toString(), "--png",
                dir.resolve("png").toString(), "--svg", dir.resolve("svg").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\\toprule"));
        assertTrue(Files.readString(html).contains("<svg "));
        assertTrue(Files.exists(dir.resolve("png/speedup.png")));
        // one SVG per PNG, same names; well-formed XML with one line per optimizer in a loss plot
        try (var pngs = Files.list(dir.resolve("png")); var svgs = Files.list(dir.resolve("svg"))) {
            assertEquals(pngs.map(f -> f.getFileName().toString().replace(".png", "")).sorted().toList(),
                    svgs.map(f -> f.getFileName().toString().replace(".svg", "")).sorted().toList());
        }
        var doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(dir.resolve("svg/loss-t1.svg").toFile());
        assertEquals("svg", doc.getDocumentElement().getTagName());
        assertEquals(2, doc.getElementsByTagName("polyline").getLength());
        assertEquals(2, exec("report", base.toString(), "--format", "xml").code());
    }
}
