package dev.lobench.tasks.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.Evaluation;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.UserError;
import dev.lobench.tasks.family.TorchThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(TorchThreads.class)
class TransformerLmTest {
    private static final Map<String, Object> TINY =
            Map.of("width", 8, "depth", 2, "heads", 2, "context", 6, "batch", 3, "evalBatches", 2);

    private static byte[] text(long seed, int n) {
        Random r = new Random(seed);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ("abcdefgh \n\0".charAt(r.nextInt(11)) + (r.nextInt(50) == 0 ? 128 : 0));
        }
        return b;
    }

    private static long[] windows(Random r, int batch, int span) {
        long[] w = new long[batch * span];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextInt(256);
        }
        return w;
    }

    @Test
    void futureTokensDoNotChangeEarlierLogits() {
        TransformerLm task = TransformerLm.create(TINY, DataType.FLOAT64);
        int t = task.context;
        try (NDManager m = NDManager.newBaseManager();
                TransformerLmInstance inst = task.instantiate(m, 3, text(1, 500), text(2, 200))) {
            Random r = new Random(5);
            long[] w = windows(r, task.batch, t + 1);
            double[] base = inst.logits(w);
            for (int pos = 1; pos < t; pos++) {
                long[] changed = w.clone();
                for (int b = 0; b < task.batch; b++) {
                    changed[b * (t + 1) + pos] = (w[b * (t + 1) + pos] + 1 + r.nextInt(255)) % 256;
                }
                double[] other = inst.logits(changed);
                for (int b = 0; b < task.batch; b++) {
                    for (int q = 0; q < t; q++) {
                        double diff = 0;
                        for (int v = 0; v < 256; v++) {
                            int i = ((b * t) + q) * 256 + v;
                            diff = Math.max(diff, Math.abs(base[i] - other[i]));
                        }
                        if (q < pos) {
                            assertEquals(0.0, diff, 1e-12, "position " + q + " saw a change at " + pos);
                        } else if (q == pos) {
                            assertTrue(diff > 1e-6, "position " + q + " ignores its own token");
                        }
                    }
                }
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesAndAreNotAccumulated() {
        TransformerLm task = TransformerLm.create(TINY, DataType.FLOAT64);
        int span = task.context + 1;
        try (NDManager m = NDManager.newBaseManager();
                TransformerLmInstance inst = task.instantiate(m, 11, text(1, 500), text(2, 200))) {
            Random r = new Random(7);
            // a first step on other windows: its gradients must not leak into the second
            inst.lossAndGrad(windows(r, task.batch, span));
            long[] w = windows(r, task.batch, span);
            double lossAtW = inst.lossAndGrad(w);
            assertEquals(inst.loss(w), lossAtW, 1e-6);
            List<Param> params = inst.params();
            List<NDArray> grads = inst.grads();
            double eps = 1e-5;
            int checked = 0;
            for (int pi = 0; pi < params.size(); pi++) {
                NDArray a = params.get(pi).array();
                double[] g = grads.get(pi).toDoubleArray();
                double[] v = a.toDoubleArray();
                assertEquals(v.length, g.length, params.get(pi).name());
                for (int s = 0; s < 2; s++) {
                    int i = r.nextInt(v.length);
                    double orig = v[i];
                    v[i] = orig + eps;
                    a.set(v);
                    double up = inst.loss(w);
                    v[i] = orig - eps;
                    a.set(v);
                    double down = inst.loss(w);
                    v[i] = orig;
                    a.set(v);
                    double fd = (up - down) / (2 * eps);
                    assertEquals(fd, g[i], 1e-8 + 1e-5 * Math.abs(fd), params.get(pi).name() + "[" + i + "]");
                    checked++;
                }
            }
            assertEquals(2 * (2 + 12 * task.depth + 4), checked);
        }
    }

    @Test
    void sameSeedSameLossesOtherSeedOtherLosses() {
        Task task = TransformerLm.fromParameters(TINY);
        byte[] train = text(1, 2000);
        byte[] test = text(2, 300);
        float[] a = run((TransformerLm) task, 42, train, test);
        float[] b = run((TransformerLm) task, 42, train, test);
        float[] c = run((TransformerLm) task, 43, train, test);
        assertArrayEquals(a, b);
        assertNotEquals(a[0], c[0]);
    }

    /** Four SGD steps (lr 0.1), then the test loss. */
    private static float[] run(TransformerLm task, long seed, byte[] train, byte[] test) {
        float[] out = new float[5];
        try (NDManager m = NDManager.newBaseManager();
                TransformerLmInstance inst = task.instantiate(m, seed, train, test)) {
            NDArray lr = m.create(0.1f);
            for (int s = 0; s < 4; s++) {
                out[s] = inst.trainStep();
                List<Param> ps = inst.params();
                for (int i = 0; i < ps.size(); i++) {
                    ps.get(i).array().subi(inst.grads().get(i).mul(lr));
                }
            }
            out[4] = (float) inst.evaluate().loss();
        }
        return out;
    }

    @Test
    void initialTestLossIsNearUniformAndTrainingLowersIt() {
        TransformerLm task = (TransformerLm) TransformerLm.fromParameters(
                Map.of("width", 16, "depth", 1, "heads", 2, "context", 8, "batch", 8, "evalBatches", 4));
        byte[] train = "abcabcabcabcabc\0".repeat(40).getBytes(StandardCharsets.US_ASCII);
        byte[] test = "abcabcabc\0".repeat(10).getBytes(StandardCharsets.US_ASCII);
        try (NDManager m = NDManager.newBaseManager();
                TransformerLmInstance inst = task.instantiate(m, 1, train, test)) {
            Evaluation e0 = inst.evaluate();
            assertEquals(Math.log(256), e0.loss(), 0.05);
            assertEquals(e0.loss() / Math.log(2), e0.bitsPerByte(), 1e-12);
            assertTrue(e0.accuracy() >= 0 && e0.accuracy() <= 1);
            NDArray lr = m.create(0.05f);
            for (int s = 0; s < 60; s++) {
                inst.trainStep();
                List<Param> ps = inst.params();
                for (int i = 0; i < ps.size(); i++) { // SGD with momentum-free lr; Adam would converge faster
                    ps.get(i).array().subi(inst.grads().get(i).mul(lr).mul(20));
                }
            }
            Evaluation e1 = inst.evaluate();
            assertTrue(e1.loss() < 1.0, "test loss after training " + e1.loss());
            assertTrue(e1.accuracy() > 0.6, "test accuracy after training " + e1.accuracy());
        }
    }

    @Test
    void stepsAndEvaluationsLeaveNoArraysBehind() {
        TransformerLm task = TransformerLm.create(TINY, DataType.FLOAT32);
        try (NDManager m = NDManager.newBaseManager()) {
            TransformerLmInstance inst = task.instantiate(m, 0, text(1, 300), text(2, 100));
            inst.trainStep();
            inst.evaluate();
            int arrays = m.getManagedArrays().size();
            for (int s = 0; s < 5; s++) {
                inst.trainStep();
                inst.evaluate();
            }
            assertEquals(arrays, m.getManagedArrays().size());
            inst.close();
            assertEquals(0, m.getManagedArrays().size());
        }
    }

    @Test
    void parametersCanBeUpdatedInPlaceAfterAStepOnAnotherThread() throws Exception {
        TransformerLm task = TransformerLm.create(TINY, DataType.FLOAT32);
        try (NDManager m = NDManager.newBaseManager();
                TransformerLmInstance inst = task.instantiate(m, 0, text(1, 300), text(2, 100))) {
            Throwable[] failure = new Throwable[1];
            Thread worker = new Thread(() -> {
                try {
                    for (int s = 0; s < 2; s++) {
                        inst.trainStep();
                        for (int i = 0; i < inst.params().size(); i++) {
                            inst.params().get(i).array().subi(inst.grads().get(i));
                        }
                    }
                } catch (Throwable t) {
                    failure[0] = t;
                }
            });
            worker.start();
            worker.join();
            if (failure[0] != null) {
                throw new AssertionError("step + in-place update on a worker thread failed", failure[0]);
            }
        }
    }

    @Test
    void paramsLayoutsAndCount() {
        TransformerLm task = TransformerLm.create(TINY, DataType.FLOAT32);
        try (NDManager m = NDManager.newBaseManager();
                TransformerLmInstance inst = task.instantiate(m, 0, text(1, 100), text(2, 100))) {
            long n = 0;
            for (Param p : inst.params()) {
                n += p.size();
                boolean linear = p.name().endsWith(".weight");
                assertEquals(linear ? Param.Layout.LINEAR_OUT_IN : Param.Layout.GENERIC, p.layout(), p.name());
                assertEquals(DataType.FLOAT32, p.array().getDataType());
            }
            // width 8, context 6, depth 2: embeddings 256*8 + 6*8, per block 12*64 + 13*8, final LN 16, head 256*8+256
            long expected = 2048 + 48 + 2 * (768 + 104) + 16 + 2048 + 256;
            assertEquals(expected, n);
            assertEquals(expected, task.numParams());
            assertEquals(2 + 12 * 2 + 2 + 2, inst.params().size());
        }
    }

    @Test
    void parameterValidationNamesTheField() {
        UserError e = assertThrows(UserError.class,
                () -> TransformerLm.fromParameters(Map.of("width", 10, "heads", 4)));
        assertTrue(e.getMessage().contains("'heads'"), e.getMessage());
        e = assertThrows(UserError.class, () -> TransformerLm.fromParameters(Map.of("lang", "fr")));
        assertTrue(e.getMessage().contains("'lang'") && e.getMessage().contains("en|de"), e.getMessage());
        e = assertThrows(UserError.class, () -> TransformerLm.fromParameters(Map.of("widht", 64)));
        assertTrue(e.getMessage().contains("'widht'") && e.getMessage().contains("width"), e.getMessage());
        e = assertThrows(UserError.class, () -> TransformerLm.fromParameters(Map.of("depth", "two")));
        assertTrue(e.getMessage().contains("'depth'"), e.getMessage());
        Task t = TransformerLm.fromParameters(Map.of("width", "32", "lang", "de"));
        assertEquals(32, t.parameters().get("width"));
        assertEquals("fortunes-de-tf-w32-d2-h4-c64-b32", t.name());
        assertEquals(2000, t.defaultSteps());
    }

    @Test
    void instantiateReadsCorpusFromDataDir(@TempDir Path tmp) throws IOException {
        Path de = tmp.resolve("fortunes").resolve("de");
        Files.createDirectories(de);
        for (int i = 0; i < 6; i++) {
            Files.writeString(de.resolve("datei" + i), ("Ein kurzer Spruch Nummer " + i + ".\n%\n").repeat(5));
        }
        Task task = TransformerLm.fromParameters(Map.of("width", 8, "heads", 2, "depth", 1, "context", 16,
                "batch", 2, "evalBatches", 1, "lang", "de"));
        try (NDManager m = NDManager.newBaseManager();
                var inst = task.instantiate(m, 0, new DataContext(Optional.of(tmp), false))) {
            float l = inst.trainStep();
            assertEquals(Math.log(256), l, 0.1);
        }
        Task tooLong = TransformerLm.fromParameters(Map.of("context", 4000, "lang", "de"));
        try (NDManager m = NDManager.newBaseManager()) {
            UserError e = assertThrows(UserError.class,
                    () -> tooLong.instantiate(m, 0, new DataContext(Optional.of(tmp), false)));
            assertTrue(e.getMessage().contains("'context'"), e.getMessage());
        }
    }
}
