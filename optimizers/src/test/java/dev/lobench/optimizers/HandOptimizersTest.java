package dev.lobench.optimizers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three updates of each optimizer on a vector w (shape [3]) and a scalar s (shape []) against an independent
 * double-precision reference written in textbook form (e.g. Adam with m_hat = m / (1 - beta1^t),
 * v_hat = v / (1 - beta2^t), p -= lr * m_hat / (sqrt(v_hat) + eps)). Gradients are fixed numbers per step.
 */
class HandOptimizersTest {
    static NDManager manager;

    static final double[] W0 = {0.5, -1.5, 2.0};
    static final double S0 = 0.7;

    /** Gradient of parameter j (0..2: w, 3: s) at step k. */
    static double grad(int k, int j) {
        switch (j) {
            case 0: return 0.1 * (k + 1);
            case 1: return -0.3;
            case 2: return 0.2 - 0.4 * k;
            default: return -0.25 + 0.5 * k;
        }
    }

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    static List<Param> freshParams() {
        float[] w = new float[W0.length];
        for (int j = 0; j < w.length; j++) {
            w[j] = (float) W0[j];
        }
        return List.of(new Param("w", manager.create(w)), new Param("s", manager.create((float) S0)));
    }

    static List<NDArray> grads(int k) {
        return List.of(manager.create(new float[] {(float) grad(k, 0), (float) grad(k, 1), (float) grad(k, 2)}),
                manager.create((float) grad(k, 3)));
    }

    /** Runs {@code steps} updates; returns the 4 parameter values (w0, w1, w2, s). */
    static double[] run(Optimizer opt, int steps) {
        List<Param> ps = freshParams();
        try (OptState st = opt.init(ps)) {
            for (int k = 0; k < steps; k++) {
                List<NDArray> g = grads(k);
                opt.update(ps, g, 1f, k, st);
                g.forEach(NDArray::close);
            }
        }
        double[] out = new double[4];
        float[] w = ps.get(0).array().toFloatArray();
        for (int j = 0; j < 3; j++) {
            out[j] = w[j];
        }
        assertEquals(0, ps.get(1).array().getShape().dimension(), "rank-0 parameter keeps its shape");
        out[3] = ps.get(1).array().getFloat();
        ps.forEach(p -> p.array().close());
        return out;
    }

    static double[] start() {
        return new double[] {W0[0], W0[1], W0[2], S0};
    }

    static void assertClose(double[] expected, double[] actual) {
        for (int j = 0; j < expected.length; j++) {
            double tol = 2e-6 * Math.max(1.0, Math.abs(expected[j]));
            assertEquals(expected[j], actual[j], tol, "element " + j);
        }
    }

    // ---------------- independent references ----------------

    /** SGD family in torch.optim.SGD form; lrs[k] is the learning rate of step k. */
    static double[] refSgd(double[] lrs, double mom, double damp, double wd, boolean nesterov) {
        double[] p = start();
        double[] b = new double[4];
        for (int k = 0; k < lrs.length; k++) {
            for (int j = 0; j < 4; j++) {
                double g = grad(k, j) + wd * p[j];
                double dir = g;
                if (mom != 0) {
                    b[j] = k == 0 ? g : mom * b[j] + (1 - damp) * g;
                    dir = nesterov ? g + mom * b[j] : b[j];
                }
                p[j] = p[j] - lrs[k] * dir;
            }
        }
        return p;
    }

    /** Adam/AdamW in textbook (bias-corrected moments) form; returns {p, m, v} after the steps. */
    static double[][] refAdam(double[] lrs, double b1, double b2, double eps, double wd, boolean decoupled) {
        double[] p = start();
        double[] m = new double[4];
        double[] v = new double[4];
        for (int k = 0; k < lrs.length; k++) {
            int t = k + 1;
            for (int j = 0; j < 4; j++) {
                double g = grad(k, j);
                if (decoupled) {
                    p[j] = p[j] - lrs[k] * wd * p[j];
                } else {
                    g = g + wd * p[j];
                }
                m[j] = b1 * m[j] + (1 - b1) * g;
                v[j] = b2 * v[j] + (1 - b2) * g * g;
                double mHat = m[j] / (1 - Math.pow(b1, t));
                double vHat = v[j] / (1 - Math.pow(b2, t));
                p[j] = p[j] - lrs[k] * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        return new double[][] {p, m, v};
    }

    static double[] constantLrs(double lr) {
        return new double[] {lr, lr, lr};
    }

    // ---------------- SGD family ----------------

    @Test
    void sgdWithWeightDecay() {
        Optimizer opt = OptimizerRegistry.create("sgd:lr=0.1,wd=0.01");
        assertClose(refSgd(constantLrs(0.1), 0, 0, 0.01, false), run(opt, 3));
    }

    @Test
    void sgdFirstStepByHand() {
        // w0 = 0.5, g = 0.1, lr = 0.1, wd = 0.01: 0.5 - 0.1 * (0.1 + 0.005) = 0.4895
        // s = 0.7, g = -0.25: 0.7 - 0.1 * (-0.25 + 0.007) = 0.7243
        double[] r = run(OptimizerRegistry.create("sgd:lr=0.1,wd=0.01"), 1);
        assertEquals(0.4895, r[0], 1e-6);
        assertEquals(0.7243, r[3], 1e-6);
    }

    @Test
    void heavyBallWithDampeningCopiesGradientOnFirstStep() {
        Optimizer opt = OptimizerRegistry.create("sgdm:lr=0.05,momentum=0.9,dampening=0.1,wd=0.01");
        assertClose(refSgd(constantLrs(0.05), 0.9, 0.1, 0.01, false), run(opt, 3));
        // by hand, s without decay: b1 = g0 = -0.25; b2 = 0.9*(-0.25) + 0.9*0.25 = 0 -> s = 0.7 + 0.0125 = 0.7125
        double[] r = run(OptimizerRegistry.create("sgdm:lr=0.05,momentum=0.9,dampening=0.1"), 2);
        assertEquals(0.7125, r[3], 1e-6);
    }

    @Test
    void nesterov() {
        Optimizer opt = OptimizerRegistry.create("nesterov:lr=0.05,momentum=0.9,wd=0.01");
        assertClose(refSgd(constantLrs(0.05), 0.9, 0, 0.01, true), run(opt, 3));
    }

    // ---------------- Adam family ----------------

    static Adam adam(double lr, double eps, double wd, boolean decoupled, Schedule s, boolean fused) {
        return new Adam("test", lr, 0.9, 0.999, eps, wd, decoupled, s, fused);
    }

    @Test
    void adamFusedAndOpByOpMatchPyTorchFormula() {
        double[] expected = refAdam(constantLrs(0.01), 0.9, 0.999, 1e-8, 0.1, false)[0];
        assertClose(expected, run(OptimizerRegistry.create("adam:lr=0.01,wd=0.1"), 3));
        assertClose(expected, run(adam(0.01, 1e-8, 0.1, false, Schedule.constant(), false), 3));
    }

    @Test
    void adamEpsIsAddedAfterBiasCorrection() {
        // eps = 0.1 is comparable to sqrt(v_hat): adding it to sqrt(v) before the bias correction (the MXNet form)
        // would change the result by far more than the tolerance.
        double[] expected = refAdam(constantLrs(0.01), 0.9, 0.999, 0.1, 0, false)[0];
        assertClose(expected, run(adam(0.01, 0.1, 0, false, Schedule.constant(), true), 3));
        assertClose(expected, run(adam(0.01, 0.1, 0, false, Schedule.constant(), false), 3));
        // first step by hand for s: m_hat = g = -0.25, v_hat = g^2, update = 0.01 * -0.25 / (0.25 + 0.1)
        double[] r = run(adam(0.01, 0.1, 0, false, Schedule.constant(), true), 1);
        assertEquals(0.7 + 0.01 * 0.25 / 0.35, r[3], 1e-6);
    }

    @Test
    void adamwDecouplesDecayAndFollowsSchedule() {
        // cosine over 3 steps: lr * (1 + cos(pi * k / 3)) / 2 = lr * {1, 0.75, 0.25}
        double[] lrs = {0.01, 0.0075, 0.0025};
        double[] expected = refAdam(lrs, 0.9, 0.999, 1e-8, 0.1, true)[0];
        assertClose(expected, run(OptimizerRegistry.create("adamw:lr=0.01,wd=0.1,schedule=cosine,steps=3"), 3));
        assertClose(expected, run(adam(0.01, 1e-8, 0.1, true, Schedule.cosine(3, 0, 0), false), 3));
    }

    @Test
    void sgdFollowsWarmupThenCosine() {
        // warmup 1 then cosine over the remaining 2 steps: {0.1, 0.1, 0.1 * (1 + cos(pi/2)) / 2 = 0.05}
        Optimizer opt = OptimizerRegistry.create("sgd:lr=0.1,schedule=cosine,warmup=1", 3);
        assertClose(refSgd(new double[] {0.1, 0.1, 0.05}, 0, 0, 0, false), run(opt, 3));
    }

    @Test
    void gradientsAreNotModified() {
        for (String spec : List.of("sgd:wd=0.1", "sgdm:wd=0.1,dampening=0.5", "nesterov:wd=0.1", "adam:wd=0.1",
                "adamw")) {
            Optimizer opt = OptimizerRegistry.create(spec);
            List<Param> ps = freshParams();
            try (OptState st = opt.init(ps)) {
                for (int k = 0; k < 2; k++) {
                    List<NDArray> g = grads(k);
                    opt.update(ps, g, 0f, k, st);
                    assertEquals((float) grad(k, 0), g.get(0).toFloatArray()[0], spec);
                    assertEquals((float) grad(k, 3), g.get(1).getFloat(), spec);
                }
            }
        }
    }

    // ---------------- state ----------------

    @Test
    void exportHoldsNamedMomentsAndRestoreContinuesIdentically() {
        Optimizer opt = OptimizerRegistry.create("adam:lr=0.01");
        List<Param> a = freshParams();
        List<Param> b = freshParams();
        try (OptState sa = opt.init(a); OptState sb = opt.init(b)) {
            for (int k = 0; k < 2; k++) {
                opt.update(a, grads(k), 0f, k, sa);
            }
            Map<String, float[]> exported = sa.export();
            assertEquals(List.of("w/exp_avg", "w/exp_avg_sq", "s/exp_avg", "s/exp_avg_sq"),
                    new ArrayList<>(exported.keySet()));
            double[][] ref = refAdam(new double[] {0.01, 0.01}, 0.9, 0.999, 1e-8, 0, false);
            // the moments as PyTorch defines them, to float32 precision (relative 1e-6)
            for (int j = 0; j < 4; j++) {
                String p = j < 3 ? "w" : "s";
                int idx = j < 3 ? j : 0;
                assertEquals(ref[1][j], exported.get(p + "/exp_avg")[idx], 1e-6 * Math.abs(ref[1][j]), "m " + j);
                assertEquals(ref[2][j], exported.get(p + "/exp_avg_sq")[idx], 1e-6 * Math.abs(ref[2][j]), "v " + j);
            }
            assertEquals(32, sa.bytes()); // 2 slots * (3 + 1) floats * 4 bytes

            sb.restore(exported);
            b.get(0).array().set(a.get(0).array().toFloatArray());
            b.get(1).array().set(a.get(1).array().toFloatArray());
            opt.update(a, grads(2), 0f, 2, sa);
            opt.update(b, grads(2), 0f, 2, sb);
            assertArrayEquals(a.get(0).array().toFloatArray(), b.get(0).array().toFloatArray());
            assertEquals(a.get(1).array().getFloat(), b.get(1).array().getFloat());
            assertClose(refAdam(constantLrs(0.01), 0.9, 0.999, 1e-8, 0, false)[0],
                    new double[] {b.get(0).array().toFloatArray()[0], b.get(0).array().toFloatArray()[1],
                        b.get(0).array().toFloatArray()[2], b.get(1).array().getFloat()});
        }
    }

    @Test
    void momentumStateKeysAndRestoreErrors() {
        Optimizer opt = OptimizerRegistry.create("sgdm");
        List<Param> ps = freshParams();
        try (OptState st = opt.init(ps)) {
            opt.update(ps, grads(0), 0f, 0, st);
            Map<String, float[]> e = st.export();
            assertEquals(List.of("w/momentum_buffer", "s/momentum_buffer"), new ArrayList<>(e.keySet()));
            assertEquals(-0.25f, e.get("s/momentum_buffer")[0]); // first step: buffer = gradient

            UserError missing = assertThrows(UserError.class, () -> st.restore(Map.of("w/momentum_buffer",
                    new float[3])));
            assertTrue(missing.getMessage().contains("missing entry 's/momentum_buffer'"), missing.getMessage());
            UserError size = assertThrows(UserError.class, () -> st.restore(Map.of("w/momentum_buffer",
                    new float[2], "s/momentum_buffer", new float[1])));
            assertTrue(size.getMessage().contains("'w/momentum_buffer' has 2 values, expected 3"),
                    size.getMessage());
        }
        try (OptState st = OptimizerRegistry.create("sgd").init(freshParams())) {
            assertTrue(st.export().isEmpty());
            assertEquals(0, st.bytes());
        }
    }

    // ---------------- resources and threads ----------------

    @Test
    void stepsLeaveNoArraysBehind() {
        for (String spec : List.of("sgd:wd=0.1", "sgdm:dampening=0.5,wd=0.1", "nesterov:wd=0.1", "adam:wd=0.1",
                "adamw:schedule=cosine,steps=10")) {
            Optimizer opt = OptimizerRegistry.create(spec);
            try (NDManager sub = manager.newSubManager()) {
                List<Param> ps = List.of(new Param("w", sub.ones(new ai.djl.ndarray.types.Shape(4, 5))),
                        new Param("s", sub.create(1f)));
                List<NDArray> g = List.of(sub.ones(new ai.djl.ndarray.types.Shape(4, 5)), sub.create(0.5f));
                OptState st = opt.init(ps);
                opt.update(ps, g, 0f, 0, st); // constants are created lazily on the first steps
                opt.update(ps, g, 0f, 1, st);
                int before = sub.getManagedArrays().size();
                for (int k = 2; k < 7; k++) {
                    opt.update(ps, g, 0f, k, st);
                }
                assertEquals(before, sub.getManagedArrays().size(), spec);
                st.close();
            }
        }
    }

    @Test
    void updatesWorkOnThreadsWhereAutogradIsOn() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<float[]> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try (NDManager sub = manager.newSubManager()) {
                GradMode.set(true);
                NDArray w = sub.create(new float[] {1f, 2f});
                w.setRequiresGradient(true);
                // control: without switching grad mode off, an in-place update of such a leaf throws
                assertThrows(Exception.class, () -> w.subi(sub.create(new float[] {1f, 1f})));
                Optimizer opt = OptimizerRegistry.create("sgd:lr=0.5");
                List<Param> ps = List.of(new Param("w", w));
                try (OptState st = opt.init(ps)) {
                    opt.update(ps, List.of(sub.create(new float[] {1f, -2f})), 0f, 0, st);
                }
                assertTrue(GradMode.isEnabled(), "grad mode restored after the update");
                result.set(w.toFloatArray());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        assertNull(failure.get(), () -> String.valueOf(failure.get()));
        // 1 - 0.5 * 1 = 0.5, 2 - 0.5 * (-2) = 3
        assertArrayEquals(new float[] {0.5f, 3f}, result.get());
    }

    @Test
    void rejectsForeignStateAndMismatchedGradients() {
        Optimizer a = OptimizerRegistry.create("adam");
        Optimizer b = OptimizerRegistry.create("adam");
        List<Param> ps = freshParams();
        try (OptState st = a.init(ps)) {
            assertThrows(IllegalArgumentException.class, () -> b.update(ps, grads(0), 0f, 0, st));
            assertThrows(IllegalArgumentException.class,
                    () -> a.update(ps, List.of(grads(0).get(1), grads(0).get(0)), 0f, 0, st));
            assertFalse(a == b);
        }
    }
}
