package dev.lobench.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.lobench.optimizers.learned.Arch;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;
import dev.lobench.tasks.data.IdxFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

class TaskMlpProblemTest {

    @Test
    void readsTheTaskParameters() {
        // the registry defines fmnist8-mlp32 as 8x8, hidden [32], batch 128 and fmnist-mlp128x128 as 28x28, [128, 128]
        TaskMlpProblem small = new TaskMlpProblem("fmnist8-mlp32", DataContext.defaults());
        assertEquals(8, small.resolution());
        assertArrayEquals(new int[] {32}, small.hidden());
        assertEquals(128, small.batch());
        assertEquals("fmnist8-mlp32/train", small.name());
        TaskMlpProblem big = new TaskMlpProblem("fmnist-mlp128x128", DataContext.defaults());
        assertEquals(28, big.resolution());
        assertArrayEquals(new int[] {128, 128}, big.hidden());
    }

    @Test
    void rejectsNonMlpAndUnknownTasks() {
        UserError e = assertThrows(UserError.class, () -> new TaskMlpProblem("fmnist-cnn16x32", DataContext.defaults()));
        assertTrue(e.getMessage().contains("mlp family"), e.getMessage());
        assertThrows(UserError.class, () -> new TaskMlpProblem("no-such-task", DataContext.defaults()));
    }

    @Test
    void innerSeedsNeverCollideWithBenchmarkSeeds() {
        for (long s : new long[] {Long.MIN_VALUE, -1, 0, 1, 2, 3, 999_999, Long.MAX_VALUE}) {
            long m = TaskMlpProblem.innerSeed(s);
            assertTrue(m >= 1_000_000L, s + " -> " + m);
        }
        assertTrue(TaskMlpProblem.innerSeed(4) != TaskMlpProblem.innerSeed(8));
    }

    @Test
    void populationHasJaxLayoutAndStartsNearChance(@TempDir Path data) throws IOException {
        IdxFiles.fashionMnistShaped(data);
        TaskMlpProblem p = new TaskMlpProblem("fmnist8-mlp32", new DataContext(java.util.Optional.of(data), false));
        LearnedMetaArch arch = new LearnedMetaArch(Arch.STAR, 1);
        try (NDManager m = NDManager.newBaseManager(); Population pop = p.population(m, 2)) {
            pop.reset(0, 7, arch.build(arch.initTheta(0)));
            pop.reset(1, 7, arch.build(arch.initTheta(0)));
            List<Param> ps = ((StackedPopulation) ((TaskMlpProblem.SeedMapped) pop).inner()).params(0);
            assertEquals(new ai.djl.ndarray.types.Shape(64, 32), ps.get(0).array().getShape(), "[in, out]");
            assertEquals(new ai.djl.ndarray.types.Shape(32, 10), ps.get(2).array().getShape());
            for (Param q : ps) {
                assertEquals(Param.Layout.GENERIC, q.layout());
            }
            assertTrue(pop.save(0).seed() >= TaskMlpProblem.SEED_BASE);
            var opt = arch.build(arch.initTheta(0));
            double[] first = pop.unroll(new dev.lobench.optimizers.Optimizer[] {opt, opt}, new int[] {1, 1});
            // 10 classes: a fresh He-initialised MLP on [0, 1] pixels starts near ln 10 = 2.3, within a few nats
            assertTrue(first[0] > 0.5 && first[0] < 10, "initial loss " + first[0]);
            assertEquals(first[0], first[1], 0.0, "same seed, same data, same loss");
        }
    }
}
