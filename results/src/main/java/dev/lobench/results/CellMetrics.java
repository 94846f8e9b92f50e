package dev.lobench.results;

import java.util.List;

/**
 * Per-cell (per-seed) quality metrics, computed from stored records only (docs/metrics.md).
 *
 * <p>Final train loss: training losses are noisy minibatch values, so the final loss "at step T" is the mean of
 * the last k recorded values, k = min(max(1, ⌊len/10⌋), 20) where len = {@code trainLoss.length} (10% of the
 * steps run, at least 1, at most 20). Final test loss and test accuracy: the values of the last evaluation point
 * (evaluations are sparse and the last is the one at step T). A missing or non-finite value gives NaN.
 *
 * <p>Mean train loss: the mean of every recorded training loss (the area under the curve per step, so a run that
 * gets low early scores better than one that gets there at the end); NaN when none was recorded.
 */
public final class CellMetrics {
    /** Cap on the number of final training losses averaged. */
    public static final int MAX_TAIL = 20;

    private CellMetrics() {}

    /** k of the class comment, for a curve of {@code length} recorded steps (0 when there are none). */
    public static int tailLength(int length) {
        if (length <= 0) {
            return 0;
        }
        return Math.min(Math.max(1, length / 10), MAX_TAIL);
    }

    public static double finalTrainLoss(CellRecord c) {
        float[] l = c.trainLoss();
        int k = l == null ? 0 : tailLength(l.length);
        if (k == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = l.length - k; i < l.length; i++) {
            sum += l[i];
        }
        return Double.isFinite(sum) ? sum / k : Double.NaN;
    }

    public static double meanTrainLoss(CellRecord c) {
        float[] l = c.trainLoss();
        if (l == null || l.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (float v : l) {
            s += v;
        }
        return s / l.length;
    }

    public static double finalTestLoss(CellRecord c) {
        EvalPoint e = lastEval(c);
        return e == null ? Double.NaN : e.testLoss();
    }

    public static double finalTestAccuracy(CellRecord c) {
        EvalPoint e = lastEval(c);
        return e == null ? Double.NaN : e.testAccuracy();
    }

    /** The evaluation with the highest step (the last one on ties), or null when there is none. */
    static EvalPoint lastEval(CellRecord c) {
        List<EvalPoint> evals = c.evals();
        EvalPoint last = null;
        if (evals != null) {
            for (EvalPoint e : evals) {
                if (last == null || e.step() >= last.step()) {
                    last = e;
                }
            }
        }
        return last;
    }
}
