package dev.lobench.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.learned.VeloOptimizer;
import dev.lobench.optimizers.learned.VeloTheta;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

class VeloMetaArchTest {

    @Test
    void metaArchStateIsSharedAcrossThetas() {
        VeloMetaArch arch = new VeloMetaArch(4, 3, 30);
        float[] a = arch.initTheta(1);
        float[] b = arch.initTheta(2);
        assertEquals(arch.thetaSize(), a.length);
        // the meta-training start is theta-init with tame output heads: uniform mixing sqrt(K)/100, lr_mult = 1
        float[] expected = VeloTheta.init(4, 3, 1).flat().clone();
        VeloTheta layout = VeloTheta.init(4, 3, 1);
        Arrays.fill(expected, layout.offset("ctrl_w"), layout.offset("ctrl_w") + 4 * 3, 0f);
        Arrays.fill(expected, layout.offset("ctrl_b"), layout.offset("ctrl_b") + 3, (float) (Math.sqrt(3) / 100.0));
        Arrays.fill(expected, layout.offset("step_w"), layout.offset("step_w") + 4, 0f);
        expected[layout.offset("step_b")] = 1f;
        assertArrayEquals(expected, a);
        try (NDManager m = NDManager.newBaseManager()) {
            // relative step size at init: lr_mult * 0.001 * |d| * exp(0.001 a) ~ 1e-3 of rms(p), never an explosion
            List<Param> p0 = LearnedMetaArchTest.params(m);
            float[] before = p0.get(0).array().toFloatArray();
            Optimizer o0 = arch.build(a);
            OptState s0 = o0.init(p0);
            o0.update(p0, LearnedMetaArchTest.grads(m, p0, 1), 1f, 0, s0);
            float[] after = p0.get(0).array().toFloatArray();
            double ss = 0;
            double ds = 0;
            for (int i = 0; i < before.length; i++) {
                ss += (double) before[i] * before[i];
                ds += (double) (after[i] - before[i]) * (after[i] - before[i]);
            }
            double rel = Math.sqrt(ds / ss);
            assertTrue(rel > 1e-5 && rel < 1e-2, "relative step at init " + rel);
            // a state made by build(a) is stepped by build(b) of the same size: the LSTM state continues
            b = b.clone();
            b[layout.offset("step_b")] = 0.5f;
            List<Param> ps = LearnedMetaArchTest.params(m);
            Optimizer oa = arch.build(a);
            OptState st = oa.init(ps);
            oa.update(ps, LearnedMetaArchTest.grads(m, ps, 1), 1f, 0, st);
            Optimizer ob = arch.build(b);
            ob.update(ps, LearnedMetaArchTest.grads(m, ps, 2), 0.8f, 1, st);
            for (float v : ps.get(0).array().toFloatArray()) {
                assertTrue(Float.isFinite(v));
            }
            assertEquals(2, ((VeloOptimizer.State) st).iteration());
            Optimizer wrong = new VeloMetaArch(5, 3, 30).build(new VeloMetaArch(5, 3, 30).initTheta(0));
            assertThrows(UserError.class,
                    () -> wrong.update(ps, LearnedMetaArchTest.grads(m, ps, 3), 1f, 2, st));
        }
    }
}
