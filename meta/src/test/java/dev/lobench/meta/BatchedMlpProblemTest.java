package dev.lobench.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

class BatchedMlpProblemTest {

    static BatchedMlpProblem problem(int n, int dim, int classes, int[] hidden, int batch, long seed) {
        return problem(n, dim, classes, hidden, batch, seed, 1.0);
    }

    /** As above with every input multiplied by {@code scale}. */
    static BatchedMlpProblem problem(int n, int dim, int classes, int[] hidden, int batch, long seed, double scale) {
        SplitRng r = new SplitRng(seed);
        float[] x = new float[n * dim];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(classes);
            for (int k = 0; k < dim; k++) {
                x[i * dim + k] = (float) (scale * (r.nextGaussian() + (k % classes == y[i] ? 1.0 : 0.0)));
            }
        }
        return new BatchedMlpProblem("synthetic", x, y, dim, classes, hidden, batch);
    }

    /** Records the gradients it is given; never changes the parameters. */
    static final class Capture implements Optimizer {
        final List<float[]> grads = new ArrayList<>();

        @Override
        public String name() {
            return "capture";
        }

        @Override
        public OptState init(List<Param> params) {
            return OptState.none();
        }

        @Override
        public void update(List<Param> params, List<NDArray> g, float loss, long step, OptState state) {
            grads.clear();
            for (NDArray a : g) {
                grads.add(a.toFloatArray());
            }
        }
    }

    @Test
    void slotViewsWriteThroughToStackedParameters() {
        BatchedMlpProblem p = problem(32, 4, 3, new int[] {5}, 8, 1);
        try (NDManager m = NDManager.newBaseManager(); BatchedMlpProblem.Pop pop = p.population(m, 3)) {
            Optimizer opt = new LogLrSgdArch(0f, 0f).build(new float[] {0f});
            for (int j = 0; j < 3; j++) {
                pop.reset(j, 100 + j, opt);
            }
            float[] before = pop.save(1).params().get("layer0/w");
            float[] other = pop.save(2).params().get("layer0/w");
            NDArray view = pop.params(1).get(0).array();
            view.subi(1f);
            float[] after = pop.save(1).params().get("layer0/w");
            for (int i = 0; i < before.length; i++) {
                assertEquals(before[i] - 1f, after[i], 1e-6f);
            }
            assertArrayEquals(other, pop.save(2).params().get("layer0/w"), "neighbouring slot untouched");
        }
    }

    @Test
    void batchedPopulationEqualsSeparateRuns() {
        BatchedMlpProblem p = problem(40, 6, 3, new int[] {7, 5}, 8, 2);
        float[] logLr = {-1f, -2f, -0.5f};
        double[] batchedLoss;
        List<Map<String, float[]>> batchedParams = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(); Population pop = p.population(m, 3)) {
            Optimizer[] opts = new Optimizer[3];
            for (int j = 0; j < 3; j++) {
                opts[j] = new LogLrSgdArch(0f, 0.9f).build(new float[] {logLr[j]});
                pop.reset(j, 10 + j, opts[j]);
            }
            batchedLoss = pop.unroll(opts, new int[] {7, 7, 7}); // 7 * 8 > 40 examples: crosses an epoch
            for (int j = 0; j < 3; j++) {
                batchedParams.add(pop.save(j).params());
            }
        }
        for (int j = 0; j < 3; j++) {
            try (NDManager m = NDManager.newBaseManager(); Population pop = p.population(m, 1)) {
                Optimizer opt = new LogLrSgdArch(0f, 0.9f).build(new float[] {logLr[j]});
                pop.reset(0, 10 + j, opt);
                double loss = pop.unroll(new Optimizer[] {opt}, new int[] {7})[0];
                assertEquals(loss, batchedLoss[j], 1e-5);
                for (var e : pop.save(0).params().entrySet()) {
                    assertArrayEquals(e.getValue(), batchedParams.get(j).get(e.getKey()), 1e-5f, e.getKey());
                }
            }
        }
        assertNotEquals(batchedLoss[0], batchedLoss[1]);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        BatchedMlpProblem p = problem(16, 3, 3, new int[] {4}, 16, 3);
        int[][] coords = {{0, 0}, {0, 5}, {1, 2}, {2, 7}, {3, 1}}; // (tensor, index)
        int slots = 1 + 2 * coords.length;
        float h = 1e-2f;
        try (NDManager m = NDManager.newBaseManager(); BatchedMlpProblem.Pop pop = p.population(m, slots)) {
            Capture cap = new Capture();
            Optimizer none = new Capture(); // loss only, parameters unchanged
            for (int s = 0; s < slots; s++) {
                pop.reset(s, 77, s == 0 ? cap : none);
            }
            for (int c = 0; c < coords.length; c++) {
                for (int sgn = 0; sgn < 2; sgn++) {
                    NDArray a = pop.params(1 + 2 * c + sgn).get(coords[c][0]).array();
                    float[] delta = new float[(int) a.size()];
                    delta[coords[c][1]] = sgn == 0 ? h : -h;
                    // in place through the view (NDArray.set(float[]) on a view does not write through)
                    a.addi(m.create(delta, a.getShape()));
                }
            }
            Optimizer[] opts = new Optimizer[slots];
            int[] steps = new int[slots];
            for (int s = 0; s < slots; s++) {
                opts[s] = s == 0 ? cap : none;
                steps[s] = 1;
            }
            double[] loss = pop.unroll(opts, steps);
            for (int c = 0; c < coords.length; c++) {
                double fd = (loss[1 + 2 * c] - loss[2 + 2 * c]) / (2 * h);
                double an = cap.grads.get(coords[c][0])[coords[c][1]];
                assertEquals(fd, an, 2e-3 + 0.02 * Math.abs(an), "coord " + c);
            }
        }
    }

    @Test
    void badDataIsAUserError() {
        assertThrows(UserError.class, () -> new BatchedMlpProblem("x", new float[6], new int[] {0, 3}, 3, 3, new int[0], 2));
        assertThrows(UserError.class, () -> new BatchedMlpProblem("x", new float[5], new int[] {0, 1}, 3, 3, new int[0], 2));
    }

    /** Delegates {@code update} only, so a population cannot take its buffer path: the per-slot tensor-view path. */
    static Optimizer viewsOnly(Optimizer o) {
        return new Optimizer() {
            @Override
            public String name() {
                return o.name();
            }

            @Override
            public OptState init(List<Param> params) {
                return o.init(params);
            }

            @Override
            public void update(List<Param> params, List<NDArray> g, float loss, long step, OptState state) {
                o.update(params, g, loss, step, state);
            }
        };
    }

    @Test
    void bufferPathUpdatesEqualPerSlotViewUpdates() {
        BatchedMlpProblem prob = problem(300, 6, 3, new int[] {5}, 16, 4);
        List<MetaArch> archs = List.of(new LearnedMetaArch(dev.lobench.optimizers.learned.Arch.STAR, 1),
                new LearnedMetaArch(dev.lobench.optimizers.learned.Arch.SMALL_FC, 2),
                new VeloMetaArch(4, 3, 40));
        for (MetaArch arch : archs) {
            Optimizer[] fast = new Optimizer[3];
            Optimizer[] slow = new Optimizer[3];
            for (int j = 0; j < 3; j++) {
                float[] th = arch.initTheta(j);
                fast[j] = arch.build(th);
                slow[j] = viewsOnly(arch.build(th));
                assertEquals(true, fast[j] instanceof dev.lobench.optimizers.BufferUpdate, arch.name());
            }
            try (NDManager m = NDManager.newBaseManager();
                    Population a = prob.population(m, 3);
                    Population b = prob.population(m, 3)) {
                for (int j = 0; j < 3; j++) {
                    a.reset(j, 10 + j, fast[j]);
                    b.reset(j, 10 + j, slow[j]);
                }
                int[] steps = {7, 0, 5};
                double[] la = a.unroll(fast, steps);
                double[] lb = b.unroll(slow, steps);
                assertArrayEquals(lb, la, arch.name());
                la = a.unroll(fast, new int[] {3, 4, 3});
                lb = b.unroll(slow, new int[] {3, 4, 3});
                assertArrayEquals(lb, la, arch.name());
                // a restart and a copy after the stacked views were taken: the views must still see the tensors
                a.reset(0, 99, fast[0]);
                b.reset(0, 99, slow[0]);
                a.copy(2, 1);
                b.copy(2, 1);
                la = a.unroll(fast, new int[] {4, 2, 1});
                lb = b.unroll(slow, new int[] {4, 2, 1});
                assertArrayEquals(lb, la, arch.name() + " after reset/copy");
                for (int j = 0; j < 3; j++) {
                    SlotSnapshot sa = a.save(j);
                    SlotSnapshot sb = b.save(j);
                    assertEquals(sb.step(), sa.step());
                    for (String k : sb.params().keySet()) {
                        assertArrayEquals(sb.params().get(k), sa.params().get(k), arch.name() + " slot " + j + " " + k);
                    }
                    for (String k : sb.optState().keySet()) {
                        assertArrayEquals(sb.optState().get(k), sa.optState().get(k), arch.name() + " state " + k);
                    }
                }
                // the runs moved
                assertNotEquals(0.0, la[0] - la[1]);
            }
        }
    }
}
