package dev.lobench.bench.stability;

import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.results.StabilityRecord;
import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StabilityRunnerTest {

    @Test
    void gridIsLogSpacedWithExactEnds() {
        assertArrayEquals(new double[] {1e-2, 1e-1, 1, 10, 100}, StabilityRunner.parseGrid("1e-2:1e2:5"), 1e-12);
        assertArrayEquals(new double[] {0.5, 2}, StabilityRunner.parseGrid("0.5, 2"), 0);
        for (String bad : new String[] {"0:1:5", "1:0.5:3", "1:2", "a,b", "1:10:0", "-1", "1:2:1"}) {
            assertThrows(UserError.class, () -> StabilityRunner.parseGrid(bad), bad);
        }
    }

    /**
     * SGD (alpha = 0.1): predicted stable iff alpha h < 2 (radius |1 - alpha h|); the long noisy runs complete well
     * inside the bound and diverge outside it. Near the bound the stationary loss 1/2 h s^2 alpha h / (2 - alpha h)
     * can exceed the 10x rule, so the grid avoids 1.5 < alpha h < 2.
     */
    @Test
    void sgdPredictionAndRunsAgreeWithTheory() {
        double alpha = 0.1;
        double[] hs = {0.01, 1, 10, 14, 21, 40};
        StabilityRunner.Settings s = new StabilityRunner.Settings(2, 1.0, 500, 20, 2, 1e-3, 1e-3, 0);
        List<StabilityRecord> rs = StabilityRunner.run(() -> OptimizerRegistry.create("sgd:lr=" + alpha), hs, s,
                null);
        assertEquals(hs.length, rs.size());
        for (StabilityRecord r : rs) {
            double ah = alpha * r.curvature();
            assertEquals(Math.abs(1 - ah), r.radius(), 2e-4 * Math.max(1, r.radius()), "h=" + r.curvature());
            assertEquals(ah < 2, r.predictedStable(), "h=" + r.curvature());
            assertEquals(ah < 2 ? "completed" : "diverged", r.outcome(), "h=" + r.curvature() + ": " + r.detail());
            assertEquals(0.5 * r.curvature() * 2, r.noiseFloor(), 1e-9);
            assertTrue(r.agrees());
        }
        // divergence is exponential at rate |1 - alpha h|: at alpha h = 4 (radius 3) it takes a handful of steps
        assertTrue(rs.get(5).divergedAtStep() < 10, "diverged at " + rs.get(5).divergedAtStep());
    }

    @Test
    void badSettingsAreUserErrors() {
        assertThrows(UserError.class, () -> new StabilityRunner.Settings(0, 1, 10, 10, 1, 1e-3, 1e-3, 0));
        assertThrows(UserError.class, () -> new StabilityRunner.Settings(1, -1, 10, 10, 1, 1e-3, 1e-3, 0));
        assertThrows(UserError.class, () -> new StabilityRunner.Settings(1, 1, 0, 10, 1, 1e-3, 1e-3, 0));
        assertThrows(UserError.class, () -> new StabilityRunner.Settings(1, 1, 10, 10, 1, 0.7, 1e-3, 0));
    }
}
