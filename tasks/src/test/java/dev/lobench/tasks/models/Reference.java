package dev.lobench.tasks.models;

import dev.lobench.tasks.data.FashionMnist;

import java.util.List;

/**
 * Independent double-precision reference of the classifier losses (plain loops, no DJL), for checking forward
 * passes and, by central finite differences, gradients.
 */
final class Reference {
    private Reference() {
    }

    /** Mean softmax cross-entropy of an MLP; params[2i] = W_i [out][in] flattened, params[2i+1] = b_i. */
    static double mlpLoss(double[][] p, int[] widths, String act, FashionMnist.Split s) {
        double total = 0;
        for (int n = 0; n < s.count(); n++) {
            total += ce(mlpLogits(p, widths, act, s, n), s.labels()[n]);
        }
        return total / s.count();
    }

    static double[] mlpLogits(double[][] p, int[] widths, String act, FashionMnist.Split s, int n) {
        int d = s.features();
        double[] h = new double[d];
        for (int i = 0; i < d; i++) {
            h[i] = s.pixels()[n * d + i];
        }
        int layers = widths.length - 1;
        for (int l = 0; l < layers; l++) {
            int in = widths[l];
            int out = widths[l + 1];
            double[] o = new double[out];
            for (int j = 0; j < out; j++) {
                double z = p[2 * l + 1][j];
                for (int i = 0; i < in; i++) {
                    z += p[2 * l][j * in + i] * h[i];
                }
                o[j] = l < layers - 1 ? act(act, z) : z;
            }
            h = o;
        }
        return h;
    }

    /** Mean cross-entropy of the CNN: 3x3 convs, pad 1, first stride 2, ReLU, global mean, linear head. */
    static double cnnLoss(double[][] p, int[] channels, FashionMnist.Split s) {
        double total = 0;
        for (int n = 0; n < s.count(); n++) {
            total += ce(cnnLogits(p, channels, s, n), s.labels()[n]);
        }
        return total / s.count();
    }

    static double[] cnnLogits(double[][] p, int[] channels, FashionMnist.Split s, int n) {
        int side = s.side();
        double[][][] h = new double[1][side][side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                h[0][y][x] = s.pixels()[n * side * side + y * side + x];
            }
        }
        for (int l = 0; l < channels.length; l++) {
            int stride = l == 0 ? 2 : 1;
            int cin = h.length;
            int size = h[0].length;
            int outSize = (size + 2 - 3) / stride + 1;
            int cout = channels[l];
            double[][][] o = new double[cout][outSize][outSize];
            for (int c = 0; c < cout; c++) {
                for (int y = 0; y < outSize; y++) {
                    for (int x = 0; x < outSize; x++) {
                        double z = p[2 * l + 1][c];
                        for (int i = 0; i < cin; i++) {
                            for (int ky = 0; ky < 3; ky++) {
                                for (int kx = 0; kx < 3; kx++) {
                                    int iy = y * stride + ky - 1;
                                    int ix = x * stride + kx - 1;
                                    if (iy >= 0 && iy < size && ix >= 0 && ix < size) {
                                        z += p[2 * l][((c * cin + i) * 3 + ky) * 3 + kx] * h[i][iy][ix];
                                    }
                                }
                            }
                        }
                        o[c][y][x] = Math.max(0, z);
                    }
                }
            }
            h = o;
        }
        int c = h.length;
        double[] pooled = new double[c];
        for (int i = 0; i < c; i++) {
            double sum = 0;
            for (double[] row : h[i]) {
                for (double v : row) {
                    sum += v;
                }
            }
            pooled[i] = sum / (h[i].length * h[i].length);
        }
        int k = 2 * channels.length;
        double[] logits = new double[10];
        for (int j = 0; j < 10; j++) {
            double z = p[k + 1][j];
            for (int i = 0; i < c; i++) {
                z += p[k][j * c + i] * pooled[i];
            }
            logits[j] = z;
        }
        return logits;
    }

    static double act(String act, double z) {
        switch (act) {
            case "relu":
                return Math.max(0, z);
            case "tanh":
                return Math.tanh(z);
            case "gelu":
                return 0.5 * z * (1 + erf(z / Math.sqrt(2)));
            default:
                throw new IllegalArgumentException(act);
        }
    }

    /** erf via its Maclaurin series (|x| small) or continued fraction complement; accurate to ~1e-15 here. */
    static double erf(double x) {
        if (Math.abs(x) > 3) {
            // erfc continued fraction (Lentz), enough for |x| > 3
            double ax = Math.abs(x);
            double f = ax;
            for (int k = 60; k >= 1; k--) {
                f = ax + (k / 2.0) / f;
            }
            double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
            return Math.signum(x) * (1 - erfc);
        }
        double sum = 0;
        double term = x;
        for (int n = 0; n < 200; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    static double ce(double[] logits, int label) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v);
        }
        double z = 0;
        for (double v : logits) {
            z += Math.exp(v - max);
        }
        return -(logits[label] - max - Math.log(z));
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    static double[][] copy(List<float[]> ps) {
        double[][] out = new double[ps.size()][];
        for (int i = 0; i < ps.size(); i++) {
            float[] f = ps.get(i);
            out[i] = new double[f.length];
            for (int j = 0; j < f.length; j++) {
                out[i][j] = f[j];
            }
        }
        return out;
    }
}
