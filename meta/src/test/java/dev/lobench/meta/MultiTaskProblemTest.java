package dev.lobench.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.learned.Arch;
import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

class MultiTaskProblemTest {

    static final BatchedMlpProblem A = BatchedMlpProblemTest.problem(80, 6, 3, new int[] {5}, 8, 4);
    static final BatchedMlpProblem B = BatchedMlpProblemTest.problem(90, 4, 2, new int[] {3, 3}, 4, 9);

    @Test
    void pairsTrainTaskIModTAndMatchSeparatePopulations() {
        MultiTaskProblem mt = new MultiTaskProblem(List.of(A, B));
        // 3 particle pairs: slots 0,3 -> A; 1,4 -> B; 2,5 -> A
        int[] want = {0, 1, 0, 0, 1, 0};
        for (int s = 0; s < 6; s++) {
            assertEquals(want[s], mt.problemOf(s, 6), "slot " + s);
        }
        LearnedMetaArch arch = new LearnedMetaArch(Arch.SMALL_FC, 1);
        Optimizer[] opts = new Optimizer[6];
        for (int s = 0; s < 6; s++) {
            opts[s] = arch.build(arch.initTheta(s));
        }
        int[] steps = {3, 4, 0, 3, 2, 5};
        try (NDManager m = NDManager.newBaseManager();
                Population mix = mt.population(m, 6);
                Population pa = A.population(m, 4);
                Population pb = B.population(m, 2)) {
            for (int s = 0; s < 6; s++) {
                mix.reset(s, 100 + s, opts[s]);
            }
            int[] aSlots = {0, 2, 3, 5};
            int[] bSlots = {1, 4};
            for (int i = 0; i < 4; i++) {
                pa.reset(i, 100 + aSlots[i], opts[aSlots[i]]);
            }
            for (int i = 0; i < 2; i++) {
                pb.reset(i, 100 + bSlots[i], opts[bSlots[i]]);
            }
            double[] lm = mix.unroll(opts, steps);
            double[] la = pa.unroll(new Optimizer[] {opts[0], opts[2], opts[3], opts[5]},
                    new int[] {steps[0], steps[2], steps[3], steps[5]});
            double[] lb = pb.unroll(new Optimizer[] {opts[1], opts[4]}, new int[] {steps[1], steps[4]});
            assertEquals(la[0], lm[0]);
            assertTrue(Double.isNaN(lm[2]), "idle slot");
            assertEquals(la[2], lm[3]);
            assertEquals(la[3], lm[5]);
            assertEquals(lb[0], lm[1]);
            assertEquals(lb[1], lm[4]);
            assertEquals(4, mix.step(1));
            // the tasks differ: B's parameters have B's shapes
            assertTrue(mix.save(1).params().get("layer0/w").length != mix.save(0).params().get("layer0/w").length);
            // copy within a task works, across tasks is refused
            mix.copy(0, 3);
            assertArrayEquals(mix.save(0).params().get("layer0/w"), mix.save(3).params().get("layer0/w"));
            assertThrows(IllegalArgumentException.class, () -> mix.copy(0, 1));
            // save/load round trip on a B slot
            SlotSnapshot snap = mix.save(4);
            mix.reset(4, 7, opts[4]);
            mix.load(4, snap);
            assertArrayEquals(snap.params().get("layer1/w"), mix.save(4).params().get("layer1/w"));
        }
        assertEquals(A.name() + "+" + B.name(), mt.name());
        UserError e = assertThrows(UserError.class, () -> {
            try (NDManager m = NDManager.newBaseManager()) {
                mt.population(m, 2).close();
            }
        });
        assertTrue(e.getMessage().contains("at least 2 particle pairs"), e.getMessage());
    }

    @Test
    void metaTrainsOnTwoTasksAndResumesBitIdentically(@TempDir Path dir) throws IOException {
        MultiTaskProblem mt = new MultiTaskProblem(List.of(A, B));
        LearnedMetaArch arch = new LearnedMetaArch(Arch.STAR, 1);
        java.util.function.BiFunction<Path, Integer, MetaTrainer.Builder> cfg = (out, n) -> MetaTrainer
                .builder(arch, mt, out).particles(2).trunc(3).horizon(9).outerSteps(n).sigma(0.01).metaLr(1e-3)
                .seed(2).checkpointEvery(2);
        ThetaSink none = (a, t, o) -> { };
        MetaTrainer.Result ra = MetaTrainer.run(cfg.apply(dir.resolve("a/w.safetensors"), 4).build(), none, null);
        MetaTrainer.run(cfg.apply(dir.resolve("b/w.safetensors"), 2).build(), none, null);
        MetaTrainer.Result rb = MetaTrainer.run(cfg.apply(dir.resolve("b/w.safetensors"), 4).resume(true).build(), none,
                null);
        assertFalse(java.util.Arrays.equals(arch.initTheta(2), ra.theta()), "theta moved");
        assertArrayEquals(ra.theta(), rb.theta());
        assertTrue(Double.isFinite(ra.lastMetaLoss()));
    }
}
