package dev.lobench.meta;

import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.learned.Arch;
import dev.lobench.optimizers.learned.FusedLearnedOptimizer;
import dev.lobench.optimizers.learned.HeadInit;
import dev.lobench.optimizers.learned.Theta;
import dev.lobench.tasks.UserError;

/**
 * The learned optimizers star and small-fc as a {@link MetaArch}: theta as one flat float vector.
 *
 * <p>Flat order (fixed; checkpoints and meta-gradients use it): the 7 decay offsets (momentum 3, RMS 1, Adafactor 3),
 * then {@code w0} [39, 4], {@code b0} [4], {@code w1} [4, 4], {@code b1} [4], {@code w2} [4, K], {@code b2} [K], each
 * weight row-major [fan_in][fan_out] exactly as {@link Theta} stores it. Sizes: small-fc 197, star 207.
 *
 * <p>{@link #build} returns the fused CPU implementation with wd = 0 (star's optional contraction factor is unused,
 * as in the paper's star). The MetaArch contract holds for it: its state ({@link FusedLearnedOptimizer.State}) holds
 * only the iteration counter and the accumulators in Java arrays plus the per-tensor factoring plan, which depends on
 * the parameters' shapes and layouts, never on theta (the decays derived from theta live in the optimizer object), so
 * a state made by one theta's optimizer is advanced by any other's; and {@code update} keeps no NDArray (it reads and
 * writes parameters and gradients through direct views of their native memory or transient copies), so calling it
 * inside an {@link ai.djl.ndarray.NDScope} is safe. Both properties are tested in {@code LearnedMetaArchTest}.
 *
 * <p>Threads: with {@code threads == 1} the fused kernel runs on the caller's thread; otherwise it uses the common
 * ForkJoinPool (optimizers are built anew for every particle and outer step, and a private pool per optimizer would
 * never be shut down).
 */
public final class LearnedMetaArch implements MetaArch {
    private static final int OFFSETS = 7;

    private final Arch arch;
    private final int fusedThreads;
    private final HeadInit headInit;
    private final float stepMult;

    /** @param threads threads of the fused learned optimizer kernel: 1 = caller only, anything else = common pool */
    public LearnedMetaArch(Arch arch, int threads) {
        this(arch, threads, HeadInit.CODE);
    }

    /** @param headInit how {@link #initTheta} starts the output layer */
    public LearnedMetaArch(Arch arch, int threads, HeadInit headInit) {
        this(arch, threads, headInit, Theta.DEFAULT_STEP_MULT);
    }

    /**
     * @param stepMult the learned term's step multiplier of every theta this arch builds and writes
     *     ({@link Theta#stepMult}); a fixed constant, not meta-trained
     */
    public LearnedMetaArch(Arch arch, int threads, HeadInit headInit, float stepMult) {
        if (!(stepMult > 0f) || !Float.isFinite(stepMult)) {
            throw new UserError("--step-mult must be a finite number > 0, got " + stepMult);
        }
        this.stepMult = stepMult;
        if (threads < 0) {
            throw new UserError("--threads must be >= 1, got " + threads);
        }
        this.arch = arch;
        this.fusedThreads = threads == 1 ? 1 : 0;
        this.headInit = java.util.Objects.requireNonNull(headInit);
    }

    public float stepMult() {
        return stepMult;
    }

    /** The flat vector as this arch's Theta, with its step multiplier. */
    public Theta theta(float[] flat) {
        return unflatten(arch, flat).withStepMult(stepMult);
    }

    public HeadInit headInit() {
        return headInit;
    }

    public Arch arch() {
        return arch;
    }

    @Override
    public String name() {
        return arch.id();
    }

    @Override
    public void writeWeights(java.nio.file.Path file, float[] theta, String provenance) throws java.io.IOException {
        dev.lobench.optimizers.learned.ThetaFiles.write(file, theta(theta), provenance);
    }

    @Override
    public void describeIn(com.fasterxml.jackson.databind.node.ObjectNode metaTraining) {
        metaTraining.put("head_init", headInit.id());
        metaTraining.put("step_mult", Double.parseDouble(Float.toString(stepMult)));
    }

    @Override
    public int thetaSize() {
        return size(arch);
    }

    /** 197 for small-fc, 207 for star. */
    public static int size(Arch arch) {
        int k = arch.outputs();
        int h = Theta.HIDDEN;
        return OFFSETS + Theta.INPUTS * h + h + h * h + h + h * k + k;
    }

    @Override
    public float[] initTheta(long seed) {
        return flatten(Theta.init(arch, seed, headInit));
    }

    @Override
    public Optimizer build(float[] theta) {
        return new FusedLearnedOptimizer(theta(theta), 0f, fusedThreads);
    }

    /** Theta to the flat order of this class. */
    public static float[] flatten(Theta t) {
        float[] out = new float[size(t.arch())];
        int o = 0;
        for (float[] a : new float[][] {t.momentumDecays(), t.rmsDecays(), t.adafactorDecays(), t.w0(), t.b0(), t.w1(),
            t.b1(), t.w2(), t.b2()}) {
            System.arraycopy(a, 0, out, o, a.length);
            o += a.length;
        }
        return out;
    }

    /** The flat vector (not modified) as a Theta of {@code arch}; wrong length or non-finite values are UserErrors. */
    public static Theta unflatten(Arch arch, float[] flat) {
        if (flat.length != size(arch)) {
            throw new UserError(arch.id() + " theta has " + size(arch) + " entries, got " + flat.length);
        }
        int k = arch.outputs();
        int h = Theta.HIDDEN;
        int[] lens = {3, 1, 3, Theta.INPUTS * h, h, h * h, h, h * k, k};
        float[][] parts = new float[lens.length][];
        int o = 0;
        for (int i = 0; i < lens.length; i++) {
            parts[i] = java.util.Arrays.copyOfRange(flat, o, o + lens[i]);
            o += lens[i];
        }
        return new Theta(arch, parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], parts[6], parts[7],
                parts[8]);
    }
    /** {@code --arch star} and {@code --arch small-fc} ({@link MetaArchFactory}). */
    abstract static class Factory implements MetaArchFactory {
        private final Arch arch;

        Factory(Arch arch) {
            this.arch = arch;
        }

        @Override
        public String name() {
            return arch.id();
        }

        private HeadInit head(Settings s) {
            return s.headInit() == null ? HeadInit.defaultFor(arch) : HeadInit.parse(s.headInit());
        }

        @Override
        public MetaArch create(Settings s) {
            if (s.lstm() != null || s.bank() != null) {
                throw new UserError("--lstm and --bank apply to velo-style, not " + arch.id());
            }
            return new LearnedMetaArch(arch, s.threads(), head(s),
                    s.stepMult() == null ? Theta.DEFAULT_STEP_MULT : s.stepMult());
        }

        @Override
        public String describe(Settings s) {
            return ", head init " + head(s).id() + (s.stepMult() == null ? "" : ", step-mult " + s.stepMult());
        }
    }

    /** {@code --arch star}. */
    public static final class StarFactory extends Factory {
        public StarFactory() {
            super(Arch.STAR);
        }
    }

    /** {@code --arch small-fc}. */
    public static final class SmallFcFactory extends Factory {
        public SmallFcFactory() {
            super(Arch.SMALL_FC);
        }
    }
}
