package dev.lobench.results;

import java.util.List;

/**
 * Per-cell (per-seed) quality metrics, computed from stored records only (docs/metrics.md).
 *
 * <p>Final train loss: training losses are noisy minibatch values, so the final loss "at step T" is the mean of
 * the losses of the last k steps run, k = min(max(1, ⌊len/10⌋), 20) where len = the number of steps run
 * ({@link LossCurve#stepsRun}; {@code trainLoss.length} for a per-step record): 10% of the steps run, at least 1, at
 * most 20. A strided record ({@code lossEvery} K &gt; 1, {@link LossCurve}) gives the same k; its block means are
 * weighted by how many of the last k steps each block holds ({@link LossCurve#tailMean}), so when K divides both k and
 * len the mean is over exactly the same steps as for the per-step record (its block means rounded to float); for
 * another K the oldest block in the window counts with the number of its steps inside it. Final test loss and test accuracy: the values of the last evaluation point
 * (evaluations are sparse and the last is the one at step T). A missing or non-finite value gives NaN.
 *
 * <p>Mean train loss: the mean of every recorded training loss (the area under the curve per step, so a run that
 * gets low early scores better than one that gets there at the end), block means weighted by their sizes; NaN when
 * none was recorded.
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
        int k = c.trainLoss() == null ? 0 : tailLength(LossCurve.stepsRun(c));
        if (k == 0) {
            return Double.NaN;
        }
        return LossCurve.tailMean(c, k);
    }

    public static double meanTrainLoss(CellRecord c) {
        return LossCurve.mean(c);
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
