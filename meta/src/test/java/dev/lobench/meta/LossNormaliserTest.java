package dev.lobench.meta;

import ai.djl.ndarray.NDManager;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.learned.Arch;
import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-step loss normaliser of the meta-objective and the per-particle handling of non-finite estimates. */
class LossNormaliserTest {
    static final double MAX10 = 1.5 * Math.log(10);

    /** Inputs scaled down so that logits start near 0 and every loss stays near ln(classes), below 1.5 ln(classes). */
    static BatchedMlpProblem quiet(int n, int dim, int classes, int batch, long seed) {
        return BatchedMlpProblemTest.problem(n, dim, classes, new int[] {4}, batch, seed, 0.05);
    }

    @Test
    void clipBoundsEveryLoss() {
        assertEquals(0.7, LossNormaliser.CLIP.apply(0.7, 10), 0.0);
        assertEquals(0.0, LossNormaliser.CLIP.apply(-1.0, 10), 0.0);
        assertEquals(MAX10, LossNormaliser.CLIP.apply(168.7, 10), 1e-12);
        assertEquals(MAX10, LossNormaliser.CLIP.apply(Double.NaN, 10), 1e-12);
        assertEquals(MAX10, LossNormaliser.CLIP.apply(Double.POSITIVE_INFINITY, 10), 1e-12);
        assertEquals(1.5 * Math.log(2), LossNormaliser.CLIP.apply(Double.NEGATIVE_INFINITY, 2), 1e-12);
        // not a classification: unchanged
        assertEquals(168.7, LossNormaliser.CLIP.apply(168.7, 0), 0.0);
        assertTrue(Double.isNaN(LossNormaliser.NONE.apply(Double.NaN, 10)));
        assertEquals(LossNormaliser.CLIP, LossNormaliser.parse("Clip"));
        assertThrows(UserError.class, () -> LossNormaliser.parse("normalise"));
    }

    @Test
    void clippedUnrollBoundsAnExplodingRunAndFlagsIt() {
        BatchedMlpProblem problem = quiet(64, 5, 3, 8, 1);
        try (NDManager m = NDManager.newBaseManager(); Population a = problem.population(m, 2);
                Population b = problem.population(m, 2)) {
            // slot 0 trains sanely, slot 1 with a learning rate that blows the run up
            Optimizer[] opts = {new LogLrSgdArch((float) Math.log(0.05), 0f).build(new float[] {(float) Math.log(0.05)}),
                new LogLrSgdArch(0f, 0f).build(new float[] {(float) Math.log(1e6)})};
            for (Population p : new Population[] {a, b}) {
                p.reset(0, 1, opts[0]);
                p.reset(1, 1, opts[1]);
            }
            boolean[] flagsA = new boolean[2];
            boolean[] flagsB = new boolean[2];
            double[] raw = a.unroll(opts, new int[] {20, 20}, LossNormaliser.NONE, flagsA);
            double[] clipped = b.unroll(opts, new int[] {20, 20}, LossNormaliser.CLIP, flagsB);
            double max3 = 1.5 * Math.log(3);
            assertEquals(raw[0], clipped[0], 1e-12, "a sane run's losses stay below 1.5 ln 3: unchanged");
            assertTrue(!Double.isFinite(raw[1]) || raw[1] > max3, "the exploding run: " + raw[1]);
            assertTrue(clipped[1] <= max3 + 1e-12 && clipped[1] > 0.5 * max3, "clipped " + clipped[1]);
            assertFalse(flagsB[0]);
            assertEquals(flagsA[1], flagsB[1], "non-finite flags do not depend on the normaliser");
            assertEquals(!Double.isFinite(raw[1]), flagsA[1]);
        }
    }

    @Test
    void aNonFiniteParticleIsDroppedNotSpread() {
        try (NDManager m = NDManager.newBaseManager(); Population pop = EstimatorTest.QUAD.population(m, 6)) {
            Estimator est = Estimator.create(Estimator.Kind.TES, EstimatorTest.SGD, pop, 3, 0.01, 5, 100, false);
            double[] c = {1, Double.NaN, 2};
            double[] losses = {1, 5, 3, 1, 5, 1};
            Estimator.Estimate e = est.combine(new double[][] {{1}, {3}, {5}}, c, losses, 30);
            assertEquals((1 * 1 + 5 * 2) / 3.0, e.grad()[0], 1e-12, "the others keep their 1/N weight");
            assertEquals(1, e.dropped());
            assertEquals((0.5 * (1 + 1) + 0.5 * (3 + 1)) / 2, e.metaLoss(), 1e-12, "meta-loss over the kept particles");
            Estimator.Estimate none = est.combine(new double[][] {{1}, {1}, {1}}, new double[] {Double.NaN, Double.NaN,
                Double.POSITIVE_INFINITY}, losses, 30);
            assertEquals(0.0, none.grad()[0], 0.0);
            assertEquals(3, none.dropped());
            assertTrue(Double.isNaN(none.metaLoss()));
        }
    }

    @Test
    void smallFcEstimatesAreUnchangedWhenNoLossIsClipped() {
        // losses of a 10-class problem near ln 10 = 2.30 < 1.5 ln 10: the normaliser must change nothing
        BatchedMlpProblem problem = quiet(200, 6, 10, 16, 4);
        LearnedMetaArch arch = new LearnedMetaArch(Arch.SMALL_FC, 1);
        double[][] grads = new double[2][];
        double[] metaLoss = new double[2];
        int k = 0;
        for (LossNormaliser norm : LossNormaliser.values()) {
            try (NDManager m = NDManager.newBaseManager(); Population pop = problem.population(m, 8)) {
                Estimator est = Estimator.create(Estimator.Kind.PES, arch, pop, 4, 0.01, 5, 20, false).normaliser(norm);
                float[] theta = arch.initTheta(0);
                SplitRng rng = new SplitRng(9);
                est.init(theta, rng);
                Estimator.Estimate e = null;
                for (int i = 0; i < 3; i++) {
                    e = est.estimate(theta, rng);
                }
                grads[k] = e.grad();
                metaLoss[k] = e.metaLoss();
                assertTrue(metaLoss[k] < 1.5 * Math.log(10), "test premise: no loss is clipped, got " + metaLoss[k]);
                k++;
            }
        }
        assertArrayEquals(grads[0], grads[1], 0.0);
        assertEquals(metaLoss[0], metaLoss[1], 0.0);
    }
}
