package dev.lobench.meta;

import dev.lobench.tasks.UserError;

import java.util.Locale;

/**
 * How each per-step minibatch training loss enters the meta-objective (the mean over an unroll).
 *
 * <ul>
 *   <li>{@code none}: the raw loss (a non-finite loss makes the unroll's mean non-finite);</li>
 *   <li>{@code clip}: for a classification task with C classes, the loss clipped to [0, 1.5 ln C], and a NaN or
 *       infinite loss mapped to that maximum, so that one exploding inner run cannot dominate the antithetic
 *       differences of an estimate (the normalisation learned_optimization applies to its classification tasks).</li>
 * </ul>
 */
public enum LossNormaliser {
    NONE, CLIP;

    /**
     * The loss after normalisation for a task with {@code classes} classes; a problem that is not a classification
     * ({@code classes < 2}) keeps its raw losses.
     */
    public double apply(double raw, int classes) {
        if (this == NONE || classes < 2) {
            return raw;
        }
        double max = maxLoss(classes);
        if (!Double.isFinite(raw)) {
            return max;
        }
        return Math.max(0.0, Math.min(max, raw));
    }

    /** 1.5 ln(classes): the largest value {@code clip} lets through. */
    public static double maxLoss(int classes) {
        return 1.5 * Math.log(classes);
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static LossNormaliser parse(String s) {
        for (LossNormaliser v : values()) {
            if (v.id().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return v;
            }
        }
        throw new UserError("unknown loss normaliser '" + s + "'; use clip or none");
    }
}
