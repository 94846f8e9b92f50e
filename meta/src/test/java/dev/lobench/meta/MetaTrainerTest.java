package dev.lobench.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

class MetaTrainerTest {
    static final BatchedMlpProblem MLP = BatchedMlpProblemTest.problem(48, 5, 3, new int[] {4}, 8, 9);
    static final LogLrSgdArch ARCH = new LogLrSgdArch(-2f, 0.9f);

    @TempDir
    Path dir;

    static MetaTrainer.Builder config(Estimator.Kind kind, Path out, int steps) {
        // horizon 7 is not a multiple of trunc 3: short last unrolls and restarts within 6 outer steps
        return MetaTrainer.builder(ARCH, MLP, out).estimator(kind).particles(2).trunc(3).horizon(7).outerSteps(steps)
                .sigma(0.01).metaLr(0.05).metaWd(0.1).seed(123).checkpointEvery(3);
    }

    static final class Sink implements ThetaSink {
        float[] theta;
        Path out;

        @Override
        public void write(MetaArch arch, float[] t, Path o) {
            theta = t;
            out = o;
        }
    }

    static List<JsonNode> log(Path out) throws IOException {
        ObjectMapper om = new ObjectMapper();
        List<JsonNode> l = new ArrayList<>();
        for (String s : Files.readAllLines(out.resolveSibling(out.getFileName() + ".jsonl"))) {
            l.add(om.readTree(s));
        }
        return l;
    }

    @ParameterizedTest
    @EnumSource(Estimator.Kind.class)
    void resumeIsBitIdentical(Estimator.Kind kind) throws IOException {
        Path a = dir.resolve("a/theta.bin");
        Sink sa = new Sink();
        MetaTrainer.run(config(kind, a, 6).build(), sa, null);

        Path b = dir.resolve("b/theta.bin");
        Sink sb = new Sink();
        MetaTrainer.run(config(kind, b, 3).build(), sb, null);
        // a writer killed mid-checkpoint leaves a temp file behind; resume must ignore it
        Path stale = b.resolveSibling(".theta.bin.ckpt.tmp-1-2");
        Files.write(stale, new byte[] {1, 2, 3});
        MetaTrainer.Result rb = MetaTrainer.run(config(kind, b, 6).resume(true).build(), sb, null);

        assertNotEquals(ARCH.initTheta(0)[0], sa.theta[0], "theta moved");
        assertEquals(Float.floatToRawIntBits(sa.theta[0]), Float.floatToRawIntBits(sb.theta[0]),
                kind + ": " + sa.theta[0] + " vs " + sb.theta[0]);
        assertArrayEquals(sa.theta, rb.theta());
        assertEquals(b, sb.out);
        assertFalse(Files.exists(stale), "stale temp file removed by the next checkpoint");

        List<JsonNode> la = log(a);
        List<JsonNode> lb = log(b);
        assertEquals(6, la.size());
        assertEquals(6, lb.size());
        for (int i = 0; i < 6; i++) {
            assertEquals(i + 1, lb.get(i).get("outerStep").asInt());
            assertEquals(la.get(i).get("metaLoss"), lb.get(i).get("metaLoss"));
            assertEquals(la.get(i).get("gradNorm"), lb.get(i).get("gradNorm"));
            assertEquals(la.get(i).get("innerSteps"), lb.get(i).get("innerSteps"));
            assertTrue(lb.get(i).has("nanCount") && lb.get(i).has("wallSeconds"));
        }
        assertTrue(la.get(5).get("innerSteps").asLong() > la.get(0).get("innerSteps").asLong());
    }

    @Test
    void progressLineOnlyWhenStderrIsATerminal() {
        // the launcher's -Dlobench.stderrTty decides; a redirected stderr (log file) gets no redraw frames even when
        // stdin/stdout are a terminal
        assertFalse(MetaTrainer.progressOnTerminal("false", true, null));
        assertTrue(MetaTrainer.progressOnTerminal("true", false, null));
        assertFalse(MetaTrainer.progressOnTerminal("true", true, "0"));
        // without the launcher's property: the JVM's console test
        assertTrue(MetaTrainer.progressOnTerminal(null, true, null));
        assertFalse(MetaTrainer.progressOnTerminal(null, false, "1"));
    }

    @Test
    void lightCheckpointResumeContinuesThetaAdamAndRngWithFreshInnerRuns() throws IOException {
        Path a = dir.resolve("a/theta.bin");
        Sink sa = new Sink();
        MetaTrainer.run(config(Estimator.Kind.PES, a, 3).build(), sa, null);
        MetaTrainer.Config c3 = config(Estimator.Kind.PES, a, 3).build();
        assertTrue(Files.exists(c3.lightCheckpointPath()));
        assertTrue(Files.size(c3.lightCheckpointPath()) < Files.size(c3.checkpointPath()), "the light one is smaller");
        // the checkpoint theta equals the theta the run ended with
        assertArrayEquals(sa.theta, CheckpointFile.read(c3.lightCheckpointPath()).f32("theta"));
        Files.delete(c3.checkpointPath());
        MetaTrainer.Result r = MetaTrainer.run(config(Estimator.Kind.PES, a, 6).resume(true).build(), sa, null);
        assertEquals(6, r.outerSteps());
        List<JsonNode> l = log(a);
        assertEquals(6, l.size());
        assertTrue(l.get(3).path("innerRunsRestarted").asBoolean(), "step 4 is marked: " + l.get(3));
        assertFalse(l.get(4).has("innerRunsRestarted"));
        // starting over on top of a light checkpoint is refused, as for the full one
        assertThrows(UserError.class, () -> MetaTrainer.run(config(Estimator.Kind.PES, a, 6).build(), new Sink(), null));
        // a light checkpoint of other settings is refused
        assertThrows(UserError.class, () -> MetaTrainer.run(config(Estimator.Kind.PES, a, 9).sigma(0.02).resume(true)
                .build(), new Sink(), null));
    }

    @Test
    void snapshotsEveryKOuterSteps() throws IOException {
        Path a = dir.resolve("s/theta.safetensors");
        Sink sa = new Sink();
        List<Path> written = new ArrayList<>();
        ThetaSink rec = (arch, t, o) -> written.add(o);
        MetaTrainer.run(config(Estimator.Kind.TES, a, 5).snapshotEvery(2).build(), rec, null);
        MetaTrainer.Config c = config(Estimator.Kind.TES, a, 5).snapshotEvery(2).build();
        assertEquals(List.of(c.snapshotPath(2), c.snapshotPath(4), a), written);
        assertEquals("theta-outer000004.safetensors", c.snapshotPath(4).getFileName().toString());
    }

    @Test
    void resumeDropsLogLinesBeyondTheCheckpoint() throws IOException {
        Path out = dir.resolve("theta.bin");
        Sink s = new Sink();
        MetaTrainer.run(config(Estimator.Kind.TES, out, 4).checkpointEvery(3).build(), s, null);
        // checkpoints after steps 3 and 4 (the end); simulate a kill after step 4's log line but before its checkpoint
        Path ckpt = out.resolveSibling("theta.bin.ckpt");
        Path b = dir.resolve("other/theta.bin");
        MetaTrainer.run(config(Estimator.Kind.TES, b, 3).build(), s, null);
        Files.copy(b.resolveSibling("theta.bin.ckpt"), ckpt, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(4, log(out).size());
        MetaTrainer.run(config(Estimator.Kind.TES, out, 5).resume(true).build(), s, null);
        List<JsonNode> l = log(out);
        assertEquals(5, l.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(i + 1, l.get(i).get("outerStep").asInt());
        }
    }

    /** The keys of a log line as lobench wrote them before issue 15 (camelCase key -> snake_case key). */
    private static final Map<String, String> SNAKE_CASE = Map.of("outerStep", "outer_step", "metaLoss", "meta_loss",
            "gradNorm", "grad_norm", "nanCount", "nan_count", "dropped", "dropped", "innerRunsRestarted",
            "inner_runs_restarted", "wallSeconds", "wall_s", "innerSteps", "inner_steps");

    /** The line with the same values in the same order under the snake_case keys of a log of an older lobench. */
    private static String toSnakeCase(JsonNode camelCase) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        camelCase.fields().forEachRemaining(e -> {
            assertTrue(SNAKE_CASE.containsKey(e.getKey()), "a camelCase key: " + e.getKey());
            o.set(SNAKE_CASE.get(e.getKey()), e.getValue());
        });
        return o.toString();
    }

    /**
     * A run begun by a lobench that wrote snake_case logs (its checkpoint keys are unchanged) resumes from its full or
     * its light checkpoint; the log keeps its lines byte for byte and continues in snake_case, so the file does not mix
     * conventions, and the provenance summary reads it as it reads the same log in camelCase.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aSnakeCaseLogOfAnOlderLobenchResumesInItsOwnConvention(boolean lightOnly) throws IOException {
        Path a = dir.resolve("a/theta.bin");
        Sink sa = new Sink();
        MetaTrainer.run(config(Estimator.Kind.PES, a, 6).build(), sa, null);
        List<JsonNode> uninterrupted = log(a);
        Path b = dir.resolve("b/theta.bin");
        MetaTrainer.run(config(Estimator.Kind.PES, b, 3).build(), new Sink(), null);
        MetaTrainer.Config c = config(Estimator.Kind.PES, b, 6).resume(true).build();
        List<String> old = new ArrayList<>();
        for (JsonNode n : log(b)) {
            old.add(toSnakeCase(n));
        }
        // plus a line of step 4 that a killed run wrote after the checkpoint of step 3: dropped on resume
        List<String> file = new ArrayList<>(old);
        file.add(toSnakeCase(uninterrupted.get(3)));
        Files.write(c.logPath(), file);
        if (lightOnly) {
            Files.delete(c.checkpointPath());
        }
        for (Path ck : lightOnly ? List.of(c.lightCheckpointPath()) : List.of(c.checkpointPath(), c.lightCheckpointPath())) {
            JsonNode meta = CheckpointFile.read(ck).meta();
            assertTrue(meta.has("outer_step") && meta.has("wall_s") && meta.has("inner_steps"),
                    "checkpoint internals keep the keys older lobench versions read: " + meta);
        }

        Sink s = new Sink();
        MetaTrainer.Result r = MetaTrainer.run(c, s, null);
        assertEquals(6, r.outerSteps());
        List<String> lines = Files.readAllLines(c.logPath());
        assertEquals(6, lines.size(), String.join("\n", lines));
        assertEquals(old, lines.subList(0, 3), "the kept lines are unchanged, byte for byte");
        ObjectMapper om = new ObjectMapper();
        for (int i = 3; i < 6; i++) {
            JsonNode n = om.readTree(lines.get(i));
            n.fieldNames().forEachRemaining(k -> assertTrue(SNAKE_CASE.containsValue(k), "a snake_case key: " + k));
            assertEquals(i + 1, n.get("outer_step").asInt());
            for (String k : List.of("meta_loss", "grad_norm", "nan_count", "dropped", "wall_s", "inner_steps")) {
                assertTrue(n.has(k), k + " in " + n);
            }
            if (lightOnly) {
                assertEquals(i == 3, n.has("inner_runs_restarted"), "step 4 is marked: " + n);
            } else {
                // the full checkpoint resumes bit for bit: the values of the uninterrupted run, under the old keys
                assertEquals(toSnakeCase(((ObjectNode) uninterrupted.get(i)).without("wallSeconds")),
                        ((ObjectNode) n).without("wall_s").toString());
            }
        }
        if (!lightOnly) {
            assertArrayEquals(sa.theta, s.theta);
        }

        // the provenance summary reads the snake_case log as the same log in camelCase
        Path camel = dir.resolve("camel.jsonl");
        List<String> asCamel = new ArrayList<>();
        for (String l : lines) {
            ObjectNode o = om.createObjectNode();
            om.readTree(l).fields().forEachRemaining(e -> SNAKE_CASE.forEach((ck, sk) -> {
                if (sk.equals(e.getKey())) {
                    o.set(ck, e.getValue());
                }
            }));
            asCamel.add(o.toString());
        }
        Files.write(camel, asCamel);
        SafetensorsThetaSink.LogSummary snakeSummary = SafetensorsThetaSink.readLog(c.logPath());
        assertEquals(6, snakeSummary.outerSteps());
        assertEquals(om.readTree(lines.get(5)).get("inner_steps").asLong(), snakeSummary.innerSteps());
        assertEquals(SafetensorsThetaSink.readLog(camel), snakeSummary);
    }

    @Test
    void badResumesAreUserErrors() throws IOException {
        Path out = dir.resolve("theta.bin");
        Sink s = new Sink();
        UserError none = assertThrows(UserError.class,
                () -> MetaTrainer.run(config(Estimator.Kind.PES, out, 2).resume(true).build(), s, null));
        assertTrue(none.getMessage().contains("no checkpoint"), none.getMessage());
        MetaTrainer.run(config(Estimator.Kind.PES, out, 1).build(), s, null);
        UserError exists = assertThrows(UserError.class,
                () -> MetaTrainer.run(config(Estimator.Kind.PES, out, 2).build(), s, null));
        assertTrue(exists.getMessage().contains("--resume"), exists.getMessage());
        UserError mismatch = assertThrows(UserError.class,
                () -> MetaTrainer.run(config(Estimator.Kind.PES, out, 2).particles(3).resume(true).build(), s, null));
        assertTrue(mismatch.getMessage().contains("particles"), mismatch.getMessage());
        // a damaged checkpoint (here: truncated by something other than our atomic writer) is reported, not loaded
        Path ckpt = out.resolveSibling("theta.bin.ckpt");
        byte[] bytes = Files.readAllBytes(ckpt);
        Files.write(ckpt, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        UserError corrupt = assertThrows(UserError.class,
                () -> MetaTrainer.run(config(Estimator.Kind.PES, out, 2).resume(true).build(), s, null));
        assertTrue(corrupt.getMessage().contains("corrupt"), corrupt.getMessage());
    }

    @Test
    void aFreshStartNeverReplacesAnEarlierRunsWeightsOrLog() throws IOException {
        Path out = dir.resolve("fresh/theta.safetensors");
        MetaTrainer.run(config(Estimator.Kind.PES, out, 1).build(), new Sink(), null);
        Path log = out.resolveSibling("theta.safetensors.jsonl");
        // the checkpoints are gone (not committed), the log stays: nothing to resume, and nothing may be truncated
        Files.delete(out.resolveSibling("theta.safetensors.ckpt"));
        Files.deleteIfExists(out.resolveSibling("theta.safetensors.light.ckpt"));
        byte[] before = Files.readAllBytes(log);
        UserError e = assertThrows(UserError.class,
                () -> MetaTrainer.run(config(Estimator.Kind.PES, out, 1).build(), new Sink(), null));
        assertTrue(e.getMessage().contains("an earlier run's outputs exist (" + log + ")"), e.getMessage());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(log)));
        // a weights file alone (e.g. shipped weights given as --out) is refused too, and left as it was
        Path w = Files.createDirectories(dir.resolve("w")).resolve("star.safetensors");
        Files.write(w, new byte[] {1, 2, 3});
        UserError we = assertThrows(UserError.class,
                () -> MetaTrainer.run(config(Estimator.Kind.PES, w, 1).build(), new Sink(), null));
        assertTrue(we.getMessage().contains("(" + w + ")"), we.getMessage());
        assertTrue(java.util.Arrays.equals(new byte[] {1, 2, 3}, Files.readAllBytes(w)));
        assertTrue(!Files.exists(w.resolveSibling("star.safetensors.jsonl")));
    }

    @Test
    void invalidConfigIsAUserError() {
        Path out = dir.resolve("t.bin");
        assertThrows(UserError.class, () -> config(Estimator.Kind.PES, out, 1).particles(0).build());
        assertThrows(UserError.class, () -> config(Estimator.Kind.PES, out, 1).sigma(-1).build());
        assertThrows(UserError.class, () -> config(Estimator.Kind.PES, out, 1).signOnly(true).build());
        assertThrows(UserError.class, () -> Estimator.Kind.parse("xes"));
        assertEquals(Estimator.Kind.TES, Estimator.Kind.parse("tes"));
    }

    static Stream<Estimator.Kind> kinds() {
        return Stream.of(Estimator.Kind.values());
    }
}
