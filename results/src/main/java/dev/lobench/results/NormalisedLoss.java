package dev.lobench.results;

import java.util.List;

/**
 * Normalised loss (docs/metrics.md): (L_s(T) - L_min) / (L_init - L_min), per cell.
 *
 * <ul>
 *   <li>L_s(T): the final train loss of {@link CellMetrics#finalTrainLoss} for a completed cell. For a
 *       non-completed cell (the one rule): the last finite recorded training loss, or the cell's initial loss
 *       when there is none. A strided record ({@link LossCurve}) of a cell that stopped early records its last step's
 *       loss as an entry of its own, so that value is the same as in the per-step record; when it is not finite, the
 *       entry before it is the mean of the (finite) steps of the last block before that step, where the per-step
 *       record has the loss of the step before (finite there too).</li>
 *   <li>L_init: the cell's {@code initialLoss}.</li>
 *   <li>L_min: the lowest final train loss of any <em>completed</em> cell on the task (any optimizer, any
 *       seed).</li>
 * </ul>
 * NaN when L_init or L_min is missing or L_init &lt;= L_min. 0 = the best seen, 1 = no progress, &gt; 1 = worse
 * than the start.
 */
public final class NormalisedLoss {
    private NormalisedLoss() {}

    /** L_min over the cells of one task; NaN when no cell completed with a finite final loss. */
    public static double bestLoss(List<CellRecord> taskCells) {
        double best = Double.NaN;
        for (CellRecord c : taskCells) {
            if (c.outcome() == Outcome.completed) {
                double v = CellMetrics.finalTrainLoss(c);
                if (!Double.isNaN(v) && (Double.isNaN(best) || v < best)) {
                    best = v;
                }
            }
        }
        return best;
    }

    /** L_s(T) of the class comment. */
    public static double finalLoss(CellRecord c) {
        if (c.outcome() == Outcome.completed) {
            return CellMetrics.finalTrainLoss(c);
        }
        float[] l = c.trainLoss();
        if (l != null) {
            for (int i = l.length - 1; i >= 0; i--) {
                if (Float.isFinite(l[i])) {
                    return l[i];
                }
            }
        }
        return c.initialLoss();
    }

    public static double of(CellRecord c, double bestLoss) {
        double init = c.initialLoss();
        double l = finalLoss(c);
        if (!Double.isFinite(init) || !Double.isFinite(bestLoss) || !Double.isFinite(l) || init <= bestLoss) {
            return Double.NaN;
        }
        return (l - bestLoss) / (init - bestLoss);
    }
}
