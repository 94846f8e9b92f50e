package dev.lobench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {

    /** Runs the CLI in-process; returns exit code, stdout and stderr. */
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        StringWriter pout = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(pout, true));
        PrintStream oldOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = cl.execute(args);
        } finally {
            System.setOut(oldOut);
        }
        return new Result(code, pout + out.toString(StandardCharsets.UTF_8), err.toString());
    }

    static void assertOneLineError(Result r, String fragment) {
        assertEquals(2, r.code(), "exit code; stderr: " + r.err());
        String[] lines = r.err().strip().split("\\R");
        assertTrue(lines[0].startsWith("lobench: "), r.err());
        assertTrue(lines[0].contains(fragment), "expected '" + fragment + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void unknownTaskSuggestsClosestAndExits2() {
        Result r = run("run", "--task", "fmnist-mlp128", "--optimizer", "adam");
        assertOneLineError(r, "unknown task 'fmnist-mlp128'; did you mean 'fmnist-mlp128x128'?");
    }

    @Test
    void unknownOptimizerExits2() {
        Result r = run("run", "--task", "quadratic-d100-k100", "--optimizer", "adma", "--steps", "5");
        assertOneLineError(r, "unknown optimizer 'adma'");
    }

    @Test
    void badValuesExit2() {
        assertOneLineError(run("run", "--task", "quadratic-d100-k100", "--steps", "0"), "--steps must be >= 1");
        assertOneLineError(run("run", "--task", "quadratic-d100-k100", "--steps", "ten"), "--steps");
        assertOneLineError(run("run", "--task", "quadratic-d100-k100", "--optimizer", "adam:lr=-1", "--steps", "3"),
                "lr");
        assertOneLineError(run("run"), "give --suite NAME, --task NAME[,NAME...] or --task-spec FILE");
        assertOneLineError(run("run", "--suite", "smok"), "unknown suite 'smok'; did you mean 'smoke'?");
        assertOneLineError(run("frobnicate"), "Unmatched argument");
        assertOneLineError(run("list", "widgets"), "unknown list target 'widgets'");
    }

    @Test
    void shardsMergeIntoTheUnshardedRun(@TempDir Path dir) throws Exception {
        String[] common = {"run", "--task", "quadratic-d100-k100", "--optimizer", "adam:lr=0.05,sgdm", "--seeds", "2",
                "--steps", "30"};
        Result all = run(concat(common, "--out", dir.resolve("all").toString()));
        assertEquals(0, all.code(), all.err());
        Result s1 = run(concat(common, "--shard", "1/3", "--out", dir.resolve("s1").toString()));
        assertEquals(0, s1.code(), s1.err());
        assertEquals(0, run(concat(common, "--shard", "2/3", "--out", dir.resolve("s2").toString())).code());
        assertEquals(0, run(concat(common, "--shard", "3/3", "--out", dir.resolve("s3").toString())).code());
        assertEquals(0, run("merge", dir.resolve("s1").toString(), dir.resolve("s2").toString(),
                dir.resolve("s3").toString(), "--out", dir.resolve("merged").toString()).code());
        java.util.Map<String, String> a = curves(dir.resolve("all/results.jsonl"));
        java.util.Map<String, String> b = curves(dir.resolve("merged/results.jsonl"));
        assertEquals(4, a.size());
        assertEquals(a, b);
        assertOneLineError(run(concat(common, "--shard", "4/3")), "--shard must be i/n with 1 <= i <= n");
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** cellKey -> the loss curve text, for every cell of a results file. */
    private static java.util.Map<String, String> curves(Path file) throws Exception {
        java.util.Map<String, String> m = new java.util.TreeMap<>();
        com.fasterxml.jackson.databind.ObjectMapper om = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String line : Files.readAllLines(file)) {
            com.fasterxml.jackson.databind.JsonNode n = om.readTree(line);
            if (n.path("type").asText().equals("cell")) {
                m.put(n.path("cellKey").asText(), n.path("trainLoss").toString() + n.path("evals").toString());
            }
        }
        return m;
    }

    @Test
    void reportOnMissingOrCorruptResultsExits2(@TempDir Path dir) throws Exception {
        assertOneLineError(run("report", dir.resolve("nope").toString()), "no such results file");
        Path good = dir.resolve("good");
        assertEquals(0, run("run", "--task", "quadratic-d100-k100", "--steps", "5", "--out", good.toString()).code());
        String header = Files.readAllLines(good.resolve("results.jsonl")).get(0);
        Path bad = dir.resolve("results.jsonl");
        Files.writeString(bad, header + "\n{not json}\n{\"type\":\"end\"}\n");
        Result r = run("report", bad.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("results.jsonl:2"), r.err());
    }

    @Test
    void versionAndHelp() {
        assertEquals(0, run("--version").code());
        String version = new Main.Version().getVersion()[0];
        assertTrue(version.matches("lobench \\S+ \\(commit \\S+\\)"), version);
        for (String sub : List.of("run", "report", "list", "data", "conformance", "lopt")) {
            assertEquals(0, run(sub, "--help").code(), sub);
            String usage = Main.commandLine().getSubcommands().get(sub).getUsageMessage();
            assertTrue(usage.contains("Usage: lobench " + sub), sub + ": " + usage);
        }
    }

    @Test
    void theSameCellNamedTwiceRunsOnce(@TempDir Path dir) throws Exception {
        // adam's default lr is 0.001, and adam-tuned:lrs=2,min=1e-3,max=1e-2 contains it again
        Path out = dir.resolve("dup");
        Result r = run("run", "--task", "quadratic-d100-k100", "--optimizer", "adam,adam-tuned:lrs=2,min=1e-3,max=1e-2",
                "--seeds", "1", "--steps", "20", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
        // header + adam(lr=0.001) once + adam(lr=0.01) + end
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertEquals(1, lines.stream().filter(l -> l.contains("\"optimizer\":\"adam(lr=0.001)\"")).count());
        assertTrue(lines.get(3).contains("\"cells\":2"), lines.get(3));
    }

    @Test
    void runWritesResultsThatReportReads(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Result r = run("run", "--task", "quadratic-d100-k100", "--optimizer", "adam:lr=0.05,sgdm", "--seeds", "2",
                "--steps", "60", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Path results = out.resolve("results.jsonl");
        List<String> lines = Files.readAllLines(results);
        // header + 2 optimizers x 2 seeds + end
        assertEquals(6, lines.size());
        assertTrue(lines.get(0).contains("\"type\":\"header\""));
        assertTrue(lines.get(5).contains("\"type\":\"end\""));
        assertTrue(r.out().contains("adam(lr=0.05)"), r.out());
        assertTrue(r.out().contains("sgdm(lr=0.05)"), r.out());
        Result rep = run("report", out.toString(), "--format", "csv");
        assertEquals(0, rep.code(), rep.err());
        assertTrue(rep.out().contains("quadratic-d100-k100"), rep.out());
        // the same output directory is not silently overwritten
        Result again = run("run", "--task", "quadratic-d100-k100", "--steps", "5", "--out", out.toString());
        assertOneLineError(again, "results already exist");
        assertEquals(lines, Files.readAllLines(results));
        // nor when its record is compressed (as committed): a second results file beside it would be read with it
        Path gz = out.resolve("results.jsonl.gz");
        try (var o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(results, o);
        }
        Files.delete(results);
        assertOneLineError(run("run", "--task", "quadratic-d100-k100", "--steps", "5", "--out", out.toString()),
                "results already exist in " + out + " (results.jsonl.gz");
        assertOneLineError(run("run", "--task", "quadratic-d100-k100", "--steps", "5", "--resume", out.toString()),
                "a compressed record, which cannot be resumed");
        assertTrue(!Files.exists(results), "nothing written beside the compressed record");
    }

    @Test
    void overheadNeverWritesBesideAnEarlierRecord(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path out = Files.createDirectories(dir.resolve("oh"));
        Path gz = out.resolve("overhead.jsonl.gz");
        Files.write(gz, new byte[] {0x1f, (byte) 0x8b, 8, 0});
        assertOneLineError(run("overhead", "--tasks", "synthetic-10k", "--optimizers", "adam", "--quick", "--out",
                out.toString()), "overhead results already exist in " + out + " (overhead.jsonl.gz");
        try (var files = Files.list(out)) {
            assertEquals(1, files.count(), "nothing written");
        }
        Path file = Files.writeString(dir.resolve("plain"), "x");
        assertOneLineError(run("overhead", "--tasks", "synthetic-10k", "--optimizers", "adam", "--quick", "--out",
                file.toString()), "is an existing file");
        assertEquals("x", Files.readString(file));
    }

    @Test
    void overheadBadInputIsOneLineExit2() {
        assertOneLineError(run("overhead", "--device", "tpu"), "--device must be cpu or gpu");
        assertOneLineError(run("overhead", "--device", "gpu", "--tasks", "synthetic-10k", "--out",
                System.getProperty("java.io.tmpdir") + "/lobench-oh-gpu-test"), "CUDA");
        assertOneLineError(run("overhead", "--optimizers", "nosuch", "--tasks", "synthetic-10k", "--out",
                System.getProperty("java.io.tmpdir") + "/lobench-oh-bad-test"), "unknown optimizer");
        assertOneLineError(run("report", "nonexistent-dir", "--matched", "time"), "--matched");
    }

    /** A safetensors file (F32) with the published VeLO names and shapes, written by hand as an exporter would. */
    static void writePublishedVelo(Path file, int h, int k) throws Exception {
        java.util.Map<String, long[]> shapes = dev.lobench.optimizers.learned.VeloImport.publishedShapes(h, k);
        StringBuilder header = new StringBuilder("{");
        long off = 0;
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        java.util.Random r = new java.util.Random(3);
        for (java.util.Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) (4 * n)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (long q = 0; q < n; q++) {
                b.putFloat((float) (0.1 * r.nextGaussian()));
            }
            data.write(b.array());
            if (header.length() > 1) {
                header.append(',');
            }
            header.append('"').append(e.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":")
                    .append(java.util.Arrays.toString(e.getValue()).replace(" ", "")).append(",\"data_offsets\":[")
                    .append(off).append(',').append(off + 4 * n).append("]}");
            off += 4 * n;
        }
        header.append('}');
        byte[] hb = header.toString().getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer len = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        len.putLong(hb.length);
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        all.write(len.array());
        all.write(hb);
        all.write(data.toByteArray());
        Files.write(file, all.toByteArray());
    }

    @Test
    void loptImportVeloConvertsPublishedNamesAndInfoReadsTheResult(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("velo-published.safetensors");
        writePublishedVelo(in, 4, 3);
        Path out = dir.resolve("mine.safetensors");
        Result r = run("lopt", "import", "velo", in.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("lstm 4, bank 3"), r.out());
        Result info = run("lopt", "info", out.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("arch:            velo-style (lstm 4, bank 3)"), info.out());
        assertTrue(info.out().contains("source_sha256"), info.out());
        // a missing file is named as a missing file, a name that ships nothing lists what ships
        assertOneLineError(run("lopt", "info", dir.resolve("gone.safetensors").toString()),
                "no such weights file: " + dir.resolve("gone.safetensors"));
        assertOneLineError(run("lopt", "info", "nope"), "no shipped learned optimizer weights named 'nope'");
        // bad input: unknown kind, missing file, a file that is not VeLO weights; nothing is written
        assertOneLineError(run("lopt", "import", "velo2", in.toString()), "unknown kind 'velo2'");
        assertOneLineError(run("lopt", "import", "velo", dir.resolve("nope.safetensors").toString()), "no such file");
        Path junk = dir.resolve("junk.safetensors");
        Files.write(junk, new byte[] {1, 2, 3});
        Path out2 = dir.resolve("out2.safetensors");
        assertOneLineError(run("lopt", "import", "velo", junk.toString(), "--out", out2.toString()), "junk.safetensors");
        assertFalse(Files.exists(out2));
    }

    @Test
    void metaReportReadsLogsAndRejectsBadInput(@TempDir Path dir) throws Exception {
        Path d = dir.resolve("star");
        Files.createDirectories(d);
        Path log = d.resolve("star.safetensors.jsonl");
        Files.writeString(log, "{\"outer_step\":1,\"meta_loss\":2.0,\"grad_norm\":1,\"nan_count\":0,\"wall_s\":1,"
                + "\"inner_steps\":10}\n{\"outer_step\":2,\"meta_loss\":1.0,\"grad_norm\":1,\"nan_count\":0,"
                + "\"wall_s\":2,\"inner_steps\":20}\n");
        Path html = dir.resolve("m.html");
        Path svg = dir.resolve("svg");
        Result r = run("meta-report", log.toString(), "--window", "1", "--html", html.toString(), "--svg",
                svg.toString(), "--png", dir.resolve("png").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| star | 2 | 20 |"), r.out());
        assertTrue(Files.readString(html).contains("<svg"));
        assertTrue(Files.exists(dir.resolve("png/meta-loss.png")));
        try (var files = Files.list(svg)) {
            assertEquals(List.of("meta-loss.svg"), files.map(f -> f.getFileName().toString()).toList());
        }
        // well-formed XML, the one log's curve as one line
        assertEquals(1, javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(svg.resolve("meta-loss.svg").toFile()).getElementsByTagName("polyline").getLength());
        assertOneLineError(run("meta-report", dir.resolve("none.jsonl").toString()), "no such meta-training log");
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"type\":\"header\"}\n");
        assertOneLineError(run("meta-report", bad.toString()), "outerStep");
        assertOneLineError(run("meta-report", log.toString(), "--window", "0"), "--window");
    }

    @Test
    void metaReportEvalPrintsHeldOutCurvesAndRejectsBadInput(@TempDir Path dir) throws Exception {
        // two meta-seeds of arm "arm", outer step 100, three 2-step evaluation cells each (final train loss = the
        // last loss): meta-seed 0 has 1, 2, 3 (median 2), meta-seed 1 has 2, 3, 4 (median 3)
        Path eval = dir.resolve("eval");
        for (int s = 0; s < 2; s++) {
            Path run = Files.createDirectories(eval.resolve("arm-s" + s).resolve("outer100"));
            StringBuilder sb = new StringBuilder("{\"type\":\"header\",\"schemaVersion\":1,\"runId\":\"r\","
                    + "\"threads\":1}\n");
            for (int e = 0; e < 3; e++) {
                sb.append("{\"type\":\"cell\",\"schemaVersion\":1,\"cellKey\":\"k").append(e)
                        .append("\",\"task\":\"T\",\"optimizer\":\"star\",\"seed\":").append(e)
                        .append(",\"steps\":2,\"numParams\":1,\"inMetaTrainingSet\":false,\"initialLoss\":9.0,"
                                + "\"outcome\":\"completed\",\"trainLoss\":[9.0,").append(1 + s + e)
                        .append("]}\n");
            }
            Files.writeString(run.resolve("results.jsonl"), sb.append("{\"type\":\"end\",\"cells\":3}\n"));
        }
        Files.createDirectories(eval.resolve("misc"));
        Path html = dir.resolve("c2.html");
        Result r = run("meta-report", "--eval", eval.toString(), "--html", html.toString(), "--svg",
                dir.resolve("svg").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("svg", javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(dir.resolve("svg/held-out.svg").toFile()).getDocumentElement().getTagName());
        assertTrue(r.out().contains("| 100 | 2.5 [2, 3] (n=2) |"), r.out());
        assertTrue(Files.readString(html).contains("<svg") && Files.readString(html).contains("Held-out"));
        assertOneLineError(run("meta-report"), "give meta-training logs");
        assertOneLineError(run("meta-report", "--eval", dir.resolve("none").toString()), "no such directory");
        assertOneLineError(run("meta-report", "--eval", eval.resolve("misc").toString()), "no ARM-sS/outerN");
        assertOneLineError(run("meta-report", "--eval-reference", eval.toString()), "--eval-reference needs --eval");
    }

    /** Every command's and subcommand's help renders without picocli format warnings (e.g. an unescaped '%'). */
    @Test
    void everyHelpRendersWithoutWarnings() {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int commands = 0;
        try {
            java.util.ArrayDeque<CommandLine> todo = new java.util.ArrayDeque<>(List.of(Main.commandLine()));
            while (!todo.isEmpty()) {
                CommandLine c = todo.pop();
                String usage = c.getUsageMessage();
                assertFalse(usage.isBlank(), c.getCommandName());
                commands++;
                todo.addAll(c.getSubcommands().values());
            }
        } finally {
            System.setErr(oldErr);
        }
        assertTrue(commands >= 15, "commands seen: " + commands);
        assertFalse(err.toString(StandardCharsets.UTF_8).contains("WARN"), err.toString(StandardCharsets.UTF_8));
    }
}
