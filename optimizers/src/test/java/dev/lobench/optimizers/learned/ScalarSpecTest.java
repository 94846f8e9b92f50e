package dev.lobench.optimizers.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lobench.optimizers.OptState;
import dev.lobench.tasks.Param;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Steps 0 and 1 on a 2x3 tensor (and on a [4] vector) against an independent, straightforward double-precision
 * transcription of the spec written here (not derived from the code under test).
 */
class ScalarSpecTest {
    static NDManager manager;
    static final boolean DEBUG = false;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** A theta with every entry non-zero, so that every weight, bias and decay offset matters. */
    static Theta randomTheta(Arch arch, long seed) {
        Random r = new Random(seed);
        int k = arch.outputs();
        return new Theta(arch, fill(r, 3, 0.05), fill(r, 1, 0.05), fill(r, 3, 0.05), fill(r, 39 * 4, 0.4),
                fill(r, 4, 0.3), fill(r, 16, 0.5), fill(r, 4, 0.3), fill(r, 4 * k, 0.8), fill(r, k, 0.5));
    }

    static float[] fill(Random r, int n, double s) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * s);
        }
        return a;
    }

    // ------------------------------------------------------------------ independent scalar model

    /** Double-precision model of one tensor, 2-D [R][C] with R < C (so d0 = axis 1, d1 = axis 0) or 1-D [C]. */
    static final class Model {
        final double[] th; // unused marker
        final Theta theta;
        final boolean twoD;
        final int rowsN;
        final int colsN;
        final double[][][] m; // [decay][r][c]
        final double[][] rms;
        final double[][][] vFull; // 1-D case
        final double[][] vRow; // [decay][r]   (mean over d0 = axis 1, indexed by axis 0)
        final double[][] vCol; // [decay][c]   (mean over d1 = axis 0, indexed by axis 1)
        long t = 0;
        final double wd;

        Model(Theta theta, int rows, int cols, boolean twoD, double wd) {
            this.th = null;
            this.theta = theta;
            this.twoD = twoD;
            this.rowsN = rows;
            this.colsN = cols;
            m = new double[3][rows][cols];
            rms = new double[rows][cols];
            vFull = new double[3][rows][cols];
            vRow = new double[3][rows];
            vCol = new double[3][cols];
            this.wd = wd;
        }

        static double decay(double base, double off, boolean clip) {
            double d = 1 - (1 - base) * Math.exp(10 * off);
            return clip ? Math.min(1, Math.max(0, d)) : d;
        }

        void step(double[][] p, double[][] g) {
            double[] mb = {0.9, 0.99, 0.999};
            double rb = decay(0.999, theta.rmsDecays()[0], true);
            int R = rowsN;
            int C = colsN;
            for (int i = 0; i < 3; i++) {
                double b = decay(mb[i], theta.momentumDecays()[i], false);
                for (int r = 0; r < R; r++) {
                    for (int c = 0; c < C; c++) {
                        m[i][r][c] = b * m[i][r][c] + (1 - b) * g[r][c];
                    }
                }
            }
            for (int r = 0; r < R; r++) {
                for (int c = 0; c < C; c++) {
                    rms[r][c] = rb * rms[r][c] + (1 - rb) * g[r][c] * g[r][c];
                }
            }
            double[][][] facG = new double[3][R][C];
            double[][][] rowF = new double[3][R][C];
            double[][][] colF = new double[3][R][C];
            double[][][] rsRow = new double[3][R][C];
            double[][][] rsCol = new double[3][R][C];
            double[][][] facMom = new double[3][R][C];
            for (int i = 0; i < 3; i++) {
                double b = decay(mb[i], theta.adafactorDecays()[i], true);
                if (twoD) {
                    for (int r = 0; r < R; r++) {
                        double s = 0;
                        for (int c = 0; c < C; c++) {
                            s += g[r][c] * g[r][c] + 1e-30;
                        }
                        vRow[i][r] = b * vRow[i][r] + (1 - b) * s / C;
                    }
                    for (int c = 0; c < C; c++) {
                        double s = 0;
                        for (int r = 0; r < R; r++) {
                            s += g[r][c] * g[r][c] + 1e-30;
                        }
                        vCol[i][c] = b * vCol[i][c] + (1 - b) * s / R;
                    }
                    double rcm = 0;
                    for (int r = 0; r < R; r++) {
                        rcm += vRow[i][r] / R;
                    }
                    for (int r = 0; r < R; r++) {
                        for (int c = 0; c < C; c++) {
                            double rf = 1 / Math.sqrt(Math.max(vRow[i][r] / (rcm + 1e-9), 1e-9));
                            double cf = 1 / Math.sqrt(Math.max(vCol[i][c], 1e-9));
                            facG[i][r][c] = g[r][c] * rf * cf;
                            rowF[i][r][c] = vRow[i][r];
                            colF[i][r][c] = vCol[i][c];
                            rsRow[i][r][c] = 1 / Math.sqrt(vRow[i][r] + 1e-8);
                            rsCol[i][r][c] = 1 / Math.sqrt(vCol[i][c] + 1e-8);
                            facMom[i][r][c] = m[i][r][c] * rf * cf;
                        }
                    }
                } else {
                    for (int r = 0; r < R; r++) {
                        for (int c = 0; c < C; c++) {
                            double q = g[r][c] * g[r][c] + 1e-30;
                            double v = b * vFull[i][r][c] + (1 - b) * q;
                            vFull[i][r][c] = v;
                            facG[i][r][c] = g[r][c] / Math.sqrt(Math.max(v + 1e-9, 1e-9));
                            rowF[i][r][c] = v;
                            colF[i][r][c] = v;
                            rsRow[i][r][c] = 1 / Math.sqrt(v + 1e-8);
                            rsCol[i][r][c] = 1 / Math.sqrt(v + 1e-8);
                            facMom[i][r][c] = m[i][r][c] / Math.sqrt(v + 1e-6);
                        }
                    }
                }
            }
            int n = R * C;
            double[][][] feat = new double[R][C][39];
            for (int r = 0; r < R; r++) {
                for (int c = 0; c < C; c++) {
                    double[] f = feat[r][c];
                    double rs = 1 / Math.sqrt(rms[r][c] + 1e-6);
                    f[0] = g[r][c];
                    f[1] = p[r][c];
                    for (int i = 0; i < 3; i++) {
                        f[2 + i] = m[i][r][c];
                        f[6 + i] = m[i][r][c] * rs;
                        f[10 + i] = facG[i][r][c];
                        f[13 + i] = rowF[i][r][c];
                        f[16 + i] = colF[i][r][c];
                        f[19 + i] = rsRow[i][r][c];
                        f[22 + i] = rsCol[i][r][c];
                        f[25 + i] = facMom[i][r][c];
                    }
                    f[5] = rms[r][c];
                    f[9] = rs;
                }
            }
            for (int k = 0; k < 28; k++) {
                double ms = 0;
                for (int r = 0; r < R; r++) {
                    for (int c = 0; c < C; c++) {
                        ms += feat[r][c][k] * feat[r][c][k] / n;
                    }
                }
                double sc = 1 / Math.sqrt(1e-5 + ms);
                for (int r = 0; r < R; r++) {
                    for (int c = 0; c < C; c++) {
                        feat[r][c][k] *= sc;
                    }
                }
            }
            double[] taus = {1, 3, 10, 30, 100, 300, 1e3, 3e3, 1e4, 3e4, 1e5};
            for (int r = 0; r < R; r++) {
                for (int c = 0; c < C; c++) {
                    for (int k = 0; k < 11; k++) {
                        feat[r][c][28 + k] = Math.tanh(t / taus[k] - 1);
                    }
                }
            }
            int kOut = theta.arch().outputs();
            for (int r = 0; r < R; r++) {
                for (int c = 0; c < C; c++) {
                    double[] h = dense(feat[r][c], theta.w0(), theta.b0(), 4, true);
                    h = dense(h, theta.w1(), theta.b1(), 4, true);
                    double[] o = dense(h, theta.w2(), theta.b2(), kOut, false);
                    double rs = 1 / Math.sqrt(rms[r][c] + 1e-6);
                    if (theta.arch() == Arch.SMALL_FC) {
                        p[r][c] -= theta.stepMult() * o[0] * Math.exp(0.001 * o[1]);
                    } else {
                        double bb = theta.stepMult() * o[0] * Math.exp(0.001 * o[1]) * rs;
                        double gh = (m[0][r][c] * rs + m[1][r][c] * rs + m[2][r][c] * rs) / 3;
                        double nom = 0.001 * Math.exp(0.001 * o[2]) * gh;
                        double reg = 1 - wd * Math.exp(0.001 * o[3]);
                        if (DEBUG) System.err.println("DBG r" + r + " c" + c + " bb=" + bb + " nom=" + nom + " rs=" + rs + " o=" + java.util.Arrays.toString(o));
                        p[r][c] = reg * p[r][c] - bb - nom;
                    }
                }
            }
            t++;
        }

        static double[] dense(double[] x, float[] w, float[] b, int out, boolean relu) {
            double[] y = new double[out];
            for (int j = 0; j < out; j++) {
                double s = b[j];
                for (int i = 0; i < x.length; i++) {
                    s += x[i] * w[i * out + j];
                }
                y[j] = relu ? Math.max(0, s) : s;
            }
            return y;
        }
    }

    // ------------------------------------------------------------------ tests

    void check(Arch arch, LearnedOptimizer.Impl impl, boolean twoD, float wd) {
        check(randomTheta(arch, 11), impl, twoD, wd);
    }

    void check(Theta theta, LearnedOptimizer.Impl impl, boolean twoD, float wd) {
        Arch arch = theta.arch();
        int R = twoD ? 2 : 1;
        int C = twoD ? 3 : 4;
        Random rnd = new Random(5);
        double[][] p = new double[R][C];
        float[] pf = new float[R * C];
        for (int r = 0; r < R; r++) {
            for (int c = 0; c < C; c++) {
                pf[r * C + c] = (float) rnd.nextGaussian();
                p[r][c] = pf[r * C + c];
            }
        }
        Shape shape = twoD ? new Shape(2, 3) : new Shape(4);
        NDArray param = manager.create(pf, shape);
        List<Param> params = List.of(new Param("w", param));
        LearnedOptimizer opt = LearnedOptimizers.create(theta, impl, wd, 1);
        OptState state = opt.init(params);
        Model model = new Model(theta, R, C, twoD, wd);
        for (int step = 0; step < 2; step++) {
            float[] gf = new float[R * C];
            double[][] g = new double[R][C];
            for (int r = 0; r < R; r++) {
                for (int c = 0; c < C; c++) {
                    gf[r * C + c] = (float) (rnd.nextGaussian() * (0.5 + r + c));
                    g[r][c] = gf[r * C + c];
                }
            }
            double[][] before = new double[R][];
            for (int r = 0; r < R; r++) {
                before[r] = p[r].clone();
            }
            try (NDArray grad = manager.create(gf, shape)) {
                opt.update(params, List.of(grad), 0.5f, step, state);
            }
            model.step(p, g);
            float[] got = param.toFloatArray();
            for (int r = 0; r < R; r++) {
                for (int c = 0; c < C; c++) {
                    double want = p[r][c];
                    double dWant = want - before[r][c];
                    double dGot = got[r * C + c] - before[r][c];
                    String what = arch + " " + impl + " step " + step + " [" + r + "," + c + "]";
                    assertTrue(Math.abs(dWant) > 1e-5, what + ": test needs a visible update, got " + dWant);
                    // float32 rounding of the decays (1 - b) alone moves the update by ~1e-5 relative
                    // (plus the float32 rounding of the parameter itself)
                    double ulp = Math.ulp((float) want);
                    assertEquals(dWant, dGot, 1e-4 * Math.abs(dWant) + 2 * ulp, what + " update");
                    assertEquals(want, got[r * C + c], 1e-4 * Math.abs(dWant) + 2 * ulp, what);
                }
            }
        }
        state.close();
        param.close();
    }

    @Test
    void stepMultFromTheWeightsIsHonouredByBothImpls() {
        // the learned term's multiplier is theta's (a weights file's config step_mult), the nominal one stays 0.001:
        // 3x and 20x the default: an implementation that ignored it would be off by the same factors
        for (float sm : new float[] {3e-3f, 0.02f}) {
            for (Arch a : Arch.values()) {
                for (LearnedOptimizer.Impl impl : LearnedOptimizer.Impl.values()) {
                    check(randomTheta(a, 11).withStepMult(sm), impl, true, 0f);
                }
            }
        }
    }

    @Test
    void starReference2x3() {
        check(Arch.STAR, LearnedOptimizer.Impl.REFERENCE, true, 0f);
    }

    @Test
    void starFused2x3() {
        check(Arch.STAR, LearnedOptimizer.Impl.FUSED, true, 0f);
    }

    @Test
    void smallFcReference2x3() {
        check(Arch.SMALL_FC, LearnedOptimizer.Impl.REFERENCE, true, 0f);
    }

    @Test
    void smallFcFused2x3() {
        check(Arch.SMALL_FC, LearnedOptimizer.Impl.FUSED, true, 0f);
    }

    @Test
    void starWithWeightDecayBothImpls() {
        check(Arch.STAR, LearnedOptimizer.Impl.REFERENCE, true, 0.1f);
        check(Arch.STAR, LearnedOptimizer.Impl.FUSED, true, 0.1f);
    }

    @Test
    void vectorNonFactoredBothImpls() {
        for (Arch a : Arch.values()) {
            check(a, LearnedOptimizer.Impl.REFERENCE, false, 0f);
            check(a, LearnedOptimizer.Impl.FUSED, false, 0f);
        }
    }
}
