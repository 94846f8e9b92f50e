package dev.lobench.bench.overhead;

import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OverheadRunnerTest {
    static OverheadRunner runner(List<String> opts, List<String> tasks, String device, int threads) {
        return new OverheadRunner(new OverheadRunner.Config(opts, tasks, device, threads, true, 1, Path.of("x"), "t"),
                System.err);
    }

    @Test
    void jmhUnitsToMilliseconds() {
        assertEquals(1e-3, OverheadRunner.msPer("us/op"), 0);
        assertEquals(1, OverheadRunner.msPer("ms/op"), 0);
        assertEquals(1e-6, OverheadRunner.msPer("ns/op"), 0);
    }

    @Test
    void forksGetOfflineAndThreadFlags() {
        List<String> f = runner(List.of("adam"), List.of("synthetic-10k"), "cpu", 3).forkJvmFlags();
        assertTrue(f.contains("-Dai.djl.offline=true"), f.toString());
        assertTrue(f.contains("-Dai.djl.pytorch.num_threads=3"), f.toString());
        // the tests run with the vector module (surefire argLine), so the forks must get it too
        int i = f.indexOf("--add-modules");
        assertTrue(i >= 0 && f.get(i + 1).equals("jdk.incubator.vector"), f.toString());
        assertTrue(f.contains(dev.lobench.optimizers.learned.Simd.DONT_INLINE), f.toString());
    }

    @Test
    void forksGetTheLibtorchSettingsGivenAsSystemProperties() {
        String key = "PYTORCH_LIBRARY_PATH";
        String before = System.getProperty(key);
        try {
            System.setProperty(key, "/opt/torch/lib");
            List<String> f = runner(List.of("adam"), List.of("synthetic-10k"), "cpu", 1).forkJvmFlags();
            assertTrue(f.contains("-DPYTORCH_LIBRARY_PATH=/opt/torch/lib"), f.toString());
            System.clearProperty(key);
            List<String> g = runner(List.of("adam"), List.of("synthetic-10k"), "cpu", 1).forkJvmFlags();
            assertTrue(g.stream().noneMatch(s -> s.startsWith("-DPYTORCH_LIBRARY_PATH")), g.toString());
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }

    @Test
    void syntheticGpuSizesHaveAboutTheirNominalParameterCount() {
        for (var e : java.util.Map.of("synthetic-10M", 10_000_000L, "synthetic-100M", 100_000_000L).entrySet()) {
            long n = 0;
            for (int[] l : dev.lobench.bench.jmh.BenchSupport.layers(e.getKey())) {
                n += (long) l[0] * l[1] + l[0];
            }
            assertEquals(1.0, n / (double) e.getValue(), 0.01, e.getKey() + " has " + n + " parameters");
        }
    }

    @Test
    void badInputIsAUserError() {
        assertThrows(UserError.class, () -> runner(List.of("adamm"), List.of("synthetic-10k"), "cpu", 1).validate());
        assertThrows(UserError.class, () -> runner(List.of("adam"), List.of("synthetic-5k"), "cpu", 1).validate());
        assertThrows(UserError.class, () -> runner(List.of("adam"), List.of("no-such-task"), "cpu", 1).validate());
        assertThrows(UserError.class, () -> runner(List.of("adam"), List.of("synthetic-10k"), "cpu", 0).validate());
        UserError gpu = assertThrows(UserError.class,
                () -> runner(List.of("adam"), List.of("synthetic-10k"), "gpu", 1).validate());
        assertTrue(gpu.getMessage().contains("CUDA"), gpu.getMessage());
        assertTrue(gpu.getMessage().contains("--libtorch"), gpu.getMessage());
        assertThrows(UserError.class, () -> runner(List.of("adam"), List.of("synthetic-10k"), "tpu", 1).validate());
    }
}
