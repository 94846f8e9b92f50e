package dev.lobench.optimizers.stability;

import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.OptimizerRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The joint map of the learned optimizers: layout, fixed iteration counter, and float32 fused vs reference. */
class LearnedJointMapTest {

    @Test
    void stateLayoutExcludesTheCounterAndApplyHoldsItFixed() {
        Optimizer o = OptimizerRegistry.create("small-fc:weights=init:1");
        try (JointMap map = new JointMap(o, 2.0, new float[] {0.7f, -0.3f})) {
            // phi (2) + m0..2, rms, v0..2 per element (7 x 2); "_t" is not part of z
            assertEquals(2 + 7 * 2, map.size());
            assertEquals(List.of("phi", "x/m0", "x/m1", "x/m2", "x/rms", "x/v0", "x/v1", "x/v2"), map.blocks());
            Random rng = new Random(5);
            for (int i = 0; i < 30; i++) {
                map.noisyStep(rng, 1.0);
            }
            double[] z = map.current();
            double[] f1 = map.apply(z);
            double[] f2 = map.apply(z);
            // the same input gives the same output: t did not advance between the two evaluations
            assertArrayEquals(f1, f2, 0.0);
            // and the deterministic step from z is really a step: m0 moved towards g = h phi
            double b0 = 0.9;
            double expectedM0 = b0 * z[2] + (1 - b0) * (float) (2.0 * (float) z[0]);
            assertEquals(expectedM0, f1[2], 1e-6 * Math.max(1, Math.abs(expectedM0)));
        }
    }

    @Test
    void fusedAndReferenceImplementationsGiveTheSameRadius() {
        StabilityAnalysis.Config cfg = StabilityAnalysis.Config.defaults().withDim(2).withBurnIn(200).withProbes(1);
        for (double h : new double[] {0.1, 10}) {
            double fused = StabilityAnalysis.analyse(OptimizerRegistry.create("star:impl=fused"), h, cfg).radius();
            double ref = StabilityAnalysis.analyse(OptimizerRegistry.create("star:impl=reference"), h, cfg).radius();
            assertTrue(Double.isFinite(fused) && fused > 0.5, "radius " + fused);
            assertEquals(ref, fused, 2e-3, "h=" + h);
        }
    }
}
