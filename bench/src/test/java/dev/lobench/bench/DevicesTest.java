package dev.lobench.bench;

import ai.djl.Device;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.optimizers.learned.LearnedOptimizer;
import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DevicesTest {

    @Test
    void namesOtherThanCpuAndGpuAreRefusedInOneLine() {
        UserError e = assertThrows(UserError.class, () -> Devices.checkName("cuda"));
        assertEquals("--device must be cpu or gpu, got 'cuda'", e.getMessage());
        assertEquals(Device.cpu(), Devices.of("cpu"));
    }

    @Test
    void gpuWithTheBundledCpuLibtorchNamesTheFix() {
        UserError e = assertThrows(UserError.class, () -> Devices.of("gpu"));
        assertTrue(e.getMessage().contains("--libtorch DIR"), e.getMessage());
        assertTrue(e.getMessage().contains(Devices.libtorchPath()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void learnedOptimizersRunTheReferenceImplementationOnAGpuUnlessFusedIsAsked() {
        Optimizer star = OptimizerRegistry.create("star", 100);
        assertEquals(LearnedOptimizer.Impl.FUSED, ((LearnedOptimizer) star).impl());
        Optimizer onGpu = Devices.forDevice("star", star, Device.gpu());
        assertEquals(LearnedOptimizer.Impl.REFERENCE, ((LearnedOptimizer) onGpu).impl());
        assertEquals(star.name(), onGpu.name());
        assertEquals(((LearnedOptimizer) star).theta().paramCount(), ((LearnedOptimizer) onGpu).theta().paramCount());

        assertSame(star, Devices.forDevice("star", star, Device.cpu()));
        Optimizer fused = OptimizerRegistry.create("star:impl=fused", 100);
        assertSame(fused, Devices.forDevice("star:impl=fused", fused, Device.gpu()));
        Optimizer adam = OptimizerRegistry.create("adam", 100);
        assertSame(adam, Devices.forDevice("adam", adam, Device.gpu()));
    }
}
