package dev.lobench.optimizers.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lobench.optimizers.OptState;
import dev.lobench.tasks.Param;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Reference (NDArray) vs fused (CPU kernel) over 200 steps, and thread-count independence of the fused kernel. */
class ParityTest {
    static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    record Spec(String name, long[] shape, Param.Layout layout, double gradScale) {}

    static final List<Spec> SPECS = List.of(
            new Spec("scalar", new long[] {}, Param.Layout.GENERIC, 1.0),
            new Spec("bias7", new long[] {7}, Param.Layout.GENERIC, 0.1),
            new Spec("sq5", new long[] {5, 5}, Param.Layout.GENERIC, 2.0),
            new Spec("k3346", new long[] {3, 3, 4, 6}, Param.Layout.GENERIC, 0.5),
            new Spec("lin57", new long[] {5, 7}, Param.Layout.LINEAR_OUT_IN, 1.0),
            new Spec("conv6433", new long[] {6, 4, 3, 3}, Param.Layout.CONV_OIHW, 0.3),
            new Spec("conv16tie", new long[] {16, 16, 3, 3}, Param.Layout.CONV_OIHW, 1e-3),
            new Spec("conv2155", new long[] {2, 1, 5, 5}, Param.Layout.CONV_OIHW, 1.0));

    static List<Param> makeParams(List<Spec> specs, long seed) {
        Random r = new Random(seed);
        List<Param> ps = new ArrayList<>();
        for (Spec s : specs) {
            Shape shape = new Shape(s.shape);
            float[] v = new float[(int) shape.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextGaussian();
            }
            ps.add(new Param(s.name, manager.create(v, shape), s.layout));
        }
        return ps;
    }

    static List<NDArray> makeGrads(List<Spec> specs, Random r) {
        List<NDArray> gs = new ArrayList<>();
        for (Spec s : specs) {
            Shape shape = new Shape(s.shape);
            float[] v = new float[(int) shape.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * s.gradScale * (1 + 0.5 * Math.sin(i)));
            }
            gs.add(manager.create(v, shape));
        }
        return gs;
    }

    void parity(Theta theta, float wd, int steps) {
        List<Param> pr = makeParams(SPECS, 1);
        List<Param> pf = makeParams(SPECS, 1);
        LearnedOptimizer ref = LearnedOptimizers.create(theta, LearnedOptimizer.Impl.REFERENCE, wd, 0);
        LearnedOptimizer fus = LearnedOptimizers.create(theta, LearnedOptimizer.Impl.FUSED, wd, 0);
        OptState sr = ref.init(pr);
        OptState sf = fus.init(pf);
        Random gr = new Random(2);
        double worst = 0;
        for (int step = 0; step < steps; step++) {
            List<NDArray> grads = makeGrads(SPECS, gr);
            ref.update(pr, grads, 1f, step, sr);
            fus.update(pf, grads, 1f, step, sf);
            grads.forEach(NDArray::close);
        }
        for (int i = 0; i < SPECS.size(); i++) {
            float[] a = pr.get(i).array().toFloatArray();
            float[] b = pf.get(i).array().toFloatArray();
            float[] init = makeParams(List.of(SPECS.get(i)), 1).get(0).array().toFloatArray();
            for (int k = 0; k < a.length; k++) {
                // 1e-5 relative, with an absolute floor of 1e-7 (about one float ulp of the unit-scale parameters)
                double diff = Math.abs(a[k] - b[k]);
                worst = Math.max(worst, diff / Math.max(Math.abs(a[k]), 1e-2));
                if (diff > 1e-5 * Math.max(Math.abs(a[k]), Math.abs(b[k])) + 1e-7) {
                    fail(theta.arch() + " " + SPECS.get(i).name + "[" + k + "]: reference " + a[k] + " fused " + b[k]);
                }
            }
            // the optimizer must actually have moved every tensor
            double moved = 0;
            for (int k = 0; k < a.length; k++) {
                moved = Math.max(moved, Math.abs(a[k] - init[k]));
            }
            assertTrue(moved > 1e-3, SPECS.get(i).name + " did not move: " + moved);
        }
        // the states agree too (same slot names)
        Map<String, float[]> er = sr.export();
        Map<String, float[]> ef = sf.export();
        assertEquals(er.keySet(), ef.keySet());
        for (String k : er.keySet()) {
            float[] a = er.get(k);
            float[] b = ef.get(k);
            assertEquals(a.length, b.length, k);
            for (int j = 0; j < a.length; j++) {
                double tol = 1e-4 * Math.abs(a[j]) + 1e-30;
                if (Math.abs(a[j] - b[j]) > tol) {
                    fail("state " + k + "[" + j + "]: reference " + a[j] + " fused " + b[j]);
                }
            }
        }
        System.out.printf("parity %s wd=%s: worst param difference relative to max(|p|, 0.01) %.3g%n", theta.arch(), wd, worst);
        sr.close();
        sf.close();
    }

    @Test
    void starThetaInit20Steps() {
        parity(Theta.init(Arch.STAR, 3), 0f, 20);
    }

    @Test
    void smallFcThetaInit50Steps() {
        parity(Theta.init(Arch.SMALL_FC, 4), 0f, 50);
    }

    @Test
    void starRandomThetaWithWeightDecay200Steps() {
        parity(ScalarSpecTest.randomTheta(Arch.STAR, 7), 0.01f, 200);
    }

    @Test
    void fusedIsIndependentOfThreadCount() {
        // several chunks per tensor: factored with both axis orders and a non-factored vector
        List<Spec> specs = List.of(
                new Spec("big", new long[] {130, 300}, Param.Layout.LINEAR_OUT_IN, 1.0),
                new Spec("bigconv", new long[] {40, 30, 3, 5}, Param.Layout.CONV_OIHW, 1.0),
                new Spec("vec", new long[] {40000}, Param.Layout.GENERIC, 1.0));
        Theta theta = ScalarSpecTest.randomTheta(Arch.STAR, 9);
        float[][] results = new float[3][];
        int[] threads = {1, 2, 3};
        for (int ti = 0; ti < threads.length; ti++) {
            List<Param> ps = makeParams(specs, 5);
            LearnedOptimizer opt = LearnedOptimizers.create(theta, LearnedOptimizer.Impl.FUSED, 0f, threads[ti]);
            OptState st = opt.init(ps);
            Random gr = new Random(6);
            for (int step = 0; step < 3; step++) {
                List<NDArray> g = makeGrads(specs, gr);
                opt.update(ps, g, 1f, step, st);
                g.forEach(NDArray::close);
            }
            List<Float> all = new ArrayList<>();
            for (Param p : ps) {
                for (float v : p.array().toFloatArray()) {
                    all.add(v);
                }
            }
            results[ti] = new float[all.size()];
            for (int i = 0; i < all.size(); i++) {
                results[ti][i] = all.get(i);
            }
        }
        assertTrue(results[0].length > 3 * FusedLearnedOptimizer.CHUNK);
        assertArrayEquals(results[0], results[1], 0f);
        assertArrayEquals(results[0], results[2], 0f);
    }

    @Test
    void fusedMatchesReferenceOnMultiChunkTensors() {
        List<Spec> specs = List.of(
                new Spec("big", new long[] {130, 300}, Param.Layout.LINEAR_OUT_IN, 1.0),
                new Spec("vec", new long[] {40000}, Param.Layout.GENERIC, 1.0));
        Theta theta = ScalarSpecTest.randomTheta(Arch.SMALL_FC, 10);
        List<Param> pr = makeParams(specs, 8);
        List<Param> pf = makeParams(specs, 8);
        LearnedOptimizer ref = LearnedOptimizers.create(theta, LearnedOptimizer.Impl.REFERENCE);
        LearnedOptimizer fus = LearnedOptimizers.create(theta, LearnedOptimizer.Impl.FUSED, 0f, 2);
        OptState sr = ref.init(pr);
        OptState sf = fus.init(pf);
        Random gr = new Random(3);
        for (int step = 0; step < 5; step++) {
            List<NDArray> g = makeGrads(specs, gr);
            ref.update(pr, g, 1f, step, sr);
            fus.update(pf, g, 1f, step, sf);
            g.forEach(NDArray::close);
        }
        for (int i = 0; i < specs.size(); i++) {
            float[] a = pr.get(i).array().toFloatArray();
            float[] b = pf.get(i).array().toFloatArray();
            for (int k = 0; k < a.length; k++) {
                assertEquals(a[k], b[k], 1e-5 * Math.abs(a[k]) + 1e-7, specs.get(i).name + "[" + k + "]");
            }
        }
    }
}
