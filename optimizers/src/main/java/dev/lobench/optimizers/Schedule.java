package dev.lobench.optimizers;

import dev.lobench.tasks.UserError;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Learning-rate schedule, a function of the 0-based update index {@code step} and the base learning rate.
 *
 * <ul>
 *   <li>Linear warmup ({@code warmup} = W &gt; 0): for step &lt; W, lr = base * (step + 1) / W, so the first
 *       update uses base / W and update W-1 the full base rate.</li>
 *   <li>{@link Kind#CONSTANT}: afterwards lr = base.</li>
 *   <li>{@link Kind#COSINE} over {@code totalSteps} = T: with t = step - W and D = T - W,
 *       lr = minLr + (base - minLr) * (1 + cos(pi * t / D)) / 2 for t &lt; D, and minLr from t = D on
 *       (PyTorch's CosineAnnealingLR with T_max = D, eta_min = minLr).</li>
 * </ul>
 */
public record Schedule(Kind kind, long warmup, long totalSteps, double minLr) {

    public enum Kind { CONSTANT, COSINE }

    /** Spec parameters every hand-designed optimizer accepts, with their defaults. */
    public static final Map<String, String> SPEC_DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("schedule", "constant");
        d.put("warmup", "0");
        d.put("min_lr", "0");
        d.put("steps", Hyperparams.FROM_RUN);
        SPEC_DEFAULTS = java.util.Collections.unmodifiableMap(d);
    }

    public Schedule {
        if (warmup < 0 || minLr < 0 || (kind == Kind.COSINE && totalSteps <= warmup)) {
            throw new IllegalArgumentException("bad schedule " + kind + " warmup=" + warmup + " total="
                    + totalSteps + " minLr=" + minLr);
        }
    }

    public static Schedule constant() {
        return new Schedule(Kind.CONSTANT, 0, 0, 0);
    }

    public static Schedule constant(long warmup) {
        return new Schedule(Kind.CONSTANT, warmup, 0, 0);
    }

    public static Schedule cosine(long totalSteps, double minLr, long warmup) {
        return new Schedule(Kind.COSINE, warmup, totalSteps, minLr);
    }

    /** The learning rate of update {@code step} (0-based) for base rate {@code baseLr}. */
    public double lr(double baseLr, long step) {
        if (step < warmup) {
            return baseLr * (double) (step + 1) / (double) warmup;
        }
        if (kind == Kind.CONSTANT) {
            return baseLr;
        }
        long t = step - warmup;
        long decay = totalSteps - warmup;
        if (t >= decay) {
            return minLr;
        }
        return minLr + (baseLr - minLr) * 0.5 * (1.0 + Math.cos(Math.PI * (double) t / (double) decay));
    }

    /**
     * Reads {@code schedule}, {@code warmup}, {@code min_lr} and {@code steps} (see {@link #SPEC_DEFAULTS}).
     * {@code steps} is needed for cosine only.
     */
    public static Schedule fromSpec(Hyperparams hp, double baseLr) {
        String kind = hp.choice("schedule", List.of("constant", "cosine"));
        long warmup = hp.integer("warmup", 0);
        double minLr = hp.nonNegative("min_lr");
        if (kind.equals("constant")) {
            if (hp.isGiven("min_lr") && minLr != 0) {
                throw new UserError("optimizer '" + hp.optimizer() + "': min_lr applies to schedule=cosine only");
            }
            return constant(warmup);
        }
        if (minLr > baseLr) {
            throw new UserError("optimizer '" + hp.optimizer() + "': min_lr (" + Hyperparams.format(minLr)
                    + ") must not exceed lr (" + Hyperparams.format(baseLr) + ")");
        }
        long total = hp.totalSteps("steps", "schedule=cosine");
        if (total <= warmup) {
            throw new UserError("optimizer '" + hp.optimizer() + "': warmup (" + warmup
                    + ") must be smaller than the total steps (" + total + ") for schedule=cosine");
        }
        return cosine(total, minLr, warmup);
    }

    /**
     * Declared parameters for {@link OptimizerRegistry#register}: {@code kv} as alternating names and default values,
     * followed by {@link #SPEC_DEFAULTS} (an optimizer with a learning rate takes a schedule).
     */
    public static Map<String, String> withScheduleParams(String... kv) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        m.putAll(SPEC_DEFAULTS);
        return m;
    }
}
