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
    void badInputIsAUserError() {
        assertThrows(UserError.class, () -> runner(List.of("adamm"), List.of("synthetic-10k"), "cpu", 1).validate());
        assertThrows(UserError.class, () -> runner(List.of("adam"), List.of("synthetic-5k"), "cpu", 1).validate());
        assertThrows(UserError.class, () -> runner(List.of("adam"), List.of("no-such-task"), "cpu", 1).validate());
        assertThrows(UserError.class, () -> runner(List.of("adam"), List.of("synthetic-10k"), "cpu", 0).validate());
        UserError gpu = assertThrows(UserError.class,
                () -> runner(List.of("adam"), List.of("synthetic-10k"), "gpu", 1).validate());
        assertTrue(gpu.getMessage().contains("CUDA"), gpu.getMessage());
    }
}
