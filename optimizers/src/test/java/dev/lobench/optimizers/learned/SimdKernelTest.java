package dev.lobench.optimizers.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.tasks.Param;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vector kernels ({@link SimdKernels}) against the scalar loops of {@link FusedLearnedOptimizer} and
 * {@link VeloOptimizer}: bit-identical parameters and state, and the scalar fallback on a JVM without the vector module.
 */
class SimdKernelTest {
    static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        ParityTest.manager = manager;
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /**
     * Multi-chunk factored tensors with a last block that is not a multiple of the vector length, both axis orders,
     * 4-d conv kernels, a tensor smaller than one vector, and non-factored ones (which stay on the scalar loops).
     */
    static final List<ParityTest.Spec> SPECS = List.of(
            new ParityTest.Spec("big", new long[] {130, 301}, Param.Layout.LINEAR_OUT_IN, 1.0),
            new ParityTest.Spec("tall", new long[] {301, 37}, Param.Layout.LINEAR_OUT_IN, 0.2),
            new ParityTest.Spec("conv", new long[] {8, 3, 5, 5}, Param.Layout.CONV_OIHW, 0.5),
            new ParityTest.Spec("conv16tie", new long[] {16, 16, 3, 3}, Param.Layout.CONV_OIHW, 1e-3),
            new ParityTest.Spec("tiny", new long[] {3, 2}, Param.Layout.LINEAR_OUT_IN, 1.0),
            new ParityTest.Spec("bias", new long[] {130}, Param.Layout.GENERIC, 0.1));

    @Test
    void theTestJvmHasTheVectorModule() {
        // surefire's argLine adds jdk.incubator.vector; without it the comparisons below would not test anything
        assertTrue(Simd.ENABLED, Simd.describe());
        assertTrue(Simd.describe().startsWith("FloatVector"), Simd.describe());
        assertTrue(new FusedLearnedOptimizer(ScalarSpecTest.randomTheta(Arch.STAR, 1), 0f, 1).simd());
    }

    @Test
    void scalarIsChosenByPropertyOrMissingModule() {
        assertNull(Simd.scalarReason(null, true, true));
        assertNull(Simd.scalarReason("true", true, true));
        assertTrue(Simd.scalarReason("false", true, true).contains("lobench.simd=false"));
        assertTrue(Simd.scalarReason(" FALSE ", true, true).contains("lobench.simd=false"));
        assertTrue(Simd.scalarReason(null, false, true).contains("--add-modules jdk.incubator.vector"));
        assertTrue(Simd.scalarReason(null, true, false).contains(Simd.DONT_INLINE));
    }

    @Test
    void starIsBitIdentical() {
        compare(ScalarSpecTest.randomTheta(Arch.STAR, 11), 0f, 40, 2);
    }

    @Test
    void starWithWeightDecayIsBitIdentical() {
        compare(ScalarSpecTest.randomTheta(Arch.STAR, 12), 0.01f, 40, 1);
    }

    @Test
    void smallFcIsBitIdentical() {
        compare(ScalarSpecTest.randomTheta(Arch.SMALL_FC, 13), 0f, 40, 3);
    }

    @Test
    void expOutsideThePolynomialRangeIsBitIdentical() {
        // output biases of about 62.5 (the polynomial's bound 1/16 / 0.001) put some lanes on each side of it
        Theta t = ScalarSpecTest.randomTheta(Arch.STAR, 14);
        float[] b2 = t.b2().clone();
        b2[1] = 62f;
        b2[2] = -62f;
        Theta wide = new Theta(Arch.STAR, t.momentumDecays(), t.rmsDecays(), t.adafactorDecays(), t.w0(), t.b0(),
                t.w1(), t.b1(), t.w2(), b2);
        compare(wide, 0.02f, 10, 2);
    }

    /** Runs the vector and the scalar kernel side by side and requires equal bits after every step. */
    private static void compare(Theta theta, float wd, int steps, int threads) {
        compare(new FusedLearnedOptimizer(theta, wd, threads, true), new FusedLearnedOptimizer(theta, wd, threads, false),
                steps, 1e-4);
    }

    /**
     * Steps vec and sca side by side on the same gradients (and losses) and requires equal parameter bits after every
     * step, equal exported state at the end, and that the first tensor moved by more than minMove.
     */
    private static void compare(Optimizer vec, Optimizer sca, int steps, double minMove) {
        List<Param> pv = ParityTest.makeParams(SPECS, 4);
        List<Param> ps = ParityTest.makeParams(SPECS, 4);
        OptState sv = vec.init(pv);
        OptState ss = sca.init(ps);
        Random gr = new Random(5);
        float[] first = pv.get(0).array().toFloatArray();
        for (int step = 0; step < steps; step++) {
            List<NDArray> g = ParityTest.makeGrads(SPECS, gr);
            float loss = 2f - 0.05f * step;
            vec.update(pv, g, loss, step, sv);
            sca.update(ps, g, loss, step, ss);
            g.forEach(NDArray::close);
            for (int i = 0; i < SPECS.size(); i++) {
                assertArrayEquals(ps.get(i).array().toFloatArray(), pv.get(i).array().toFloatArray(), 0f,
                        "step " + step + " " + SPECS.get(i).name());
            }
        }
        Map<String, float[]> ev = sv.export();
        Map<String, float[]> es = ss.export();
        assertEquals(es.keySet(), ev.keySet());
        for (String k : es.keySet()) {
            assertArrayEquals(es.get(k), ev.get(k), 0f, k);
        }
        float[] last = pv.get(0).array().toFloatArray();
        double moved = 0;
        for (int i = 0; i < last.length; i++) {
            moved = Math.max(moved, Math.abs(last[i] - first[i]));
        }
        assertTrue(moved > minMove, "the parameters did not move: " + moved);
        sv.close();
        ss.close();
    }

    @Test
    void veloStyleIsBitIdentical() {
        compareVelo(VeloTheta.initMeta(6, 4, 15), 12, 2);
    }

    @Test
    void veloStyleWithExpOutsideThePolynomialRangeIsBitIdentical() {
        // the mixed MLP is sqrt(K) mean_k theta_k at initMeta: an exp-argument bias of 62 (the polynomial's bound is
        // 1/16 / 0.001 = 62.5) puts lanes on both sides of it, so blocks fall back to the scalar loops
        VeloTheta t = VeloTheta.initMeta(6, 4, 16);
        float[] flat = t.flat().clone();
        int ob2 = t.offset("bank_b2");
        for (int k = 0; k < 4; k++) {
            flat[ob2 + k * 3 + 1] = 62f / 2f;
        }
        compareVelo(new VeloTheta(6, 4, flat), 6, 1);
    }

    /** velo-style with the vector and the scalar loops side by side: equal bits after every step. */
    private static void compareVelo(VeloTheta theta, int steps, int threads) {
        VeloOptimizer vec = new VeloOptimizer(theta, 50).threads(threads).simd(true);
        assertTrue(vec.simd());
        compare(vec, new VeloOptimizer(theta, 50).threads(threads).simd(false), steps, 1e-5);
    }

    /** A JVM started without --add-modules jdk.incubator.vector runs the scalar kernel and trains. */
    @Test
    void withoutTheModuleTheScalarKernelRuns() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), NoModuleMain.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("kernel=scalar: module jdk.incubator.vector not resolved"), out);
        assertFalse(out.contains("simd=true"), out);
        assertTrue(out.contains("moved=true"), out);
    }

    /** Child of {@link #withoutTheModuleTheScalarKernelRuns}: one star step, prints the kernel and whether p moved. */
    public static final class NoModuleMain {
        public static void main(String[] args) {
            System.out.println("kernel=" + Simd.describe());
            try (NDManager m = NDManager.newBaseManager()) {
                ParityTest.manager = m;
                List<Param> ps = ParityTest.makeParams(SPECS, 4);
                float[] before = ps.get(0).array().toFloatArray();
                FusedLearnedOptimizer opt = (FusedLearnedOptimizer) LearnedOptimizers.create(
                        ScalarSpecTest.randomTheta(Arch.STAR, 11), LearnedOptimizer.Impl.FUSED, 0f, 1);
                System.out.println("simd=" + opt.simd());
                OptState st = opt.init(ps);
                List<NDArray> g = ParityTest.makeGrads(SPECS, new Random(5));
                opt.update(ps, g, 1f, 0, st);
                float[] after = ps.get(0).array().toFloatArray();
                assertNotNull(after);
                boolean moved = false;
                for (int i = 0; i < after.length; i++) {
                    moved |= after[i] != before[i];
                }
                System.out.println("moved=" + moved);
            }
        }
    }
}
