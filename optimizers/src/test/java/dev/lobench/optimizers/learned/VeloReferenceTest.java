package dev.lobench.optimizers.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lobench.optimizers.OptState;
import dev.lobench.tasks.Param;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * velo-style (LSTM 2, bank 2) on a 2x3 matrix and a [3] vector for 4 steps against an independent, straightforward
 * double-precision transcription of the spec written here (explicit 2-D loops, no code shared with the optimizer).
 * Two tensors so that the DeepSets max across tensors and both the factored and the non-factored paths matter; 4 steps
 * so that the loss-trend features (zero for the first two steps) matter.
 */
class VeloReferenceTest {
    static NDManager manager;
    static final int H = 2;
    static final int K = 2;
    static final long NUM_STEPS = 40;
    static final double[] MOM = {0.9, 0.99, 0.999};
    static final double RMSD = 0.999;
    static final double[] ADA = {0.9, 0.99, 0.999};

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** Random segments (every entry non-zero) keyed by the documented names and sizes. */
    static Map<String, float[]> randomSegments(Random r) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        sizes.put("mix_max_w", 30 * H);
        sizes.put("mix_max_b", H);
        sizes.put("mix_lin_w", 30 * H);
        sizes.put("mix_lin_b", H);
        sizes.put("lstm_w", 2 * H * 4 * H);
        sizes.put("lstm_b", 4 * H);
        sizes.put("lstm_h0", H);
        sizes.put("lstm_c0", H);
        sizes.put("ctrl_w", H * K);
        sizes.put("ctrl_b", K);
        sizes.put("step_w", H);
        sizes.put("step_b", 1);
        sizes.put("bank_w0", K * 30 * 4);
        sizes.put("bank_b0", K * 4);
        sizes.put("bank_w1", K * 16);
        sizes.put("bank_b1", K * 4);
        sizes.put("bank_w2", K * 12);
        sizes.put("bank_b2", K * 3);
        Map<String, float[]> m = new LinkedHashMap<>();
        sizes.forEach((k, n) -> {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (float) (r.nextGaussian() * 0.5);
            }
            m.put(k, a);
        });
        return m;
    }

    // ------------------------------------------------------------------ the reference model

    /** One tensor in the reference: a [rows][cols] grid; a vector is one row (rows = 1, not factored). */
    static final class RefTensor {
        final int rows;
        final int cols;
        final boolean factored; // 2x3: d0 = axis 1 (cols, size 3), d1 = axis 0 (rows)
        final int nonTrivialAxes;
        double[][] p;
        final double[][][] m;
        final double[][] rms;
        final double[][][] v; // non-factored
        final double[][] vRow; // [k][rows]: mean over d0 (cols)
        final double[][] vCol; // [k][cols]: mean over d1 (rows)
        double[] h = new double[H];
        double[] c = new double[H];

        RefTensor(double[][] p, boolean factored, int nonTrivialAxes) {
            this.p = p;
            this.rows = p.length;
            this.cols = p[0].length;
            this.factored = factored;
            this.nonTrivialAxes = nonTrivialAxes;
            m = new double[3][rows][cols];
            rms = new double[rows][cols];
            v = new double[3][rows][cols];
            vRow = new double[3][rows];
            vCol = new double[3][cols];
        }

        int n() {
            return rows * cols;
        }
    }

    static final class Ref {
        final Map<String, float[]> th;
        final List<RefTensor> ts;
        final double[] means = new double[10];
        final double[] mins = new double[10];
        final double[] decays = new double[10];
        long t = 0;

        Ref(Map<String, float[]> th, List<RefTensor> ts) {
            this.th = th;
            this.ts = ts;
            for (int j = 0; j < 10; j++) {
                mins[j] = 999999999999.0;
                double exponent = 1.0 + (Math.log10(NUM_STEPS) - 1.0) * j / 9.0;
                decays[j] = Math.exp(-1.0 / Math.pow(10.0, exponent));
            }
            for (RefTensor x : ts) {
                for (int j = 0; j < H; j++) {
                    x.h[j] = th.get("lstm_h0")[j];
                    x.c[j] = th.get("lstm_c0")[j];
                }
            }
        }

        static double cla(double x) {
            return Math.max(-5, Math.min(5, Math.log(1e-8 + Math.abs(10 * x)))) * 0.5;
        }

        static double sig(double x) {
            return 1 / (1 + Math.exp(-x));
        }

        double w(String name, int i) {
            return th.get(name)[i];
        }

        void step(List<double[][]> gradsIn, double loss) {
            // gradient clipping
            List<double[][]> grads = new java.util.ArrayList<>();
            for (double[][] g : gradsIn) {
                double[][] gc = new double[g.length][g[0].length];
                for (int r = 0; r < g.length; r++) {
                    for (int cc = 0; cc < g[0].length; cc++) {
                        gc[r][cc] = Math.max(-1000, Math.min(1000, g[r][cc]));
                    }
                }
                grads.add(gc);
            }
            // loss EMAs
            double amax = -1e300;
            for (int j = 0; j < 10; j++) {
                amax = Math.max(amax, means[j] / (1 - Math.pow(decays[j], t + 1)));
            }
            if (t == 0) {
                amax = loss;
            }
            double lc = Math.min(2 * Math.abs(amax), loss);
            double[] cor = new double[10];
            for (int j = 0; j < 10; j++) {
                means[j] = decays[j] * means[j] + (1 - decays[j]) * lc;
                cor[j] = means[j] / (1 - Math.pow(decays[j], t + 1));
                mins[j] = Math.min(mins[j], cor[j]);
            }
            double[] lf = new double[9];
            for (int j = 0; j < 9; j++) {
                double f = (cor[j] - mins[j]) / Math.max(1e-8, cor[j + 1] - mins[j]) - 1;
                lf[j] = t + 1 <= 2 ? 0 : Math.max(-1, Math.min(1, f));
            }
            double frac = (double) t / NUM_STEPS;
            double[] centres = {0.03, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0, 1.1};
            // tensor features from the state before this step
            int nt = ts.size();
            double[][] x = new double[nt][30];
            double[] scale = new double[nt];
            for (int i = 0; i < nt; i++) {
                RefTensor z = ts.get(i);
                int n = z.n();
                double sp2 = 0;
                double srms = 0;
                double[] mm = new double[3];
                for (int r = 0; r < z.rows; r++) {
                    for (int cc = 0; cc < z.cols; cc++) {
                        sp2 += z.p[r][cc] * z.p[r][cc];
                        srms += z.rms[r][cc];
                        for (int k = 0; k < 3; k++) {
                            mm[k] += z.m[k][r][cc] / n;
                        }
                    }
                }
                scale[i] = Math.sqrt(sp2 / n + 1e-9);
                double nm = 1 / Math.sqrt(Math.max(1e-9, sp2 / n));
                int o = 0;
                for (double cc : centres) {
                    x[i][o++] = Math.tanh(10 * (frac - cc));
                }
                for (double f : lf) {
                    x[i][o++] = f;
                }
                x[i][o++] = cla(srms / n * nm);
                for (int rr = 0; rr < 5; rr++) {
                    x[i][o++] = rr == z.nonTrivialAxes ? 1 : 0;
                }
                for (int k = 0; k < 3; k++) {
                    double var = 0;
                    for (int r = 0; r < z.rows; r++) {
                        for (int cc = 0; cc < z.cols; cc++) {
                            double d = z.m[k][r][cc] * nm - mm[k] * nm;
                            var += d * d / n;
                        }
                    }
                    x[i][o++] = cla(var);
                }
                for (int k = 0; k < 3; k++) {
                    double var = 0;
                    for (int r = 0; r < z.rows; r++) {
                        for (int cc = 0; cc < z.cols; cc++) {
                            double d = z.rms[r][cc] * nm - mm[k] * nm;
                            var += d * d / n;
                        }
                    }
                    x[i][o++] = cla(var);
                }
                assertEquals(30, o);
            }
            // DeepSets
            double[] pool = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
            double[][] lin = new double[nt][H];
            for (int i = 0; i < nt; i++) {
                for (int j = 0; j < H; j++) {
                    double u = w("mix_max_b", j);
                    double l = w("mix_lin_b", j);
                    for (int q = 0; q < 30; q++) {
                        u += x[i][q] * w("mix_max_w", q * H + j);
                        l += x[i][q] * w("mix_lin_w", q * H + j);
                    }
                    pool[j] = Math.max(pool[j], Math.max(0, u));
                    lin[i][j] = l;
                }
            }
            // LSTM, heads, mixing, per-element MLP
            for (int i = 0; i < nt; i++) {
                RefTensor z = ts.get(i);
                double[] in = new double[2 * H];
                for (int j = 0; j < H; j++) {
                    in[j] = lin[i][j] + pool[j];
                    in[H + j] = z.h[j];
                }
                double[] gate = new double[4 * H];
                for (int j = 0; j < 4 * H; j++) {
                    gate[j] = w("lstm_b", j);
                    for (int q = 0; q < 2 * H; q++) {
                        gate[j] += in[q] * w("lstm_w", q * 4 * H + j);
                    }
                }
                for (int j = 0; j < H; j++) {
                    double cn = sig(gate[2 * H + j] + 1) * z.c[j] + sig(gate[j]) * Math.tanh(gate[H + j]);
                    z.c[j] = cn;
                    z.h[j] = sig(gate[3 * H + j]) * Math.tanh(cn);
                }
                double[] ctl = new double[K];
                for (int b = 0; b < K; b++) {
                    ctl[b] = w("ctrl_b", b);
                    for (int j = 0; j < H; j++) {
                        ctl[b] += z.h[j] * w("ctrl_w", j * K + b);
                    }
                }
                double lr = w("step_b", 0);
                for (int j = 0; j < H; j++) {
                    lr += z.h[j] * w("step_w", j);
                }
                double[][] w0 = new double[30][4];
                double[] b0 = new double[4];
                double[][] w1 = new double[4][4];
                double[] b1 = new double[4];
                double[][] w2 = new double[4][3];
                double[] b2 = new double[3];
                for (int b = 0; b < K; b++) {
                    double f = 100.0 * ctl[b] / K;
                    for (int q = 0; q < 30; q++) {
                        for (int j = 0; j < 4; j++) {
                            w0[q][j] += f * w("bank_w0", b * 120 + q * 4 + j);
                        }
                    }
                    for (int j = 0; j < 4; j++) {
                        b0[j] += f * w("bank_b0", b * 4 + j);
                        b1[j] += f * w("bank_b1", b * 4 + j);
                        for (int q = 0; q < 4; q++) {
                            w1[q][j] += f * w("bank_w1", b * 16 + q * 4 + j);
                        }
                        for (int q = 0; q < 3; q++) {
                            w2[j][q] += f * w("bank_w2", b * 12 + j * 3 + q);
                        }
                    }
                    for (int q = 0; q < 3; q++) {
                        b2[q] += f * w("bank_b2", b * 3 + q);
                    }
                }
                // accumulators
                double[][] g = grads.get(i);
                for (int r = 0; r < z.rows; r++) {
                    for (int cc = 0; cc < z.cols; cc++) {
                        for (int k = 0; k < 3; k++) {
                            z.m[k][r][cc] = MOM[k] * z.m[k][r][cc] + (1 - MOM[k]) * g[r][cc];
                            z.v[k][r][cc] = ADA[k] * z.v[k][r][cc] + (1 - ADA[k]) * (g[r][cc] * g[r][cc] + 1e-30);
                        }
                        z.rms[r][cc] = RMSD * z.rms[r][cc] + (1 - RMSD) * g[r][cc] * g[r][cc];
                    }
                }
                double[][] rowF = new double[3][z.rows];
                double[][] colF = new double[3][z.cols];
                if (z.factored) {
                    for (int k = 0; k < 3; k++) {
                        for (int r = 0; r < z.rows; r++) {
                            double s = 0;
                            for (int cc = 0; cc < z.cols; cc++) {
                                s += g[r][cc] * g[r][cc] + 1e-30;
                            }
                            z.vRow[k][r] = ADA[k] * z.vRow[k][r] + (1 - ADA[k]) * s / z.cols;
                        }
                        for (int cc = 0; cc < z.cols; cc++) {
                            double s = 0;
                            for (int r = 0; r < z.rows; r++) {
                                s += g[r][cc] * g[r][cc] + 1e-30;
                            }
                            z.vCol[k][cc] = ADA[k] * z.vCol[k][cc] + (1 - ADA[k]) * s / z.rows;
                        }
                        double rcm = 0;
                        for (int r = 0; r < z.rows; r++) {
                            rcm += z.vRow[k][r] / z.rows;
                        }
                        for (int r = 0; r < z.rows; r++) {
                            rowF[k][r] = 1 / Math.sqrt(Math.max(z.vRow[k][r] / (rcm + 1e-9), 1e-9));
                        }
                        for (int cc = 0; cc < z.cols; cc++) {
                            colF[k][cc] = 1 / Math.sqrt(Math.max(z.vCol[k][cc], 1e-9));
                        }
                    }
                }
                // features [r][c][30]
                double[][][] f = new double[z.rows][z.cols][30];
                for (int r = 0; r < z.rows; r++) {
                    for (int cc = 0; cc < z.cols; cc++) {
                        double[] e = f[r][cc];
                        double gg = g[r][cc];
                        double rs = 1 / Math.sqrt(z.rms[r][cc] + 1e-6);
                        e[0] = gg;
                        e[1] = Math.max(-0.1, Math.min(0.1, gg));
                        e[2] = z.p[r][cc];
                        e[6] = z.rms[r][cc];
                        e[10] = rs;
                        e[14] = gg * rs;
                        for (int k = 0; k < 3; k++) {
                            e[3 + k] = z.m[k][r][cc];
                            e[7 + k] = z.m[k][r][cc] * rs;
                            if (z.factored) {
                                e[11 + k] = gg * rowF[k][r] * colF[k][cc];
                                e[15 + k] = z.vRow[k][r];
                                e[18 + k] = z.vCol[k][cc];
                                e[21 + k] = 1 / Math.sqrt(z.vRow[k][r] + 1e-8);
                                e[24 + k] = 1 / Math.sqrt(z.vCol[k][cc] + 1e-8);
                                e[27 + k] = z.m[k][r][cc] * rowF[k][r] * colF[k][cc];
                            } else {
                                double vv = z.v[k][r][cc];
                                e[11 + k] = gg / Math.sqrt(Math.max(vv + 1e-9, 1e-9));
                                e[15 + k] = vv;
                                e[18 + k] = vv;
                                e[21 + k] = 1 / Math.sqrt(vv + 1e-8);
                                e[24 + k] = 1 / Math.sqrt(vv + 1e-8);
                                e[27 + k] = z.m[k][r][cc] / Math.sqrt(vv);
                            }
                        }
                    }
                }
                double[] ms = new double[30];
                for (int q = 0; q < 30; q++) {
                    for (int r = 0; r < z.rows; r++) {
                        for (int cc = 0; cc < z.cols; cc++) {
                            ms[q] += f[r][cc][q] * f[r][cc][q] / z.n();
                        }
                    }
                }
                double[][] np = new double[z.rows][z.cols];
                for (int r = 0; r < z.rows; r++) {
                    for (int cc = 0; cc < z.cols; cc++) {
                        double[] a1 = new double[4];
                        for (int j = 0; j < 4; j++) {
                            double s = b0[j];
                            for (int q = 0; q < 30; q++) {
                                s += f[r][cc][q] / Math.sqrt(1e-5 + ms[q]) * w0[q][j];
                            }
                            a1[j] = Math.max(0, s);
                        }
                        double[] a2 = new double[4];
                        for (int j = 0; j < 4; j++) {
                            double s = b1[j];
                            for (int q = 0; q < 4; q++) {
                                s += a1[q] * w1[q][j];
                            }
                            a2[j] = Math.max(0, s);
                        }
                        double[] out = new double[3];
                        for (int j = 0; j < 3; j++) {
                            out[j] = b2[j];
                            for (int q = 0; q < 4; q++) {
                                out[j] += a2[q] * w2[q][j];
                            }
                        }
                        np[r][cc] = z.p[r][cc] - lr * 0.001 * out[0] * Math.exp(0.001 * out[1]) * scale[i];
                    }
                }
                z.p = np;
            }
            t++;
        }
    }

    // ------------------------------------------------------------------ the test

    @Test
    void matchesDoublePrecisionReference() {
        Random r = new Random(42);
        Map<String, float[]> seg = randomSegments(r);
        VeloTheta theta = VeloTheta.fromSegments(H, K, seg);
        VeloOptimizer opt = new VeloOptimizer(theta, NUM_STEPS);

        float[] p0 = {0.3f, -0.7f, 1.1f, 0.05f, -0.4f, 0.9f};
        float[] q0 = {0.5f, -0.2f, 0.8f};
        NDArray pa = manager.create(p0, new Shape(2, 3));
        NDArray qa = manager.create(q0, new Shape(3));
        List<Param> params = List.of(new Param("w", pa), new Param("b", qa));
        OptState st = opt.init(params);

        double[][] rp = {{0.3, -0.7, 1.1}, {0.05, -0.4, 0.9}};
        double[][] rq = {{0.5, -0.2, 0.8}};
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                rp[i][j] = p0[i * 3 + j];
            }
        }
        for (int j = 0; j < 3; j++) {
            rq[0][j] = q0[j];
        }
        RefTensor tw = new RefTensor(rp, true, 2);
        RefTensor tb = new RefTensor(rq, false, 1);
        Ref ref = new Ref(seg, List.of(tw, tb));

        double[] losses = {2.0, 1.5, 1.7, 1.2};
        Random gr = new Random(7);
        for (int s = 0; s < losses.length; s++) {
            float[] g1 = new float[6];
            float[] g2 = new float[3];
            for (int i = 0; i < 6; i++) {
                g1[i] = (float) (gr.nextGaussian() * 0.3);
            }
            for (int i = 0; i < 3; i++) {
                g2[i] = (float) (gr.nextGaussian() * 0.3);
            }
            if (s == 1) {
                g1[2] = 5000f; // exercises the +-1000 clip
            }
            double[][] rg1 = new double[2][3];
            for (int i = 0; i < 6; i++) {
                rg1[i / 3][i % 3] = g1[i];
            }
            double[][] rg2 = {{g2[0], g2[1], g2[2]}};
            double[] before = {tw.p[0][0], tw.p[1][2], tb.p[0][1]};
            ref.step(List.of(rg1, rg2), losses[s]);
            opt.update(params, List.of(manager.create(g1, new Shape(2, 3)), manager.create(g2, new Shape(3))),
                    (float) losses[s], s, st);
            float[] got1 = pa.toFloatArray();
            float[] got2 = qa.toFloatArray();
            double maxDelta = 0;
            for (int i = 0; i < 6; i++) {
                maxDelta = Math.max(maxDelta, Math.abs(tw.p[i / 3][i % 3] - rp[i / 3][i % 3]));
            }
            assertTrue(Math.abs(tw.p[0][0] - before[0]) + Math.abs(tw.p[1][2] - before[1])
                    + Math.abs(tb.p[0][1] - before[2]) > 1e-7, "the reference step is not trivially zero");
            for (int i = 0; i < 6; i++) {
                double want = tw.p[i / 3][i % 3];
                assertEquals(want, got1[i], 2e-6 + 1e-4 * Math.abs(want), "step " + s + " w[" + i + "]");
            }
            for (int i = 0; i < 3; i++) {
                double want = tb.p[0][i];
                assertEquals(want, got2[i], 2e-6 + 1e-4 * Math.abs(want), "step " + s + " b[" + i + "]");
            }
            VeloOptimizer.State vs = (VeloOptimizer.State) st;
            for (int j = 0; j < H; j++) {
                assertEquals(tw.h[j], vs.lstmHidden(0)[j], 1e-5, "step " + s + " lstm h of w");
                assertEquals(tb.h[j], vs.lstmHidden(1)[j], 1e-5, "step " + s + " lstm h of b");
            }
            rp = copy(tw.p);
        }
    }

    static double[][] copy(double[][] a) {
        double[][] b = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i].clone();
        }
        return b;
    }
}
