package dev.lobench.optimizers.learned;

import ai.djl.ndarray.NDArray;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;

import java.util.Arrays;
import java.util.List;

/**
 * Common part of the star and small-fc learned optimizers (spec: docs/learned-optimizers.md section 1). Two
 * implementations with identical behaviour exist: {@link ReferenceLearnedOptimizer} (DJL NDArray ops, any device) and
 * {@link FusedLearnedOptimizer} (Java CPU kernel, the default on CPU). Create them with {@link LearnedOptimizers}.
 *
 * <p>The iteration counter t lives in the state (starts at 0, incremented after each update); the {@code step}
 * argument of {@link #update} is not used, as in the reference where t is optimizer state.
 */
public abstract class LearnedOptimizer implements Optimizer {

    /** Which implementation computes the step. */
    public enum Impl {
        REFERENCE, FUSED;

        public static Impl parse(String s) {
            return switch (s) {
                case "reference" -> REFERENCE;
                case "fused" -> FUSED;
                default -> throw new UserError("unknown learned optimizer implementation '" + s
                        + "' (expected reference or fused)");
            };
        }

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    // constants of the spec
    /** star's nominal step size (public code: nominal_stepsize); the learned term's multiplier is theta.stepMult(). */
    static final float NOMINAL_STEP = 0.001f;
    static final float EXP_MULT = 0.001f;
    static final float Q_EPS = 1e-30f;
    static final float RMS_EPS = 1e-6f;
    static final float FAC_EPS = 1e-9f;
    static final float RSQRT_FEAT_EPS = 1e-8f;
    static final float FAC_MOM_EPS = 1e-6f;
    static final float NORM_EPS = 1e-5f;

    protected final Theta theta;
    protected final float weightDecay;
    /** theta.stepMult(), the learned term's multiplier. */
    protected final float stepMult;
    protected final float[] momDecay;
    protected final float[] rmsDecay;
    protected final float[] adaDecay;

    protected LearnedOptimizer(Theta theta, float weightDecay) {
        if (!Float.isFinite(weightDecay) || weightDecay < 0) {
            throw new UserError("learned optimizer weight decay wd must be finite and >= 0, got " + weightDecay);
        }
        if (weightDecay != 0 && theta.arch() != Arch.STAR) {
            throw new UserError("weight decay wd is only defined for star, not " + theta.arch().id());
        }
        this.theta = theta;
        this.stepMult = theta.stepMult();
        this.weightDecay = weightDecay;
        this.momDecay = theta.effectiveMomentumDecays();
        this.rmsDecay = theta.effectiveRmsDecays();
        this.adaDecay = theta.effectiveAdafactorDecays();
    }

    public Theta theta() {
        return theta;
    }

    public Arch arch() {
        return theta.arch();
    }

    public float weightDecay() {
        return weightDecay;
    }

    public abstract Impl impl();

    private String label;

    /** Sets the canonical spec name this optimizer reports (the registry's, e.g. {@code star(weights=init:0)}). */
    public LearnedOptimizer named(String name) {
        this.label = name;
        return this;
    }

    @Override
    public String name() {
        if (label != null) {
            return label;
        }
        return weightDecay == 0 ? arch().id() : arch().id() + "(wd=" + weightDecay + ")";
    }

    @Override
    public String identity() {
        return name() + "@theta-sha256:" + theta.sha256();
    }

    /** Validates an update call against the plans made at init. */
    static void checkCall(List<Param> params, List<NDArray> grads, FactorPlan[] plans) {
        if (params.size() != plans.length || grads.size() != plans.length) {
            throw new UserError("learned optimizer state was made for " + plans.length + " tensors but update got "
                    + params.size() + " parameters and " + grads.size() + " gradients");
        }
        for (int i = 0; i < plans.length; i++) {
            long[] ps = params.get(i).array().getShape().getShape();
            long[] gs = grads.get(i).getShape().getShape();
            if (!Arrays.equals(ps, gs)) {
                throw new UserError("gradient of '" + params.get(i).name() + "' has shape " + Arrays.toString(gs)
                        + " but the parameter has shape " + Arrays.toString(ps));
            }
            long n = 1;
            for (long s : ps) {
                n *= s;
            }
            if (n != plans[i].size()) {
                throw new UserError("parameter '" + params.get(i).name() + "' changed size since init");
            }
        }
    }

    static <T extends OptState> T castState(OptState s, Class<T> cls) {
        if (!cls.isInstance(s)) {
            throw new UserError("optimizer state of type " + (s == null ? "null" : s.getClass().getSimpleName())
                    + " does not belong to this learned optimizer implementation");
        }
        return cls.cast(s);
    }
}
