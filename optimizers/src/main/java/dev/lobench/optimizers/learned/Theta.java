package dev.lobench.optimizers.learned;

import dev.lobench.tasks.UserError;

import java.util.Arrays;
import java.util.Random;

/**
 * The meta-parameters of a star or small-fc learned optimizer: 7 decay offsets and the weights of the per-element
 * 39-4-4-K MLP. Weight matrices are stored row-major as [fan_in][fan_out] (the reference layout), i.e. {@code w0[i *
 * 4 + j]} multiplies input feature i into hidden unit j.
 *
 * <p>Instances are immutable by convention: the arrays are never modified after construction (accessors return the
 * internal arrays for speed; callers must not write to them).
 */
public final class Theta {
    public static final int INPUTS = 39;
    public static final int HIDDEN = 4;
    public static final int NORMALISED_INPUTS = 28;
    public static final int TIME_FEATURES = 11;
    /** The learned term's step multiplier of the public code (its {@code step_mult}); the nominal term keeps 0.001. */
    public static final float DEFAULT_STEP_MULT = 0.001f;

    private final Arch arch;
    private final float[] momentumDecays;
    private final float[] rmsDecays;
    private final float[] adafactorDecays;
    private final float[] w0;
    private final float[] b0;
    private final float[] w1;
    private final float[] b1;
    private final float[] w2;
    private final float[] b2;
    private final float stepMult;

    public Theta(Arch arch, float[] momentumDecays, float[] rmsDecays, float[] adafactorDecays,
                 float[] w0, float[] b0, float[] w1, float[] b1, float[] w2, float[] b2) {
        this(arch, momentumDecays, rmsDecays, adafactorDecays, w0, b0, w1, b1, w2, b2, DEFAULT_STEP_MULT);
    }

    /**
     * @param stepMult the learned term's step multiplier (public code: {@code step_mult}, default 0.001): small-fc's
     *     update is {@code stepMult * d * exp(0.001 a)}, star's learned term {@code stepMult * d * exp(0.001 a) * r}.
     *     A fixed constant of the weights, not meta-trained; recorded in a weights file's {@code config}.
     */
    public Theta(Arch arch, float[] momentumDecays, float[] rmsDecays, float[] adafactorDecays,
                 float[] w0, float[] b0, float[] w1, float[] b1, float[] w2, float[] b2, float stepMult) {
        if (!(stepMult > 0f) || !Float.isFinite(stepMult)) {
            throw new UserError("learned optimizer step_mult must be a finite number > 0, got " + stepMult);
        }
        this.stepMult = stepMult;
        this.arch = arch;
        int k = arch.outputs();
        check("momentum_decays", momentumDecays, 3);
        check("rms_decays", rmsDecays, 1);
        check("adafactor_decays", adafactorDecays, 3);
        check("w0", w0, INPUTS * HIDDEN);
        check("b0", b0, HIDDEN);
        check("w1", w1, HIDDEN * HIDDEN);
        check("b1", b1, HIDDEN);
        check("w2", w2, HIDDEN * k);
        check("b2", b2, k);
        this.momentumDecays = momentumDecays.clone();
        this.rmsDecays = rmsDecays.clone();
        this.adafactorDecays = adafactorDecays.clone();
        this.w0 = w0.clone();
        this.b0 = b0.clone();
        this.w1 = w1.clone();
        this.b1 = b1.clone();
        this.w2 = w2.clone();
        this.b2 = b2.clone();
    }

    private static void check(String name, float[] a, int n) {
        if (a == null) {
            throw new UserError("theta tensor '" + name + "' is missing");
        }
        if (a.length != n) {
            throw new UserError("theta tensor '" + name + "' has " + a.length + " values, expected " + n);
        }
        for (float v : a) {
            if (!Float.isFinite(v)) {
                throw new UserError("theta tensor '" + name + "' contains a non-finite value (" + v + ")");
            }
        }
    }

    /**
     * The theta-init of the spec: decay offsets 0, biases 0, weights drawn from a normal truncated at +-2 sigma
     * (sigma = 1/sqrt(fan_in), no variance correction) by rejection sampling from {@code java.util.Random(seed)}.
     * Draw order: w0, w1, w2, each row-major [fan_in][fan_out].
     */
    public static Theta init(Arch arch, long seed) {
        Random rng = new Random(seed);
        int k = arch.outputs();
        float[] w0 = truncatedNormal(rng, INPUTS, HIDDEN);
        float[] w1 = truncatedNormal(rng, HIDDEN, HIDDEN);
        float[] w2 = truncatedNormal(rng, HIDDEN, k);
        return new Theta(arch, new float[3], new float[1], new float[3], w0, new float[HIDDEN], w1,
                new float[HIDDEN], w2, new float[k]);
    }

    /**
     * {@link #init} followed by the head choice: {@link HeadInit#ZERO_DIRECTION} zeroes the direction column of w2
     * (w2[i * K + 0] for every hidden unit i); {@link HeadInit#CODE} is {@link #init} unchanged.
     */
    public static Theta init(Arch arch, long seed, HeadInit head) {
        Theta t = init(arch, seed);
        if (head == HeadInit.CODE) {
            return t;
        }
        int k = arch.outputs();
        float[] w2 = t.w2.clone();
        for (int i = 0; i < HIDDEN; i++) {
            w2[i * k] = 0f;
        }
        return new Theta(arch, t.momentumDecays, t.rmsDecays, t.adafactorDecays, t.w0, t.b0, t.w1, t.b1, w2, t.b2,
                t.stepMult);
    }

    private static float[] truncatedNormal(Random rng, int fanIn, int fanOut) {
        double sigma = 1.0 / Math.sqrt(fanIn);
        float[] w = new float[fanIn * fanOut];
        for (int i = 0; i < w.length; i++) {
            double z;
            do {
                z = rng.nextGaussian();
            } while (z < -2.0 || z > 2.0);
            w[i] = (float) (z * sigma);
        }
        return w;
    }

    /** The learned term's step multiplier (see the constructor). */
    public float stepMult() {
        return stepMult;
    }

    /** This theta with another learned-term step multiplier. */
    public Theta withStepMult(float newStepMult) {
        return new Theta(arch, momentumDecays, rmsDecays, adafactorDecays, w0, b0, w1, b1, w2, b2, newStepMult);
    }

    /** Number of meta-parameters: 197 for small-fc, 207 for star. */
    public int paramCount() {
        return momentumDecays.length + rmsDecays.length + adafactorDecays.length + w0.length + b0.length
                + w1.length + b1.length + w2.length + b2.length;
    }

    public Arch arch() {
        return arch;
    }

    public float[] momentumDecays() {
        return momentumDecays;
    }

    public float[] rmsDecays() {
        return rmsDecays;
    }

    public float[] adafactorDecays() {
        return adafactorDecays;
    }

    public float[] w0() {
        return w0;
    }

    public float[] b0() {
        return b0;
    }

    public float[] w1() {
        return w1;
    }

    public float[] b1() {
        return b1;
    }

    public float[] w2() {
        return w2;
    }

    public float[] b2() {
        return b2;
    }

    /** Base decays of the spec. */
    static final double[] BASE_MOMENTUM = {0.9, 0.99, 0.999};
    static final double[] BASE_RMS = {0.999};
    static final double[] BASE_ADAFACTOR = {0.9, 0.99, 0.999};

    /** Effective momentum decays 1 - (1 - b0) exp(10 offset), not clipped. */
    public float[] effectiveMomentumDecays() {
        return effective(BASE_MOMENTUM, momentumDecays, false);
    }

    /** Effective RMS decay, clipped to [0, 1]. */
    public float[] effectiveRmsDecays() {
        return effective(BASE_RMS, rmsDecays, true);
    }

    /** Effective Adafactor decays, clipped to [0, 1]. */
    public float[] effectiveAdafactorDecays() {
        return effective(BASE_ADAFACTOR, adafactorDecays, true);
    }

    private static float[] effective(double[] base, float[] offsets, boolean clip) {
        float[] out = new float[base.length];
        for (int i = 0; i < base.length; i++) {
            double d = 1.0 - (1.0 - base[i]) * Math.exp(10.0 * offsets[i]);
            if (clip) {
                d = Math.min(1.0, Math.max(0.0, d));
            }
            out[i] = (float) d;
        }
        return out;
    }

    /** The 11 time features tanh(t/tau - 1), computed from the iteration t before it is incremented. */
    public static float[] timeFeatures(long t) {
        float[] out = new float[TIME_FEATURES];
        for (int i = 0; i < TIME_FEATURES; i++) {
            out[i] = (float) Math.tanh((double) t / TIMESCALES[i] - 1.0);
        }
        return out;
    }

    static final double[] TIMESCALES = {1, 3, 10, 30, 100, 300, 1e3, 3e3, 1e4, 3e4, 1e5};

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Theta t)) {
            return false;
        }
        return arch == t.arch && Arrays.equals(momentumDecays, t.momentumDecays)
                && Arrays.equals(rmsDecays, t.rmsDecays) && Arrays.equals(adafactorDecays, t.adafactorDecays)
                && Arrays.equals(w0, t.w0) && Arrays.equals(b0, t.b0) && Arrays.equals(w1, t.w1)
                && Arrays.equals(b1, t.b1) && Arrays.equals(w2, t.w2) && Arrays.equals(b2, t.b2)
                && Float.compare(stepMult, t.stepMult) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(w0) * 31 + arch.hashCode();
    }

    /**
     * Hex SHA-256 of all meta-parameters (little-endian float32, in the safetensors tensor order), followed by the
     * step multiplier when it is not the default 0.001 (so thetas that differ only in it have different digests,
     * and every digest of a default theta is what it was before the multiplier was recorded).
     */
    public String sha256() {
        boolean extra = stepMult != DEFAULT_STEP_MULT;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * paramCount() + (extra ? 4 : 0))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float[] a : new float[][] {momentumDecays, rmsDecays, adafactorDecays, w0, b0, w1, b1, w2, b2}) {
            for (float f : a) {
                b.putFloat(f);
            }
        }
        if (extra) {
            b.putFloat(stepMult);
        }
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b.array()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
