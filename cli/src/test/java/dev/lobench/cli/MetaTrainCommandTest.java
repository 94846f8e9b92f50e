package dev.lobench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Argument validation of {@code lobench meta-train}: exit code 2 and a one-line message, before any data is read. */
class MetaTrainCommandTest {

    @TempDir
    Path dir;

    record Outcome(int code, String err) {}

    private Outcome run(String... extra) {
        List<String> args = new ArrayList<>(List.of("meta-train"));
        args.addAll(List.of(extra));
        PrintStream saved = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = Main.execute(args.toArray(String[]::new));
            return new Outcome(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    /** A valid command line, with {@code overrides} (option, value pairs or lone flags) replacing or added. */
    private String[] valid(String... overrides) {
        java.util.LinkedHashMap<String, String> opts = new java.util.LinkedHashMap<>();
        opts.put("--arch", "star");
        opts.put("--task", "fmnist8-mlp32");
        opts.put("--outer-steps", "3");
        opts.put("--out", dir.resolve("w.safetensors").toString());
        opts.put("--no-fetch", null);
        for (int i = 0; i < overrides.length; i++) {
            boolean flag = i + 1 == overrides.length || overrides[i + 1].startsWith("--");
            opts.put(overrides[i], flag ? null : overrides[++i]);
        }
        List<String> a = new ArrayList<>();
        opts.forEach((k, v) -> {
            a.add(k);
            if (v != null) {
                a.add(v);
            }
        });
        return a.toArray(String[]::new);
    }

    private void assertUsageError(Outcome o, String fragment) {
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains(fragment), "message should mention '" + fragment + "': " + o.err());
        String first = o.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("lobench: "), o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
    }

    private void assertOneLine(Outcome o) {
        assertEquals(1, o.err().lines().count(), "exactly one line: " + o.err());
    }

    @Test
    void unknownArchListsTheValidOnes() {
        Outcome o = run(valid("--arch", "velo"));
        assertUsageError(o, "valid: star, small-fc, velo-style");
        assertOneLine(o);
    }

    @Test
    void unknownEstimator() {
        Outcome o = run(valid("--estimator", "sgd"));
        assertUsageError(o, "use pes, tes or fes");
        assertOneLine(o);
    }

    @Test
    void badNumbers() {
        for (String[] bad : new String[][] {{"--particles", "0"}, {"--trunc", "0"}, {"--horizon", "-5"},
            {"--outer-steps", "-1"}, {"--sigma", "0"}, {"--meta-lr", "-3e-4"}, {"--meta-wd", "-0.1"},
            {"--checkpoint-every", "0"}, {"--threads", "0"}}) {
            Outcome o = run(valid(bad));
            assertUsageError(o, bad[0]);
            assertOneLine(o);
        }
    }

    @Test
    void notANumberIsAParameterError() {
        Outcome o = run(valid("--particles", "eight"));
        assertUsageError(o, "--particles");
    }

    @Test
    void nonMlpTaskAndUnknownTask() {
        Outcome o = run(valid("--task", "fmnist-cnn16x32"));
        assertUsageError(o, "mlp family");
        assertOneLine(o);
        Outcome u = run(valid("--task", "fmnist9-mlp32"));
        assertEquals(2, u.code(), u.err());
        assertOneLine(u);
    }

    @Test
    void severalTasksAndTheMlpFamily() {
        // the family expands to its tasks that meta-training supports (no tanh/gelu, shifts, loss scale, label noise)
        List<String> fam = dev.lobench.meta.TaskMlpProblem.expand("mlp");
        assertTrue(fam.contains("fmnist8-mlp32") && fam.contains("fmnist8-mlp32-b16"), fam.toString());
        assertFalse(fam.contains("fmnist8-mlp32-tanh") || fam.contains("fmnist8-mlp32-invert")
                || fam.contains("fmnist8-mlp32-lossx100") || fam.contains("fmnist8-mlp32-labelnoise0.3"), fam.toString());
        assertEquals(List.of("fmnist8-mlp32", "fmnist8-mlp128"),
                dev.lobench.meta.TaskMlpProblem.expand("fmnist8-mlp32, fmnist8-mlp128"));
        Outcome few = run(valid("--task", "mlp", "--particles", "2"));
        assertUsageError(few, "--particles must be at least");
        assertOneLine(few);
        Outcome tanh = run(valid("--task", "fmnist8-mlp32,fmnist8-mlp32-tanh"));
        assertUsageError(tanh, "ReLU");
        Outcome noisy = run(valid("--task", "fmnist8-mlp32-labelnoise0.3"));
        assertUsageError(noisy, "lossScale/labelNoise");
        Outcome twice = run(valid("--task", "fmnist8-mlp32,fmnist8-mlp32"));
        assertUsageError(twice, "given twice");
        Outcome cnn = run(valid("--task", "cnn"));
        assertUsageError(cnn, "family mlp");
    }

    @Test
    void signOnlyNeedsFes() {
        Outcome o = run(valid("--sign-only"));
        assertUsageError(o, "--estimator fes");
        assertOneLine(o);
    }

    @Test
    void outMustBeSafetensors() {
        Outcome o = run(valid("--out", dir.resolve("w.bin").toString()));
        assertUsageError(o, ".safetensors");
        assertOneLine(o);
    }

    @Test
    void resumeWithoutCheckpointAndFreshRunOverAnExistingOne() throws Exception {
        Outcome o = run(valid("--resume"));
        assertUsageError(o, "no checkpoint");
        assertOneLine(o);
        Files.write(dir.resolve("w.safetensors.ckpt"), new byte[] {1});
        Outcome e = run(valid());
        assertUsageError(e, "--resume");
        assertOneLine(e);
    }

    @Test
    void missingRequiredOptions() {
        Outcome o = run("--arch", "star", "--outer-steps", "3");
        assertUsageError(o, "--out");
    }
}
