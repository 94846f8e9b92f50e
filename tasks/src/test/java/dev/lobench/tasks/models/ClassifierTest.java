package dev.lobench.tasks.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.lobench.tasks.Evaluation;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.TaskRegistry;
import dev.lobench.tasks.UserError;
import dev.lobench.tasks.data.FashionMnist;
import dev.lobench.tasks.data.IdxFiles;
import dev.lobench.tasks.runtime.Djl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassifierTest {
    @TempDir
    static Path tmp;
    static FashionMnist.Data tiny8;
    static FashionMnist.Data tiny28;
    static FashionMnist.Data medium8;

    @BeforeAll
    static void data() throws IOException {
        tiny8 = FashionMnist.loadAny(IdxFiles.tinyDataset(Files.createDirectories(tmp.resolve("a")), 6, 5, 1), 8);
        tiny28 = FashionMnist.loadAny(tmp.resolve("a"), 28);
        medium8 = FashionMnist.loadAny(IdxFiles.tinyDataset(Files.createDirectories(tmp.resolve("b")), 40, 1003, 2), 8);
    }

    private static ClassifierTask task(String family, Map<String, Object> p) {
        return (ClassifierTask) TaskRegistry.fromParameters(family, p);
    }

    private static List<float[]> values(List<Param> ps) {
        List<float[]> out = new ArrayList<>();
        for (Param p : ps) {
            out.add(p.array().toFloatArray());
        }
        return out;
    }

    /**
     * Compares the instance's gradient (after two steps on a batch equal to the whole 6-example training set, so a
     * gradient that accumulated across steps would be twice too large) with central finite differences of the
     * independent double-precision reference loss, and the reported loss with the reference loss.
     */
    private static void checkGradients(ClassifierInstance inst, FashionMnist.Split train,
                                       ToDoubleFunction<double[][]> refLoss) {
        inst.trainStep();
        float loss = inst.trainStep();
        double[][] p = Reference.copy(values(inst.params()));
        assertEquals(refLoss.applyAsDouble(p), loss, 1e-5, "loss vs reference");
        double eps = 1e-5;
        for (int k = 0; k < p.length; k++) {
            float[] g = inst.grads().get(k).toFloatArray();
            assertEquals(p[k].length, g.length);
            for (int j = 0; j < p[k].length; j++) {
                double orig = p[k][j];
                p[k][j] = orig + eps;
                double up = refLoss.applyAsDouble(p);
                p[k][j] = orig - eps;
                double down = refLoss.applyAsDouble(p);
                p[k][j] = orig;
                double fd = (up - down) / (2 * eps);
                assertEquals(fd, g[j], 2e-5 + 1e-3 * Math.abs(fd),
                        inst.params().get(k).name() + "[" + j + "]");
            }
        }
    }

    @Test
    void mlpGradientsMatchFiniteDifferences() {
        for (String act : List.of("relu", "tanh", "gelu")) {
            ClassifierTask t = task("mlp", Map.of("resolution", 8, "hidden", List.of(5, 4), "activation", act,
                    "batch", 6));
            try (NDManager m = NDManager.newBaseManager(); ClassifierInstance inst = t.instantiate(m, 3, tiny8)) {
                int[] widths = {64, 5, 4, 10};
                checkGradients(inst, tiny8.train(), p -> Reference.mlpLoss(p, widths, act, tiny8.train()));
            }
        }
    }

    @Test
    void cnnGradientsMatchFiniteDifferences() {
        ClassifierTask t = task("cnn", Map.of("resolution", 8, "channels", List.of(2, 3), "batch", 6));
        try (NDManager m = NDManager.newBaseManager(); ClassifierInstance inst = t.instantiate(m, 5, tiny8)) {
            checkGradients(inst, tiny8.train(), p -> Reference.cnnLoss(p, new int[] {2, 3}, tiny8.train()));
        }
    }

    @Test
    void fullResolutionForwardMatchesReference() {
        ClassifierTask mlp = task("mlp", Map.of("hidden", List.of(4), "batch", 6));
        try (NDManager m = NDManager.newBaseManager(); ClassifierInstance inst = mlp.instantiate(m, 1, tiny28)) {
            float loss = inst.trainStep();
            double ref = Reference.mlpLoss(Reference.copy(values(inst.params())), new int[] {784, 4, 10}, "relu",
                    tiny28.train());
            assertEquals(ref, loss, 1e-5);
        }
        ClassifierTask cnn = task("cnn", Map.of("channels", List.of(3), "batch", 6));
        try (NDManager m = NDManager.newBaseManager(); ClassifierInstance inst = cnn.instantiate(m, 1, tiny28)) {
            float loss = inst.trainStep();
            double ref = Reference.cnnLoss(Reference.copy(values(inst.params())), new int[] {3}, tiny28.train());
            assertEquals(ref, loss, 1e-5);
        }
    }

    @Test
    void initIsPytorchDefaultUniformAndSeeded() {
        ClassifierTask t = task("mlp", Map.of("resolution", 8, "hidden", List.of(32), "batch", 8));
        try (NDManager m = NDManager.newBaseManager();
             ClassifierInstance a = t.instantiate(m, 11, medium8);
             ClassifierInstance b = t.instantiate(m, 11, medium8);
             ClassifierInstance c = t.instantiate(m, 12, medium8)) {
            assertEquals(List.of("linear0.weight", "linear0.bias", "linear1.weight", "linear1.bias"),
                    a.params().stream().map(Param::name).toList());
            assertEquals(Param.Layout.LINEAR_OUT_IN, a.params().get(0).layout());
            assertEquals(Param.Layout.GENERIC, a.params().get(1).layout());
            assertEquals(new ai.djl.ndarray.types.Shape(32, 64), a.params().get(0).array().getShape());
            assertEquals(64 * 32 + 32 + 32 * 10 + 10, a.numParams());
            assertEquals(a.numParams(), t.numParams());
            float[] w0 = a.params().get(0).array().toFloatArray();
            float[] w1 = a.params().get(2).array().toFloatArray();
            double max0 = 0;
            for (float v : w0) {
                max0 = Math.max(max0, Math.abs(v));
            }
            double max1 = 0;
            for (float v : w1) {
                max1 = Math.max(max1, Math.abs(v));
            }
            assertTrue(max0 <= 1 / 8.0 && max0 > 0.9 / 8.0, "bound 1/sqrt(64): " + max0);
            assertTrue(max1 <= 1 / Math.sqrt(32) && max1 > 0.8 / Math.sqrt(32), "bound 1/sqrt(32): " + max1);
            assertArrayEquals(w0, b.params().get(0).array().toFloatArray());
            assertFalse(Arrays.equals(w0, c.params().get(0).array().toFloatArray()));
        }
    }

    private static float[] sgdLosses(ClassifierTask t, long seed, int steps, int evalAt) {
        float[] losses = new float[steps];
        try (NDManager m = NDManager.newBaseManager(); ClassifierInstance inst = t.instantiate(m, seed, medium8)) {
            for (int s = 0; s < steps; s++) {
                if (s == evalAt) {
                    inst.evaluate();
                }
                losses[s] = inst.trainStep();
                try (NDScope scope = new NDScope(); Djl.NoGrad ng = Djl.noGrad()) {
                    scope.suppressNotUsedWarning();
                    for (int k = 0; k < inst.params().size(); k++) {
                        inst.params().get(k).array().subi(inst.grads().get(k).mul(0.5f));
                    }
                }
            }
        }
        return losses;
    }

    @Test
    void sameSeedSameLossesAndEvaluateDoesNotDisturbTheStream() {
        // 40 training examples, batch 8: 20 steps cross 4 epoch boundaries (reshuffles)
        for (ClassifierTask t : List.of(
                task("mlp", Map.of("resolution", 8, "hidden", List.of(16), "batch", 8)),
                task("cnn", Map.of("resolution", 8, "channels", List.of(4, 4), "batch", 8)))) {
            float[] a = sgdLosses(t, 42, 20, -1);
            float[] b = sgdLosses(t, 42, 20, -1);
            float[] withEval = sgdLosses(t, 42, 20, 7);
            float[] other = sgdLosses(t, 43, 20, -1);
            assertArrayEquals(a, b, 0f, t.name());
            assertArrayEquals(a, withEval, 0f, t.name() + " with evaluate() in between");
            assertFalse(Arrays.equals(a, other));
            double first = (a[0] + a[1] + a[2] + a[3] + a[4]) / 5;
            double last = (a[15] + a[16] + a[17] + a[18] + a[19]) / 5;
            assertTrue(last < first, "SGD should reduce the loss on learnable data: " + Arrays.toString(a));
        }
    }

    @Test
    void evaluateMatchesReferenceAndLeavesGradientsAlone() {
        // 1003 test examples: one full evaluation batch of 1000 and a partial one of 3
        ClassifierTask t = task("mlp", Map.of("resolution", 8, "hidden", List.of(6), "activation", "tanh",
                "batch", 8));
        try (NDManager m = NDManager.newBaseManager(); ClassifierInstance inst = t.instantiate(m, 9, medium8)) {
            inst.trainStep();
            float[] g = inst.grads().get(0).toFloatArray();
            Evaluation e = inst.evaluate();
            double[][] p = Reference.copy(values(inst.params()));
            FashionMnist.Split test = medium8.test();
            int[] widths = {64, 6, 10};
            double refLoss = Reference.mlpLoss(p, widths, "tanh", test);
            int correct = 0;
            for (int n = 0; n < test.count(); n++) {
                if (Reference.argmax(Reference.mlpLogits(p, widths, "tanh", test, n)) == test.labels()[n]) {
                    correct++;
                }
            }
            assertEquals(refLoss, e.loss(), 1e-5);
            assertEquals(correct / 1003.0, e.accuracy(), 0);
            assertTrue(Double.isNaN(e.bitsPerByte()));
            assertArrayEquals(g, inst.grads().get(0).toFloatArray(), 0f);
        }
    }

    @Test
    void stepsDoNotLeakArraysAndGradArraysAreStable() {
        ClassifierTask t = task("cnn", Map.of("resolution", 8, "channels", List.of(4), "batch", 8));
        try (NDManager m = NDManager.newBaseManager(); ClassifierInstance inst = t.instantiate(m, 1, medium8)) {
            inst.trainStep();
            List<NDArray> grads = inst.grads();
            int managed = m.getManagedArrays().size();
            for (int i = 0; i < 12; i++) {
                inst.trainStep();
            }
            inst.evaluate();
            assertEquals(managed, m.getManagedArrays().size());
            assertSame(grads, inst.grads());
        }
    }

    @Test
    void gradsBeforeFirstStepAndOversizedBatchAreErrors() {
        ClassifierTask t = task("mlp", Map.of("resolution", 8, "hidden", List.of(4), "batch", 8));
        try (NDManager m = NDManager.newBaseManager(); ClassifierInstance inst = t.instantiate(m, 1, tiny8.train().count() >= 8 ? tiny8 : medium8)) {
            assertThrows(IllegalStateException.class, inst::grads);
        }
        UserError e = assertThrows(UserError.class, () -> {
            try (NDManager m = NDManager.newBaseManager()) {
                t.instantiate(m, 1, tiny8);
            }
        });
        assertEquals("batch 8 is larger than the training set (6 examples)", e.getMessage());
    }
}
