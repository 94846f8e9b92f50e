package dev.lobench.tasks.quadratic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.TaskInstance;
import dev.lobench.tasks.UserError;
import dev.lobench.tasks.family.TorchThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(TorchThreads.class)
class NoisyQuadraticTest {

    private static NoisyQuadratic.Instance instance(NDManager m, Map<String, Object> p, long seed) {
        return (NoisyQuadratic.Instance) NoisyQuadratic.fromParameters(p).instantiate(m, seed, DataContext.defaults());
    }

    @Test
    void lossGradientAndEvaluationMatchHandComputedValues() {
        // loguniform, dim 3, kappa 100, hmax 2: h = 0.02, 0.2, 2
        double[] h = {0.02, 0.2, 2.0};
        try (NDManager m = NDManager.newBaseManager();
                NoisyQuadratic.Instance inst = instance(m, Map.of("dim", 3, "kappa", 100, "hmax", 2), 1)) {
            Param p = inst.params().get(0);
            assertEquals(new Shape(3), p.array().getShape());
            p.array().set(new float[] {1f, -2f, 0.5f});
            float[] xi = {0.5f, 1f, -0.5f};
            float loss = inst.step(xi);
            // 1/2 (0.02 * 0.25 + 0.2 * 9 + 2 * 1) = 1.9025
            assertEquals(1.9025, loss, 1e-6);
            float[] g = inst.grads().get(0).toFloatArray();
            assertArrayEquals(new float[] {0.01f, -0.6f, 2f}, g, 1e-6f);
            // noise-free: 1/2 (0.02 * 1 + 0.2 * 4 + 2 * 0.25) = 0.66
            assertEquals(0.66, inst.evaluate().loss(), 1e-7);
            // the parameter itself is unchanged by a step
            assertArrayEquals(new float[] {1f, -2f, 0.5f}, p.array().toFloatArray());
            for (int i = 0; i < 3; i++) {
                assertEquals(h[i] * (new float[] {1f, -2f, 0.5f}[i] - xi[i]), g[i], 1e-6);
            }
        }
    }

    @Test
    void linearSpectrumAndMatrixShape() {
        // linear, dim 6, kappa 6, hmax 6: h = 1..6; x = 1 everywhere -> noise-free loss 1/2 * 21
        try (NDManager m = NDManager.newBaseManager(); NoisyQuadratic.Instance inst = instance(m,
                Map.of("dim", 6, "kappa", 6, "hmax", 6, "spectrum", "linear", "rows", 2, "noise", 0), 3)) {
            NDArray x = inst.params().get(0).array();
            assertEquals(new Shape(2, 3), x.getShape());
            x.set(new float[] {1, 1, 1, 1, 1, 1});
            assertEquals(10.5, inst.evaluate().loss(), 1e-9);
            assertEquals(10.5f, inst.trainStep(), 1e-6f); // noise 0: training loss = noise-free loss
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, inst.grads().get(0).toFloatArray(), 1e-6f);
            assertEquals(new Shape(2, 3), inst.grads().get(0).getShape());
        }
    }

    @Test
    void noiseIsFreshEachStepAndSeeded() {
        Map<String, Object> p = Map.of("dim", 50, "noise", 0.5);
        float[] a = losses(p, 7);
        float[] b = losses(p, 7);
        float[] c = losses(p, 8);
        assertArrayEquals(a, b);
        assertNotEquals(a[0], a[1]); // same x, new xi
        assertNotEquals(a[0], c[0]);
    }

    private static float[] losses(Map<String, Object> p, long seed) {
        try (NDManager m = NDManager.newBaseManager(); NoisyQuadratic.Instance inst = instance(m, p, seed)) {
            return new float[] {inst.trainStep(), inst.trainStep(), inst.trainStep()};
        }
    }

    @Test
    void noiseHasTheRequestedScale() {
        // at x = 0 the training loss is 1/2 sum h xi^2 with mean 1/2 s^2 tr(H) = the noise floor
        NoisyQuadratic task = (NoisyQuadratic) NoisyQuadratic.fromParameters(
                Map.of("dim", 2000, "kappa", 10, "noise", 3));
        try (NDManager m = NDManager.newBaseManager();
                TaskInstance inst = task.instantiate(m, 5, DataContext.defaults())) {
            inst.params().get(0).array().set(new float[2000]);
            double mean = 0;
            for (int i = 0; i < 20; i++) {
                mean += inst.trainStep() / 20.0;
            }
            double trH = 0;
            for (int i = 0; i < 2000; i++) {
                trH += 0.1 * Math.pow(10, i / 1999.0);
            }
            assertEquals(0.5 * 9 * trH, task.noiseFloor(), 1e-6 * trH);
            assertEquals(0.5 * 9 * trH, mean, 0.02 * 0.5 * 9 * trH);
        }
    }

    @Test
    void sgdWithoutNoiseConverges() {
        try (NDManager m = NDManager.newBaseManager();
                NoisyQuadratic.Instance inst = instance(m, Map.of("dim", 20, "kappa", 10, "noise", 0), 2)) {
            double initial = inst.evaluate().loss();
            NDArray lr = m.create(1.0f); // alpha = 1 / hmax
            for (int t = 0; t < 200; t++) {
                inst.trainStep();
                inst.params().get(0).array().subi(inst.grads().get(0).mul(lr));
            }
            // slowest mode contracts by (1 - 0.1) per step: 0.9^400 in loss
            assertTrue(inst.evaluate().loss() < initial * 1e-15, "final " + inst.evaluate().loss());
        }
    }

    @Test
    void stepsAndEvaluationsLeaveNoArraysBehind() {
        try (NDManager m = NDManager.newBaseManager()) {
            NoisyQuadratic.Instance inst = instance(m, Map.of("dim", 12, "rows", 3), 0);
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
    void validationNamesTheField() {
        UserError e = assertThrows(UserError.class,
                () -> NoisyQuadratic.fromParameters(Map.of("dim", 10, "rows", 3)));
        assertTrue(e.getMessage().contains("'rows'"), e.getMessage());
        e = assertThrows(UserError.class, () -> NoisyQuadratic.fromParameters(Map.of("spectrum", "cubic")));
        assertTrue(e.getMessage().contains("loguniform|linear"), e.getMessage());
        e = assertThrows(UserError.class, () -> NoisyQuadratic.fromParameters(Map.of("kappa", 0.5)));
        assertTrue(e.getMessage().contains("'kappa'"), e.getMessage());
        e = assertThrows(UserError.class, () -> NoisyQuadratic.fromParameters(Map.of("noise", "loud")));
        assertTrue(e.getMessage().contains("'noise'"), e.getMessage());
        Task t = NoisyQuadratic.fromParameters(Map.of("dim", "64", "rows", 8));
        assertEquals(64, t.numParams());
        assertEquals("quadratic-loguniform-d64-k100-h1-s1-r8", t.name());
    }
}
