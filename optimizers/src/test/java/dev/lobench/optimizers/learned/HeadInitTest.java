package dev.lobench.optimizers.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lobench.optimizers.OptState;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The zero-direction head initialisation: star at that theta is its nominal term (AdamAggMo at lr 1e-3, up to the
 * factor exp(0.001 a_nom)), small-fc does not move, and the code initialisation is left as it was.
 */
class HeadInitTest {

    @Test
    void zeroDirectionZeroesOnlyTheDirectionColumn() {
        for (Arch arch : new Arch[] {Arch.STAR, Arch.SMALL_FC}) {
            Theta code = Theta.init(arch, 3);
            Theta same = Theta.init(arch, 3, HeadInit.CODE);
            Theta zero = Theta.init(arch, 3, HeadInit.ZERO_DIRECTION);
            int k = arch.outputs();
            for (int i = 0; i < code.w2().length; i++) {
                assertEquals(code.w2()[i], same.w2()[i]);
                float want = i % k == 0 ? 0f : code.w2()[i];
                assertEquals(want, zero.w2()[i], arch + " w2[" + i + "]");
            }
            assertTrue(java.util.Arrays.equals(code.w0(), zero.w0()));
            assertTrue(java.util.Arrays.equals(code.w1(), zero.w1()));
        }
    }

    @Test
    void defaultsAndParsing() {
        assertEquals(HeadInit.ZERO_DIRECTION, HeadInit.defaultFor(Arch.STAR));
        assertEquals(HeadInit.CODE, HeadInit.defaultFor(Arch.SMALL_FC));
        assertEquals(HeadInit.ZERO_DIRECTION, HeadInit.parse(" Zero-Direction "));
        assertThrows(UserError.class, () -> HeadInit.parse("zero"));
    }

    @Test
    void starAtZeroDirectionIsItsNominalTerm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (LearnedOptimizer.Impl impl : LearnedOptimizer.Impl.values()) {
                Random rnd = new Random(11);
                int n = 6 * 5;
                float[] p0 = new float[n];
                for (int i = 0; i < n; i++) {
                    p0[i] = (float) rnd.nextGaussian();
                }
                NDArray star = manager.create(p0.clone(), new Shape(6, 5));
                NDArray smallFc = manager.create(p0.clone(), new Shape(6, 5));
                List<Param> ps = List.of(new Param("w", star));
                List<Param> pf = List.of(new Param("w", smallFc));
                LearnedOptimizer so = LearnedOptimizers.create(Theta.init(Arch.STAR, 5, HeadInit.ZERO_DIRECTION), impl, 0f, 1);
                LearnedOptimizer fo = LearnedOptimizers.create(Theta.init(Arch.SMALL_FC, 5, HeadInit.ZERO_DIRECTION), impl, 0f, 1);
                OptState ss = so.init(ps);
                OptState fs = fo.init(pf);
                double[][] m = new double[3][n];
                double[] rms = new double[n];
                double[] b = {0.9, 0.99, 0.999};
                double[] p = new double[n];
                for (int i = 0; i < n; i++) {
                    p[i] = p0[i];
                }
                for (int step = 0; step < 5; step++) {
                    float[] g = new float[n];
                    for (int i = 0; i < n; i++) {
                        g[i] = (float) (rnd.nextGaussian() * (0.1 + i % 7));
                    }
                    try (NDArray ga = manager.create(g, new Shape(6, 5)); NDArray gb = manager.create(g, new Shape(6, 5))) {
                        so.update(ps, List.of(ga), 1f, step, ss);
                        fo.update(pf, List.of(gb), 1f, step, fs);
                    }
                    // AdamAggMo at lr 1e-3: the mean over the three momenta of m_i * rsqrt(rms + 1e-6), no bias correction
                    for (int i = 0; i < n; i++) {
                        rms[i] = 0.999 * rms[i] + 0.001 * g[i] * (double) g[i];
                        double r = 1.0 / Math.sqrt(rms[i] + 1e-6);
                        double gHat = 0;
                        for (int j = 0; j < 3; j++) {
                            m[j][i] = b[j] * m[j][i] + (1 - b[j]) * g[i];
                            gHat += m[j][i] * r / 3;
                        }
                        p[i] -= 1e-3 * gHat;
                    }
                    float[] got = star.toFloatArray();
                    float[] still = smallFc.toFloatArray();
                    for (int i = 0; i < n; i++) {
                        double dWant = p[i] - p0[i];
                        double dGot = got[i] - p0[i];
                        // exp(0.001 a_nom) with |a_nom| of order 1 moves the step by well under 1 %
                        assertEquals(dWant, dGot, 0.01 * Math.abs(dWant) + 4 * Math.ulp(p0[i]),
                                impl + " star step " + step + " element " + i);
                        assertEquals(p0[i], still[i], impl + " small-fc with d = 0 does not move");
                    }
                }
            }
        }
    }
}
