package dev.lobench.optimizers.chain;

import dev.lobench.optimizers.Hyperparams;
import dev.lobench.optimizers.Schedule;

import java.util.List;
import java.util.Map;

/** The transforms a chain is built from (optax's names and formulas). */
final class Transforms {
    private Transforms() {}

    /** {@code u *= min(1, max_norm / ||u||)} with the global L2 norm over all tensors. */
    static Transform clipByGlobalNorm(double maxNorm) {
        return new Transform() {
            @Override
            public void apply(float[][] u, List<float[]> params, long step, Map<String, float[][]> state) {
                double sq = 0;
                for (float[] a : u) {
                    for (float x : a) {
                        sq += (double) x * x;
                    }
                }
                double norm = Math.sqrt(sq);
                if (norm > maxNorm) {
                    scaleAll(u, maxNorm / norm);
                }
            }

            @Override
            public String describe() {
                return "clip_by_global_norm(max_norm=" + Hyperparams.format(maxNorm) + ")";
            }
        };
    }

    /** Element-wise clipping to [-max_delta, max_delta]. */
    static Transform clip(double maxDelta) {
        float c = (float) maxDelta;
        return new Transform() {
            @Override
            public void apply(float[][] u, List<float[]> params, long step, Map<String, float[][]> state) {
                for (float[] a : u) {
                    for (int j = 0; j < a.length; j++) {
                        a[j] = Math.max(-c, Math.min(c, a[j]));
                    }
                }
            }

            @Override
            public String describe() {
                return "clip(max_delta=" + Hyperparams.format(maxDelta) + ")";
            }
        };
    }

    /**
     * Adam's scaling, with t = step + 1: {@code m = b1*m + (1-b1)*u; v = b2*v + (1-b2)*u^2;
     * u = (m / (1-b1^t)) / (sqrt(v) / sqrt(1-b2^t) + eps)} (PyTorch's and optax's formula; state in float32).
     */
    static Transform scaleByAdam(double b1, double b2, double eps) {
        return new Transform() {
            @Override
            public Map<String, float[][]> init(int[] sizes) {
                return Map.of("mu", zeros(sizes), "nu", zeros(sizes));
            }

            @Override
            public void apply(float[][] u, List<float[]> params, long step, Map<String, float[][]> state) {
                double t = step + 1.0;
                double bc1 = 1.0 - Math.pow(b1, t);
                double bc2Sqrt = Math.sqrt(1.0 - Math.pow(b2, t));
                float fb1 = (float) b1;
                float fb2 = (float) b2;
                float c1 = (float) (1.0 - b1);
                float c2 = (float) (1.0 - b2);
                float[][] mu = state.get("mu");
                float[][] nu = state.get("nu");
                for (int i = 0; i < u.length; i++) {
                    float[] a = u[i];
                    float[] m = mu[i];
                    float[] v = nu[i];
                    for (int j = 0; j < a.length; j++) {
                        float g = a[j];
                        m[j] = fb1 * m[j] + c1 * g;
                        v[j] = fb2 * v[j] + c2 * (g * g);
                        a[j] = (float) ((m[j] / bc1) / (Math.sqrt(v[j]) / bc2Sqrt + eps));
                    }
                }
            }

            @Override
            public String describe() {
                return "scale_by_adam(b1=" + Hyperparams.format(b1) + ",b2=" + Hyperparams.format(b2) + ",eps="
                        + Hyperparams.format(eps) + ")";
            }
        };
    }

    /** Momentum (optax {@code trace}): {@code t = decay*t + u; u = t}, or {@code u = u + decay*t} if nesterov. */
    static Transform trace(double decay, boolean nesterov) {
        return new Transform() {
            @Override
            public Map<String, float[][]> init(int[] sizes) {
                return Map.of("trace", zeros(sizes));
            }

            @Override
            public void apply(float[][] u, List<float[]> params, long step, Map<String, float[][]> state) {
                float d = (float) decay;
                float[][] tr = state.get("trace");
                for (int i = 0; i < u.length; i++) {
                    for (int j = 0; j < u[i].length; j++) {
                        tr[i][j] = d * tr[i][j] + u[i][j];
                        u[i][j] = nesterov ? u[i][j] + d * tr[i][j] : tr[i][j];
                    }
                }
            }

            @Override
            public String describe() {
                return "trace(decay=" + Hyperparams.format(decay) + (nesterov ? ",nesterov=true" : "") + ")";
            }
        };
    }

    /** {@code u = u + weight_decay * p}. */
    static Transform addDecayedWeights(double wd) {
        float w = (float) wd;
        return new Transform() {
            @Override
            public void apply(float[][] u, List<float[]> params, long step, Map<String, float[][]> state) {
                for (int i = 0; i < u.length; i++) {
                    float[] p = params.get(i);
                    for (int j = 0; j < u[i].length; j++) {
                        u[i][j] += w * p[j];
                    }
                }
            }

            @Override
            public boolean needsParams() {
                return true;
            }

            @Override
            public String describe() {
                return "add_decayed_weights(weight_decay=" + Hyperparams.format(wd) + ")";
            }
        };
    }

    /** {@code u *= schedule.lr(1, step)}: the schedule as a factor of 1 (see {@link Schedule}). */
    static Transform scaleBySchedule(Schedule s, String text) {
        return new Transform() {
            @Override
            public void apply(float[][] u, List<float[]> params, long step, Map<String, float[][]> state) {
                scaleAll(u, s.lr(1.0, step));
            }

            @Override
            public String describe() {
                return "scale_by_schedule(" + text + ")";
            }
        };
    }

    /** {@code u *= factor}. */
    static Transform scale(double factor, String name) {
        return new Transform() {
            @Override
            public void apply(float[][] u, List<float[]> params, long step, Map<String, float[][]> state) {
                scaleAll(u, factor);
            }

            @Override
            public String describe() {
                return name;
            }
        };
    }

    static void scaleAll(float[][] u, double factor) {
        for (float[] a : u) {
            for (int j = 0; j < a.length; j++) {
                a[j] = (float) (a[j] * factor);
            }
        }
    }

    static float[][] zeros(int[] sizes) {
        float[][] z = new float[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            z[i] = new float[sizes[i]];
        }
        return z;
    }
}
