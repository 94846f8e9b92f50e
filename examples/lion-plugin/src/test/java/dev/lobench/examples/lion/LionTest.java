package dev.lobench.examples.lion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lobench.optimizers.Hyperparams;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.OptimizerPlugin;
import dev.lobench.tasks.Param;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LionTest {

    private static Optimizer lion(Map<String, String> args) {
        OptimizerPlugin.Definition d = new LionPlugin().optimizers().get(0);
        return d.factory().create(new Hyperparams(d.name(), d.defaults(), args, 0));
    }

    /**
     * Three steps worked out by hand (lr 0.1, beta1 0.9, beta2 0.99, wd 0.1, so p shrinks by 0.99 a step):
     * step 1 (m = 0): sign(c) = sign(g); step 2: element 0 has g = -0.2 but c = 0.9*0.03 - 0.02 = +0.007, so it
     * still moves down; step 3: elements 1 and 2 have g = 0 and move by momentum alone.
     */
    @Test
    void matchesHandComputedSteps() {
        Optimizer opt = lion(Map.of("lr", "0.1", "wd", "0.1"));
        assertEquals("lion(lr=0.1,wd=0.1)", opt.name());
        float[][] grads = {{3.0f, -1.0f, 0.0f}, {-0.2f, -1.0f, 4.0f}, {-0.3f, 0.0f, 0.0f}};
        float[][] expected = {
            {0.89f, -1.88f, 0.495f},          // p*0.99 - 0.1*[1, -1, 0]; m = [0.03, -0.01, 0]
            {0.7811f, -1.7612f, 0.39005f},    // c = [0.007, -0.109, 0.4]; m = [0.0277, -0.0199, 0.04]
            {0.873289f, -1.643588f, 0.2861495f} // c = [-0.00507, -0.01791, 0.036]
        };
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(new float[] {1.0f, -2.0f, 0.5f});
            List<Param> params = List.of(new Param("w", p));
            try (OptState st = opt.init(params)) {
                for (int t = 0; t < grads.length; t++) {
                    opt.update(params, List.of(m.create(grads[t])), 1.0f, t, st);
                    assertArrayEquals(expected[t], p.toFloatArray(), 1e-6f, "after step " + (t + 1));
                }
                assertArrayEquals(new float[] {0.99f * 0.0277f - 0.003f, 0.99f * -0.0199f, 0.99f * 0.04f},
                        st.export().get("w/exp_avg"), 1e-6f);
            }
        }
    }

    @Test
    void noDecayAndScheduleFromTheSpec() {
        Optimizer opt = lion(Map.of("lr", "0.5", "schedule", "cosine", "steps", "2"));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(new float[] {1.0f});
            List<Param> params = List.of(new Param("w", p));
            try (OptState st = opt.init(params)) {
                opt.update(params, List.of(m.create(new float[] {-2.0f})), 1.0f, 0, st); // lr_0 = 0.5
                assertArrayEquals(new float[] {1.5f}, p.toFloatArray(), 1e-6f);
                opt.update(params, List.of(m.create(new float[] {-2.0f})), 1.0f, 1, st); // lr_1 = 0.5*(1+cos(pi/2))/2
                assertArrayEquals(new float[] {1.75f}, p.toFloatArray(), 1e-6f);
            }
        }
    }
}
