package dev.lobench.optimizers.learned;

import dev.lobench.tasks.UserError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The meta-parameters of a velo-style learned optimizer (docs/learned-optimizers.md section 2) with LSTM width
 * {@code H} and bank size {@code K}, held as one flat float vector made of named segments in this fixed order (this
 * is also the flat theta order of {@code dev.lobench.meta.VeloMetaArch} and the tensor order of velo-style weights files):
 *
 * <pre>
 *  segment     shape        role
 *  mix_max_w   [30, H]      DeepSets branch u = relu(x mix_max_w + mix_max_b), max over tensors
 *  mix_max_b   [H]
 *  mix_lin_w   [30, H]      DeepSets linear branch; LSTM input z = x mix_lin_w + mix_lin_b + max_tensors(u)
 *  mix_lin_b   [H]
 *  lstm_w      [2H, 4H]     rows: z (H) then previous hidden (H); columns: gates i, g, f, o (H each)
 *  lstm_b      [4H]
 *  lstm_h0     [H]          initial LSTM hidden state (same for every tensor)
 *  lstm_c0     [H]          initial LSTM cell state
 *  ctrl_w      [H, K]       LSTM output -> mixing weights over the bank
 *  ctrl_b      [K]
 *  step_w      [H, 1]       LSTM output -> per-tensor step multiplier lr_mult
 *  step_b      [1]
 *  bank_w0     [K, 30, 4]   the bank of per-element MLPs 30 -> 4 -> 4 -> 3, weights [fan_in, fan_out]
 *  bank_b0     [K, 4]
 *  bank_w1     [K, 4, 4]
 *  bank_b1     [K, 4]
 *  bank_w2     [K, 4, 3]
 *  bank_b2     [K, 3]
 * </pre>
 *
 * Weight matrices are row-major [fan_in][fan_out]. Immutable by convention: {@link #flat()} returns the internal
 * array, which callers must not modify.
 */
public final class VeloTheta {
    /** Width of the per-tensor LSTM input (tensor-level features). */
    public static final int TENSOR_FEATURES = 30;
    /** Width of the per-element MLP input. */
    public static final int ELEMENT_FEATURES = 30;
    public static final int MLP_HIDDEN = 4;
    public static final int MLP_OUTPUTS = 3;
    /** Parameters of one per-element MLP of the bank. */
    public static final int MLP_PARAMS = ELEMENT_FEATURES * MLP_HIDDEN + MLP_HIDDEN + MLP_HIDDEN * MLP_HIDDEN
            + MLP_HIDDEN + MLP_HIDDEN * MLP_OUTPUTS + MLP_OUTPUTS;
    /** lobench's own default size. */
    public static final int DEFAULT_HIDDEN = 32;
    public static final int DEFAULT_BANK = 16;
    /** The published VeLO size. */
    public static final int PUBLISHED_HIDDEN = 512;
    public static final int PUBLISHED_BANK = 256;
    /** Upper bounds on the configurable sizes (keep theta below ~50M floats). */
    public static final int MAX_HIDDEN = 2048;
    public static final int MAX_BANK = 4096;

    public static final List<String> NAMES = List.of("mix_max_w", "mix_max_b", "mix_lin_w", "mix_lin_b", "lstm_w",
            "lstm_b", "lstm_h0", "lstm_c0", "ctrl_w", "ctrl_b", "step_w", "step_b", "bank_w0", "bank_b0", "bank_w1",
            "bank_b1", "bank_w2", "bank_b2");

    private final int hidden;
    private final int bank;
    private final float[] flat;
    private final Map<String, long[]> shapes;
    private final Map<String, Integer> offsets;

    /** Wraps (a copy of) a flat theta; checks its length and that it is finite. */
    public VeloTheta(int hidden, int bank, float[] flat) {
        checkSizes(hidden, bank);
        this.hidden = hidden;
        this.bank = bank;
        this.shapes = shapes(hidden, bank);
        this.offsets = new LinkedHashMap<>();
        int off = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            offsets.put(e.getKey(), off);
            off += (int) count(e.getValue());
        }
        if (flat.length != off) {
            throw new UserError("velo-style theta with lstm=" + hidden + ", bank=" + bank + " has " + off
                    + " values, got " + flat.length);
        }
        for (int i = 0; i < flat.length; i++) {
            if (!Float.isFinite(flat[i])) {
                throw new UserError("velo-style theta contains a non-finite value (" + flat[i] + ") in '"
                        + segmentAt(i) + "'");
            }
        }
        this.flat = flat.clone();
    }

    public static void checkSizes(int hidden, int bank) {
        if (hidden < 1 || hidden > MAX_HIDDEN) {
            throw new UserError("velo-style LSTM width must be in [1, " + MAX_HIDDEN + "], got " + hidden);
        }
        if (bank < 1 || bank > MAX_BANK) {
            throw new UserError("velo-style bank size must be in [1, " + MAX_BANK + "], got " + bank);
        }
    }

    /** Segment shapes in flat order. */
    public static Map<String, long[]> shapes(int h, int k) {
        long[][] s = {{TENSOR_FEATURES, h}, {h}, {TENSOR_FEATURES, h}, {h}, {2L * h, 4L * h}, {4L * h}, {h}, {h},
            {h, k}, {k}, {h, 1}, {1}, {k, ELEMENT_FEATURES, MLP_HIDDEN}, {k, MLP_HIDDEN},
            {k, MLP_HIDDEN, MLP_HIDDEN}, {k, MLP_HIDDEN}, {k, MLP_HIDDEN, MLP_OUTPUTS}, {k, MLP_OUTPUTS}};
        Map<String, long[]> m = new LinkedHashMap<>();
        for (int i = 0; i < s.length; i++) {
            m.put(NAMES.get(i), s[i]);
        }
        return Collections.unmodifiableMap(m);
    }

    static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Number of meta-parameters for a configuration (computed from the segment shapes). */
    public static long paramCount(int hidden, int bank) {
        long n = 0;
        for (long[] s : shapes(hidden, bank).values()) {
            n += count(s);
        }
        return n;
    }

    /**
     * Theta-init: biases, the initial LSTM state and nothing else zero; every weight matrix drawn from a normal
     * truncated at +-2 sigma, sigma = 1/sqrt(fan_in) (fan_in: 30 for the mixing layers and the first MLP layer, 2H
     * for the LSTM, H for the control and step heads, 4 for the later MLP layers), no variance correction, by
     * rejection sampling from {@code java.util.Random(seed)}, segment by segment in flat order, row-major.
     */
    public static VeloTheta init(int hidden, int bank, long seed) {
        checkSizes(hidden, bank);
        Map<String, long[]> sh = shapes(hidden, bank);
        Random rng = new Random(seed);
        List<float[]> parts = new ArrayList<>();
        int total = 0;
        for (Map.Entry<String, long[]> e : sh.entrySet()) {
            String name = e.getKey();
            long[] s = e.getValue();
            float[] a = new float[(int) count(s)];
            if (name.endsWith("_w") || name.startsWith("bank_w")) {
                int fanIn = (int) s[s.length - 2];
                double sigma = 1.0 / Math.sqrt(fanIn);
                for (int i = 0; i < a.length; i++) {
                    double z;
                    do {
                        z = rng.nextGaussian();
                    } while (z < -2.0 || z > 2.0);
                    a[i] = (float) (z * sigma);
                }
            }
            parts.add(a);
            total += a.length;
        }
        float[] flat = new float[total];
        int off = 0;
        for (float[] a : parts) {
            System.arraycopy(a, 0, flat, off, a.length);
            off += a.length;
        }
        return new VeloTheta(hidden, bank, flat);
    }

    /**
     * The starting point lobench meta-trains from and runs for {@code weights=init:SEED}: {@link #init} with its two
     * output heads reset so that the optimizer it describes is tame. Controls head: {@code ctrl_w = 0},
     * {@code ctrl_b = sqrt(K)/100}, so every bank member gets the same mixing weight and the mixed per-element MLP
     * ({@code 100 * mean_k(c_k theta_k)} = {@code sqrt(K) * mean_k(theta_k)}) has the per-layer weight scale
     * {@code 1/sqrt(fan_in)} of an ordinarily initialised MLP, i.e. an O(1) output {@code d}. Step head:
     * {@code step_w = 0}, {@code step_b = 1}, so lr_mult = 1 and a step moves each element by about
     * {@code 0.001 * rms(p)}.
     *
     * <p>Why: with the reference's random heads the mixing weights are O(1) numbers of either sign, the mixed MLP's
     * layers are {@code 100/sqrt(K)} times larger than an ordinary init (25x at K = 16), its output is O(100-1000)
     * and the random-sign lr_mult is O(1): every inner run explodes within a few steps (measured: meta-loss 1.7e14 at
     * the first outer step, NaN after, so meta-training never moves). Zeroing only the step head does not help: the
     * meta-trainer's sigma = 0.01 perturbations of it alone already make runs explode.
     */
    public static VeloTheta initMeta(int hidden, int bank, long seed) {
        VeloTheta t = init(hidden, bank, seed);
        float[] flat = t.flat().clone();
        int cw = t.offset("ctrl_w");
        java.util.Arrays.fill(flat, cw, cw + hidden * bank, 0f);
        java.util.Arrays.fill(flat, t.offset("ctrl_b"), t.offset("ctrl_b") + bank, (float) (Math.sqrt(bank) / 100.0));
        int sw = t.offset("step_w");
        java.util.Arrays.fill(flat, sw, sw + hidden, 0f);
        flat[t.offset("step_b")] = 1f;
        return new VeloTheta(hidden, bank, flat);
    }

    public int hidden() {
        return hidden;
    }

    public int bank() {
        return bank;
    }

    public int paramCount() {
        return flat.length;
    }

    /** The flat vector (internal array: do not modify). */
    public float[] flat() {
        return flat;
    }

    public Map<String, long[]> shapes() {
        return shapes;
    }

    /** Offset of a segment in {@link #flat()}. */
    public int offset(String name) {
        Integer o = offsets.get(name);
        if (o == null) {
            throw new IllegalArgumentException("no velo-style theta segment '" + name + "'");
        }
        return o;
    }

    /** A copy of one segment. */
    public float[] segment(String name) {
        int o = offset(name);
        return Arrays.copyOfRange(flat, o, o + (int) count(shapes.get(name)));
    }

    private String segmentAt(int i) {
        String last = null;
        for (Map.Entry<String, Integer> e : offsets.entrySet()) {
            if (e.getValue() > i) {
                break;
            }
            last = e.getKey();
        }
        return last;
    }

    /** Builds a theta from named segments (every segment required, exact sizes). */
    public static VeloTheta fromSegments(int hidden, int bank, Map<String, float[]> segments) {
        checkSizes(hidden, bank);
        Map<String, long[]> sh = shapes(hidden, bank);
        int total = 0;
        for (long[] s : sh.values()) {
            total += (int) count(s);
        }
        float[] flat = new float[total];
        int off = 0;
        for (Map.Entry<String, long[]> e : sh.entrySet()) {
            float[] a = segments.get(e.getKey());
            int n = (int) count(e.getValue());
            if (a == null) {
                throw new UserError("velo-style theta: missing tensor '" + e.getKey() + "'");
            }
            if (a.length != n) {
                throw new UserError("velo-style theta: tensor '" + e.getKey() + "' has " + a.length
                        + " values, expected " + n + " " + Arrays.toString(e.getValue()));
            }
            System.arraycopy(a, 0, flat, off, n);
            off += n;
        }
        return new VeloTheta(hidden, bank, flat);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VeloTheta t && t.hidden == hidden && t.bank == bank && Arrays.equals(t.flat, flat);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(flat) * 31 + hidden * 7 + bank;
    }
}
