package dev.lobench.bench;

import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.results.CellRecord;
import dev.lobench.results.Outcome;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.TaskRegistry;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingLoopTest {
    private static final Task QUAD = TaskRegistry.fromParameters("quadratic", Map.of("dim", 20, "kappa", 10));

    private static CellRecord run(String opt, long seed, int steps) {
        CellSpec cell = new CellSpec(QUAD, opt, seed, steps, 10);
        return TrainingLoop.run(cell, OptimizerRegistry.create(opt, steps), DataContext.defaults(), "test", false, null);
    }

    @Test
    void sameSeedSameLosses() {
        CellRecord a = run("sgdm", 3, 40);
        CellRecord b = run("sgdm", 3, 40);
        CellRecord c = run("sgdm", 4, 40);
        assertEquals(Outcome.completed, a.outcome());
        assertArrayEquals(a.trainLoss(), b.trainLoss());
        assertTrue(a.trainLoss()[5] != c.trainLoss()[5], "another seed gives another stream");
        // evaluations at 0, 10, 20, 30, 40
        assertEquals(5, a.evals().size());
        assertEquals(40, a.evals().get(4).step());
    }

    @Test
    void divergenceIsRecordedNotThrown() {
        // hmax = 1 and SGD with lr 2.5: |1 - lr h| > 1 on the stiffest modes, the loss grows geometrically
        CellRecord r = run("sgd:lr=2.5", 0, 400);
        assertEquals(Outcome.diverged, r.outcome());
        assertTrue(r.trainLoss().length < 400, "stops at divergence");
        float last = r.trainLoss()[r.trainLoss().length - 1];
        assertTrue(!Float.isFinite(last) || last > 10 * r.initialLoss(), "last loss " + last);
        assertTrue(r.outcomeDetail().contains("initial loss") || r.outcomeDetail().contains("non-finite"),
                r.outcomeDetail());
    }

    @Test
    void divergenceFactorMovesTheStopAndIsRecorded() {
        CellSpec base = new CellSpec(QUAD, "sgd:lr=2.5", 0, 400, 10);
        CellRecord ten = TrainingLoop.run(base, OptimizerRegistry.create("sgd:lr=2.5", 400), DataContext.defaults(),
                "test", false, null);
        CellSpec wide = base.withDivergenceFactor(1e6);
        CellRecord million = TrainingLoop.run(wide, OptimizerRegistry.create("sgd:lr=2.5", 400),
                DataContext.defaults(), "test", false, null);
        assertEquals(Outcome.diverged, million.outcome());
        int n10 = ten.trainLoss().length;
        int n6 = million.trainLoss().length;
        assertTrue(n6 > n10, "a larger factor stops later: " + n10 + " vs " + n6);
        float[] prefix = java.util.Arrays.copyOf(million.trainLoss(), n10);
        assertArrayEquals(ten.trainLoss(), prefix, "the same trajectory up to the default stop");
        float last = million.trainLoss()[n6 - 1];
        assertTrue(!Float.isFinite(last) || last > 1e6 * million.initialLoss(), "last loss " + last);
        assertTrue(million.outcomeDetail().contains("1000000x") || million.outcomeDetail().contains("non-finite"),
                million.outcomeDetail());
        assertEquals(1e6, million.meta().get("divergenceFactor"));
        assertTrue(!ten.meta().containsKey("divergenceFactor"), "the default is not written");
        assertTrue(!base.key("v").equals(wide.key("v")), "the factor is part of the cell key");
        assertEquals(base.key("v"), base.withDivergenceFactor(TrainingLoop.DIVERGENCE_FACTOR).key("v"),
                "the default keeps the keys of earlier runs");
    }

    @Test
    @SuppressWarnings("unchecked")
    void paramStatsAtEveryEvaluation() {
        CellSpec plain = new CellSpec(QUAD, "sgdm", 2, 30, 10);
        CellSpec with = plain.withParamStats(true);
        CellRecord a = TrainingLoop.run(plain, OptimizerRegistry.create("sgdm", 30), DataContext.defaults(), "test", false, null);
        CellRecord b = TrainingLoop.run(with, OptimizerRegistry.create("sgdm", 30), DataContext.defaults(), "test", false, null);
        assertArrayEquals(a.trainLoss(), b.trainLoss(), "recording does not change training");
        assertTrue(!a.meta().containsKey("paramStats"));
        java.util.List<Map<String, Object>> stats = (java.util.List<Map<String, Object>>) b.meta().get("paramStats");
        assertEquals(b.evals().size(), stats.size());
        // the statistics of the initial parameters, computed here from a fresh instance of the same task and seed
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager();
                dev.lobench.tasks.TaskInstance inst = QUAD.instantiate(m, 2, DataContext.defaults())) {
            Map<String, Object> l2 = (Map<String, Object>) stats.get(0).get("l2");
            Map<String, Object> mx = (Map<String, Object>) stats.get(0).get("maxAbs");
            assertEquals(0, stats.get(0).get("step"));
            assertEquals(inst.params().size(), l2.size());
            for (dev.lobench.tasks.Param p : inst.params()) {
                float[] v = p.array().toFloatArray();
                double ss = 0;
                double max = 0;
                for (float x : v) {
                    ss += x * (double) x;
                    max = Math.max(max, Math.abs(x));
                }
                assertEquals(Math.sqrt(ss), (Double) l2.get(p.name()), 1e-9 * Math.max(1, Math.sqrt(ss)));
                assertEquals(max, (Double) mx.get(p.name()), 0.0);
            }
        }
        assertEquals(30, stats.get(stats.size() - 1).get("step"));
        assertTrue(!plain.key("v").equals(with.key("v")), "part of the cell key");
    }

    private static CellRecord run(CellSpec cell, String opt) {
        return TrainingLoop.run(cell, OptimizerRegistry.create(opt, cell.steps()), DataContext.defaults(), "test", false,
                null);
    }

    /** The block means of {@code l} (the record's rule, written out here): blocks of k steps from step 0. */
    private static float[] blockMeans(float[] l, int from, int to, int k) {
        java.util.List<Float> out = new java.util.ArrayList<>();
        for (int s = from; s < to; s += k) {
            double sum = 0;
            int e = Math.min(s + k, to);
            for (int t = s; t < e; t++) {
                sum += l[t];
            }
            out.add((float) (sum / (e - s)));
        }
        float[] a = new float[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }

    @Test
    void lossEveryRecordsBlockMeansOfTheSameTrainingAndKeepsPerStepCellsAsTheyWere() {
        CellSpec plain = new CellSpec(QUAD, "sgdm", 5, 43, 10);
        CellRecord one = run(plain, "sgdm");
        CellRecord five = run(plain.withLossEvery(5), "sgdm");
        assertEquals(null, one.lossEvery(), "a per-step record has no lossEvery");
        assertEquals(null, one.stepsRun());
        assertEquals(43, one.trainLoss().length);
        assertEquals(Outcome.completed, five.outcome());
        assertEquals(5, five.lossEvery());
        assertEquals(43, five.stepsRun());
        assertArrayEquals(blockMeans(one.trainLoss(), 0, 43, 5), five.trainLoss(), "9 blocks, the last of 3 steps");
        assertEquals(one.initialLoss(), five.initialLoss());
        assertEquals(one.evals(), five.evals(), "training is the same");
        assertEquals(plain.key("v"), plain.withLossEvery(1).key("v"), "K = 1 keeps the keys of earlier runs");
        assertTrue(!plain.key("v").equals(plain.withLossEvery(5).key("v")), "lossEvery is part of the cell key");
        // k = 4 steps of 43: K = 5 does not divide it; the mean is over steps 39..42 with the block 35..39
        // counted for its one step in the window
        double w = (five.trainLoss()[7] * 1.0 + five.trainLoss()[8] * 3.0) / 4;
        assertEquals(w, dev.lobench.results.CellMetrics.finalTrainLoss(five), 1e-9);
    }

    @Test
    void aStridedCellThatDivergesStillStopsAtTheSameStepAndRecordsItAlone() {
        CellSpec base = new CellSpec(QUAD, "sgd:lr=2.5", 0, 400, 10);
        CellRecord one = run(base, "sgd:lr=2.5");
        CellRecord ten = run(base.withLossEvery(10), "sgd:lr=2.5");
        assertEquals(Outcome.diverged, ten.outcome());
        assertEquals(one.outcomeDetail(), ten.outcomeDetail(), "divergence is checked on every step");
        int n = one.trainLoss().length;
        assertEquals(n, ten.stepsRun());
        float[] expected = java.util.Arrays.copyOf(blockMeans(one.trainLoss(), 0, n - 1, 10),
                blockMeans(one.trainLoss(), 0, n - 1, 10).length + 1);
        expected[expected.length - 1] = one.trainLoss()[n - 1];
        assertArrayEquals(expected, ten.trainLoss(), "blocks of the steps before the stop, then the stopping step");
        double last = dev.lobench.results.NormalisedLoss.finalLoss(ten);
        if (Float.isFinite(one.trainLoss()[n - 1])) {
            assertEquals(dev.lobench.results.NormalisedLoss.finalLoss(one), last, 0.0, "the stopping step's own loss");
        } else {
            assertTrue(Double.isFinite(last), "a finite loss before the stop, as in the per-step record");
        }
    }

    @Test
    void adamImprovesOnTheQuadratic() {
        CellRecord r = run("adam:lr=0.05", 1, 200);
        assertEquals(Outcome.completed, r.outcome());
        assertTrue(r.evals().get(r.evals().size() - 1).testLoss() < 0.5 * r.evals().get(0).testLoss());
        assertTrue(r.timing().updateSeconds() > 0 && r.timing().forwardBackwardSeconds() > 0);
    }
}
