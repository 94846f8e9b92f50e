package dev.lobench.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lobench.results.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: nothing a user types destroys or silently mixes a run. Each test reproduces one defect of the issue
 * (numbered as there) on the command line, in-process.
 */
class ReliabilityTest {

    private static GateCommandsTest.Out exec(String... args) {
        return GateCommandsTest.exec(args);
    }

    private static void assertRefused(GateCommandsTest.Out r, String fragment) {
        assertEquals(2, r.code(), "exit code; stderr: " + r.err());
        String first = r.err().strip().lines().filter(l -> !l.startsWith("lobench: warning: ")).findFirst().orElse("");
        assertTrue(first.startsWith("lobench: ") && first.contains(fragment), "expected '" + fragment + "' in: " + r.err());
        assertTrue(!r.err().contains("\tat ") && !r.err().contains("internal error"), r.err());
    }

    // ---- 1. an output must not overwrite the command's own input ------------------------------------------------

    @Test
    void outputsThatResolveToAnInputAreRefused(@TempDir Path dir) throws Exception {
        Path run = GateCommandsTest.run(dir, "run", 1f, Outcome.completed);
        Path results = run.resolve("results.jsonl");
        byte[] before = Files.readAllBytes(results);
        assertRefused(exec("report", run.toString(), "--html", results.toString()), "results.jsonl");
        assertRefused(exec("report", run.toString(), "--html", run.resolve("./sub/../results.jsonl").toString()),
                "results.jsonl");
        Path link = dir.resolve("link.html");
        Files.createSymbolicLink(link, results);
        assertRefused(exec("report", run.toString(), "--html", link.toString()), "results.jsonl");
        assertRefused(exec("ci", "baseline", run.toString(), "--out", results.toString()), "results.jsonl");
        Path base = dir.resolve("base.json");
        assertEquals(0, exec("ci", "baseline", run.toString(), "--out", base.toString()).code());
        byte[] baseBefore = Files.readAllBytes(base);
        assertRefused(exec("ci", "check", "--baseline", base.toString(), "--junit", results.toString(),
                run.toString()), "results.jsonl");
        assertRefused(exec("ci", "check", "--baseline", base.toString(), "--junit", base.toString(),
                run.toString()), "base.json");
        // a results file that is not an input of this command is not overwritten either
        Path other = GateCommandsTest.run(dir, "other", 1f, Outcome.completed).resolve("results.jsonl");
        byte[] otherBefore = Files.readAllBytes(other);
        assertRefused(exec("report", run.toString(), "--html", other.toString()), "results.jsonl");
        assertRefused(exec("ci", "check", "--baseline", base.toString(), "--junit", other.toString(),
                run.toString()), "results.jsonl");
        assertArrayEquals(before, Files.readAllBytes(results));
        assertArrayEquals(baseBefore, Files.readAllBytes(base));
        assertArrayEquals(otherBefore, Files.readAllBytes(other));
        // re-recording a baseline over the previous one stays allowed; a fresh HTML file too
        assertEquals(0, exec("ci", "baseline", run.toString(), "--out", base.toString()).code());
        assertEquals(0, exec("report", run.toString(), "--html", run.resolve("report.html").toString()).code());
    }

    // ---- 2. two writers on one run directory ----------------------------------------------------------------------

    private static final String[] PLAN = {"--task", "quadratic-d100-k100", "--optimizer", "adam:lr=0.05", "--seeds",
            "6", "--steps", "40"};

    private static String[] args(String cmd, String[] plan, String... more) {
        java.util.List<String> l = new java.util.ArrayList<>();
        l.add(cmd);
        l.addAll(java.util.List.of(plan));
        l.addAll(java.util.List.of(more));
        return l.toArray(new String[0]);
    }

    /** Cuts the run's file to its header plus {@code cells} cells, plus half of the next line (a killed run). */
    private static void killAfter(Path results, int cells) throws Exception {
        java.util.List<String> lines = Files.readAllLines(results);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i <= cells; i++) {
            sb.append(lines.get(i)).append('\n');
        }
        sb.append(lines.get(cells + 1), 0, lines.get(cells + 1).length() / 2);
        Files.writeString(results, sb.toString());
    }

    @Test
    void aSecondWriterOfARunDirectoryIsRefusedAndTheRunStaysResumable(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        assertEquals(0, exec(args("run", PLAN, "--out", out.toString())).code());
        Path results = out.resolve("results.jsonl");
        java.util.List<String> full = Files.readAllLines(results);
        killAfter(results, 2);
        byte[] killed = Files.readAllBytes(results);
        try (dev.lobench.results.RunLock held = dev.lobench.results.RunLock.acquire(out, "lobench run (test holder)")) {
            GateCommandsTest.Out r = exec(args("run", PLAN, "--resume", out.toString()));
            assertRefused(r, "is being written by another lobench (pid " + ProcessHandle.current().pid());
            assertTrue(r.err().contains("lobench run (test holder)"), r.err());
            assertRefused(exec("merge", out.toString(), "--out", out.toString()), "being written");
            assertArrayEquals(killed, Files.readAllBytes(results), "the refused writer touched nothing");
        }
        GateCommandsTest.Out r = exec(args("run", PLAN, "--resume", out.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("resumed: 2 finished cells kept, 4 run now"), r.err());
        java.util.List<String> resumed = Files.readAllLines(results);
        assertEquals(full.size(), resumed.size());
        for (int i = 1; i < full.size() - 1; i++) {
            assertEquals(curve(full.get(i)), curve(resumed.get(i)), "cell line " + i);
        }
    }

    /** A real second process writing the same run directory: the in-process writer is refused, kill -9 keeps it resumable. */
    @Test
    void twoProcessesOnOneRunDirectory(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        String[] plan = {"--task", "quadratic-d1000-k1000", "--optimizer", "adam:lr=0.05", "--seeds", "40", "--steps",
                "3000"};
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "run"));
        cmd.addAll(java.util.List.of(plan));
        cmd.addAll(java.util.List.of("--out", out.toString()));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile()).start();
        Path results = out.resolve("results.jsonl");
        try {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!(Files.exists(results) && Files.readAllLines(results).size() >= 3)) {
                assertTrue(child.isAlive(), () -> "child ended early: " + read(dir.resolve("child.log")));
                assertTrue(System.nanoTime() < deadline, "child wrote no cell in 120 s");
                Thread.sleep(50);
            }
            GateCommandsTest.Out r = exec(args("run", plan, "--resume", out.toString()));
            assertRefused(r, "is being written by another lobench (pid " + child.pid());
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        int kept = 0;
        for (String l : Files.readAllLines(results)) {
            kept += l.startsWith("{\"type\":\"cell\"") && l.endsWith("}") ? 1 : 0;
        }
        assertTrue(kept >= 2 && kept < 40, "cells before the kill: " + kept);
        String[] quick = plan.clone();
        GateCommandsTest.Out r = exec(args("run", quick, "--resume", out.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("resumed: " + kept + " finished cells kept, " + (40 - kept) + " run now"), r.err());
        var file = dev.lobench.results.ResultStore.read(results);
        assertEquals(40, file.cells().size());
        assertTrue(file.end() != null && file.skippedPartialLines() == 0);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String curve(String line) throws Exception {
        var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
        return n.path("cellKey").asText() + n.path("trainLoss") + n.path("evals");
    }

    // ---- 3. --resume with another plan ---------------------------------------------------------------------------

    @Test
    void resumeWithAnotherPlanIsRefusedNamingWhatDiffers(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        assertEquals(0, exec(args("run", PLAN, "--out", out.toString())).code());
        Path results = out.resolve("results.jsonl");
        killAfter(results, 3);
        byte[] killed = Files.readAllBytes(results);
        String[] steps = PLAN.clone();
        steps[7] = "20";
        assertRefused(exec(args("run", steps, "--resume", out.toString())), "--steps 40 (run) vs 20 (now)");
        String[] opt = PLAN.clone();
        opt[3] = "sgdm";
        assertRefused(exec(args("run", opt, "--resume", out.toString())), "--optimizer adam:lr=0.05 (run) vs sgdm (now)");
        String[] seeds = PLAN.clone();
        seeds[5] = "2";
        assertRefused(exec(args("run", seeds, "--resume", out.toString())), "--seeds 6 (run) vs 2 (now)");
        assertRefused(exec("run", "--suite", "smoke", "--resume", out.toString()), "--suite null (run) vs smoke (now)");
        assertRefused(exec(args("run", PLAN, "--divergence-factor", "inf", "--resume", out.toString())),
                "--divergence-factor null (run) vs inf (now)");
        assertRefused(exec(args("run", PLAN, "--divergence-factor", "1", "--out", dir.resolve("f1").toString())),
                "--divergence-factor must be a number > 1 or inf, got '1'");
        assertRefused(exec(args("run", PLAN, "--divergence-factor", "ten", "--out", dir.resolve("f2").toString())),
                "--divergence-factor must be a number > 1 or inf, got 'ten'");
        assertArrayEquals(killed, Files.readAllBytes(results));
        // a file written before plan fingerprints: the cells it holds must belong to the plan
        String text = Files.readString(results);
        int nl = text.indexOf('\n');
        var om = new com.fasterxml.jackson.databind.ObjectMapper();
        var h = (com.fasterxml.jackson.databind.node.ObjectNode) om.readTree(text.substring(0, nl));
        ((com.fasterxml.jackson.databind.node.ObjectNode) h.get("extra")).remove("plan");
        Files.writeString(results, om.writeValueAsString(h) + text.substring(nl));
        assertRefused(exec(args("run", steps, "--resume", out.toString())), "3 of its 3 cells are not in this plan");
        GateCommandsTest.Out ok = exec(args("run", PLAN, "--resume", out.toString()));
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.err().contains("resumed: 3 finished cells kept, 3 run now"), ok.err());
        assertRefused(exec(args("run", PLAN, "--resume", out.toString())), "is already finished (6 cells");
    }

    @Test
    void reportRefusesToPoolTwoDifferentRunsOfOneNamedCell(@TempDir Path dir) throws Exception {
        // the same weights path holding other weights later (a retrained or newly shipped optimizer): the cells
        // carry the same name, task and seed; pooled, seed 0 would count twice with two different optimizers
        Path w = dir.resolve("w.safetensors");
        String opt = "star:weights=" + w;
        dev.lobench.optimizers.learned.ThetaFiles.write(w, dev.lobench.optimizers.learned.Theta.init(
                dev.lobench.optimizers.learned.Arch.STAR, 1), dev.lobench.optimizers.learned.ThetaFiles.provenanceJson(1L, "test", null));
        String[] plan = {"--task", "quadratic-d100-k100", "--optimizer", opt, "--seeds", "1", "--steps", "10"};
        assertEquals(0, exec(args("run", plan, "--out", dir.resolve("a").toString())).code());
        dev.lobench.optimizers.learned.ThetaFiles.write(w, dev.lobench.optimizers.learned.Theta.init(
                dev.lobench.optimizers.learned.Arch.STAR, 2), dev.lobench.optimizers.learned.ThetaFiles.provenanceJson(2L, "test", null));
        assertEquals(0, exec(args("run", plan, "--out", dir.resolve("b").toString())).code());
        String a = Files.readString(dir.resolve("a/results.jsonl"));
        assertTrue(a.contains("\"optimizerIdentity\":\"star(weights=" ), a);
        assertRefused(exec("report", dir.resolve("a").toString(), dir.resolve("b").toString()),
                "is in both");
        assertRefused(exec("report", dir.resolve("a").toString(), dir.resolve("b").toString()),
                "optimizer identity");
        // one record given twice is the same cells, kept once
        GateCommandsTest.Out same = exec("report", dir.resolve("a").toString(), dir.resolve("a/results.jsonl").toString());
        assertEquals(0, same.code(), same.err());
        // other evaluation periods: other runs of the same named cell
        String[] plain = {"--task", "quadratic-d100-k100", "--optimizer", "adam", "--seeds", "1", "--steps", "10"};
        assertEquals(0, exec(args("run", plain, "--out", dir.resolve("c").toString())).code());
        assertEquals(0, exec(args("run", plain, "--eval-every", "5", "--out", dir.resolve("d").toString())).code());
        assertRefused(exec("report", dir.resolve("c").toString(), dir.resolve("d").toString()), "is in both");
    }

    // ---- 4, 9: plan bounds and empty plans -------------------------------------------------------------------------

    @Test
    void hugeOrEmptyPlansAreRefusedBeforeAnythingIsBuilt(@TempDir Path dir) {
        assertRefused(exec("run", "--task", "quadratic-d100-k100", "--seeds", "2147483647", "--out",
                dir.resolve("a").toString()), "--seeds must be <= 10000");
        assertRefused(exec("run", "--task", "quadratic-d100-k100", "--steps", "2147483647", "--out",
                dir.resolve("b").toString()), "--steps must be <= 100000000");
        assertRefused(exec("run", "--task", "quadratic-d100-k100", "--optimizer", "adam-tuned:lrs=50,sgdm-tuned:lrs=50",
                "--seeds", "10000", "--out", dir.resolve("c").toString()), "more than 100000 cells");
        assertRefused(exec("run", "--task", "quadratic-d100-k100", "--optimizer", "", "--out",
                dir.resolve("d").toString()), "names no optimizer");
        assertTrue(!Files.exists(dir.resolve("d/results.jsonl")));
    }

    @Test
    void aPlanEstimatedAboveAnHourAnnouncesItsSizeFirst(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("calibration.json");
        Files.writeString(cache, "{\"machine\": \"" + dev.lobench.bench.Calibration.machineKey()
                + "\", \"tasks\": {\"quadratic-d100-k100\": {\"fbMs\": 10, \"evalMs\": 1}},"
                + " \"optimizers\": {\"adam\": 1.0}}");
        dev.lobench.bench.Calibration cal = dev.lobench.bench.Calibration.load(cache);
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream err = new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8);
        dev.lobench.bench.RunPlan big = dev.lobench.bench.RunPlan.ofTasks(java.util.List.of("quadratic-d100-k100"),
                java.util.List.of("adam"), 40, 10000, null);
        double hours = cal.estimateSeconds(big.cells()) / 3600;
        assertTrue(hours > 1, "fixture: " + hours + " h");
        RunCommand.announceLargePlan(big, cal, err);
        String msg = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(msg.contains("40 cells, 400000 training steps, estimated "
                + String.format(java.util.Locale.ROOT, "%.1f h", hours)), msg);
        buf.reset();
        RunCommand.announceLargePlan(dev.lobench.bench.RunPlan.ofTasks(java.util.List.of("quadratic-d100-k100"),
                java.util.List.of("adam"), 1, 100, null), cal, err);
        assertEquals("", buf.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void anEmptyOptimizerListInATaskSpecIsRefused(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("t.yaml");
        Files.writeString(spec, "family: quadratic\nparameters: {dim: 10}\nsteps: 5\noptimizers: []\n");
        GateCommandsTest.Out r = exec("run", "--task-spec", spec.toString(), "--out", dir.resolve("o").toString());
        assertRefused(r, "no cells");
        assertTrue(!Files.exists(dir.resolve("o/results.jsonl")));
    }

    // ---- 5: I/O failures are one line naming the path and the reason ----------------------------------------------

    @Test
    void ioFailuresNameThePathAndTheReason(@TempDir Path dir) throws Exception {
        Path run = GateCommandsTest.run(dir, "run", 1f, Outcome.completed);
        Path file = dir.resolve("plain.txt");
        Files.writeString(file, "x");
        assertRefused(exec("merge", run.toString(), "--out", file.toString()), "is an existing file");
        assertRefused(exec("report", run.toString(), "--png", file.toString()), "already exists");
        assertRefused(exec("report", run.toString(), "--html", file.resolve("r.html").toString()), "plain.txt");
        assertRefused(exec("ci", "baseline", run.toString(), "--out", file.resolve("b.json").toString()), "plain.txt");
        assertEquals("permission denied", dev.lobench.results.IoErrors.reason(
                new java.nio.file.AccessDeniedException("/x")));
        assertEquals("/x: no space left on device", dev.lobench.results.IoErrors.describe(
                new java.nio.file.FileSystemException("/x", null, "No space left on device")));
        assertEquals("no such file or directory", dev.lobench.results.IoErrors.reason(
                new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("/y"))));
    }

    // ---- 6, 7, 8, 12: the CI gate checks what it claims --------------------------------------------------------------

    /** A run of adam on task t with the given seeds (final loss 1), {@code steps} steps, finished or not. */
    static Path gateRun(Path dir, String name, int steps, String family, boolean finished, long... seeds)
            throws Exception {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        try (dev.lobench.results.ResultWriter w = dev.lobench.results.ResultWriter.create(d.resolve("results.jsonl"),
                GateCommandsTest.header())) {
            for (long seed : seeds) {
                w.writeCell(new dev.lobench.results.CellRecord("cell", 1, "k" + seed, "t", family,
                        java.util.Map.of("dim", 10), false, "adam(lr=0.001)", "adam", java.util.Map.of("lr", 0.001), null, seed,
                        steps, 10L,
                        Outcome.completed, null, 10.0, new float[] {10f, 5f, 1f}, java.util.List.of(),
                        new dev.lobench.results.Timing(1, 1, 0.1, 0, 10, 9, 1, 0), java.util.Map.of()));
            }
            if (finished) {
                w.writeEnd("2026-01-01T00:00:01Z");
            }
        }
        return d;
    }

    @Test
    void theGateFailsIncompleteCandidatesAndRefusesEmptyOrIncomparableBaselines(@TempDir Path dir) throws Exception {
        Path base = gateRun(dir, "base", 200, "quadratic", true, 0, 1, 2);
        Path json = dir.resolve("b.json");
        assertEquals(0, exec("ci", "baseline", base.toString(), "--out", json.toString()).code());
        GateCommandsTest.Out same = exec("ci", "check", "--baseline", json.toString(),
                gateRun(dir, "same", 200, "quadratic", true, 0, 1, 2).toString());
        assertEquals(0, same.code(), same.out() + same.err());
        // 6: a missing seed, an unfinished run
        GateCommandsTest.Out missing = exec("ci", "check", "--baseline", json.toString(),
                gateRun(dir, "missing", 200, "quadratic", true, 0, 1).toString());
        assertEquals(1, missing.code(), missing.out() + missing.err());
        assertTrue(missing.out().contains("incomplete: seed 2 missing"), missing.out());
        Path junit = dir.resolve("j.xml");
        GateCommandsTest.Out unfinished = exec("ci", "check", "--baseline", json.toString(), "--junit",
                junit.toString(), gateRun(dir, "unfinished", 200, "quadratic", false, 0, 1, 2).toString());
        assertEquals(1, unfinished.code(), unfinished.out() + unfinished.err());
        assertTrue(unfinished.out().contains("incomplete:") && unfinished.out().contains("has no end record"),
                unfinished.out());
        assertTrue(Files.readString(junit).contains("type=\"incomplete\""));
        // 12: another number of steps or another task definition is not comparable
        assertRefused(exec("ci", "check", "--baseline", json.toString(),
                gateRun(dir, "short", 50, "quadratic", true, 0, 1, 2).toString()),
                "not comparable with the baseline: t / adam(lr=0.001): baseline 200 steps, candidate 50");
        assertRefused(exec("ci", "check", "--baseline", json.toString(),
                gateRun(dir, "mlp", 200, "mlp", true, 0, 1, 2).toString()), "task t is defined differently");
        // 7: a baseline with no entries checks nothing
        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "{\"schemaVersion\": 1, \"entries\": []}\n");
        assertRefused(exec("ci", "check", "--baseline", empty.toString(), base.toString()), "has no entries");
        // 8: no baseline from an unfinished run unless asked for
        Path partial = dir.resolve("partial.json");
        assertRefused(exec("ci", "baseline", dir.resolve("unfinished").toString(), "--out", partial.toString()),
                "did not finish");
        assertTrue(!Files.exists(partial));
        assertEquals(0, exec("ci", "baseline", dir.resolve("unfinished").toString(), "--out", partial.toString(),
                "--allow-partial").code());
    }

    @Test
    void theCommittedBaselineWithoutStepsStillReads() {
        Path committed = Path.of("..", "ci", "baselines", "smoke.json");
        dev.lobench.ci.Baseline b = dev.lobench.ci.Baseline.read(committed);
        assertTrue(!b.entries().isEmpty());
    }

    // ---- 14: names printed into Markdown are escaped -----------------------------------------------------------------

    @Test
    void namesInMarkdownAreEscaped(@TempDir Path dir) throws Exception {
        Path d = dir.resolve("run");
        Files.createDirectories(d);
        String evil = "t|<img src=x onerror=alert(1)>";
        try (dev.lobench.results.ResultWriter w = dev.lobench.results.ResultWriter.create(d.resolve("results.jsonl"),
                GateCommandsTest.header())) {
            w.writeCell(GateCommandsTest.cell(evil, "adam(lr=0.001)", Outcome.completed, 1f));
            w.writeCell(GateCommandsTest.cell(evil, "sgdm(lr=0.05)", Outcome.completed, 2f));
            w.writeEnd("2026-01-01T00:00:01Z");
        }
        Path json = dir.resolve("b.json");
        assertEquals(0, exec("ci", "baseline", d.toString(), "--out", json.toString()).code());
        GateCommandsTest.Out gate = exec("ci", "check", "--baseline", json.toString(), d.toString());
        assertEquals(0, gate.code(), gate.err());
        GateCommandsTest.Out cmp = exec("compare", "adam", "sgdm", "--results", d.toString());
        assertEquals(0, cmp.code(), cmp.err());
        GateCommandsTest.Out rep = exec("report", d.toString());
        for (String md : java.util.List.of(gate.out(), cmp.out(), rep.out())) {
            assertTrue(!md.contains("<img") && md.contains("t\\|&lt;img src=x onerror=alert(1)&gt;"), md);
        }
    }

    // ---- 10: a failed data verification fails and the bad location is not used --------------------------------------

    @Test
    void dataVerifyFailsOnABadChecksumAndDoesNotSelectIt(@TempDir Path dir) throws Exception {
        for (String f : dev.lobench.tasks.data.FashionMnist.FILES) {
            Files.writeString(dir.resolve(f), "not the dataset");
        }
        GateCommandsTest.Out r = exec("data", "--data-dir", dir.toString(), "--verify");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("BAD_CHECKSUM"), r.out());
        assertTrue(!r.out().contains("-> " + dir), r.out());
    }

    // ---- 11: merge warns on a half-written last line ---------------------------------------------------------------

    @Test
    void mergeWarnsOnAHalfWrittenLastLine(@TempDir Path dir) throws Exception {
        Path run = GateCommandsTest.run(dir, "run", 1f, Outcome.completed);
        Path results = run.resolve("results.jsonl");
        killAfter(results, 2);
        GateCommandsTest.Out r = exec("merge", run.toString(), "--out", dir.resolve("m").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("lobench: warning: ") && r.err().contains("skipped a partial last line"), r.err());
        assertTrue(r.out().contains("merged 2 cells"), r.out());
    }

    // ---- 13: every message says why ----------------------------------------------------------------------------------

    @Test
    void messagesSayWhy(@TempDir Path dir) throws Exception {
        String out = dir.resolve("o").toString();
        assertRefused(exec("run", "--task", "quadratic-d100-k100", "--optimizer", "star:weights=/nonexistent",
                "--steps", "3", "--out", out), "/nonexistent: no such file");
        Path bin = dir.resolve("spec.yaml");
        Files.write(bin, new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xff, (byte) 0xfe, (byte) 0xc3, '\n'});
        assertRefused(exec("run", "--task-spec", bin.toString(), "--out", out), "not a UTF-8 text file");
        assertRefused(exec("run", "--task", "quadratic-d100-k100", "--optimizer", "adam:lr=1e400", "--steps", "3",
                "--out", out), "overflows to infinity");
        assertRefused(exec("run", "--task", "fmnist8-mlp23", "--out", out), "did you mean 'fmnist8-mlp32'?");
        Path run = GateCommandsTest.run(dir, "run", 1f, Outcome.completed);
        assertRefused(exec("compare", "adma", "sgdm", "--results", run.toString()), "did you mean 'adam'?");
        String help = Main.commandLine().getSubcommands().get("run").getUsageMessage();
        assertTrue(!help.contains("';'"), help);
    }
}
