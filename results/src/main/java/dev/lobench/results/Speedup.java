package dev.lobench.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Speedup over tuned Adam by the envelope method (docs/metrics.md "Comparison metrics"), per task.
 *
 * <ol>
 *   <li>Adam cells of the task ({@link Report#isAdam}) are grouped by learning rate
 *       ({@link OptimizerNames#learningRate}: {@code optimizerParams.lr}); per learning rate the training-loss curves of its <em>completed</em>
 *       seeds are averaged point-wise (over their common length) and smoothed with the EMA of {@link Curves}
 *       (beta 0.9). A learning rate with no completed seed does not enter the envelope.</li>
 *   <li>Envelope E(i) = min over learning rates of the smoothed curves at index i (over the common length),
 *       then made monotone by a running minimum. T_ref = E.length - 1 = number of Adam updates.</li>
 *   <li>For one cell (one seed) of optimizer s, its own curve is EMA-smoothed the same way and l = the smoothed
 *       value at index t; N(l) = {@link Curves#firstReach}(E, l); speedup(t) = N(l) / t, and = T_ref / t when
 *       l &lt; min E (s beats everything Adam reached). t = T is the last index (len - 1), t = T/2 is
 *       ⌊(len - 1) / 2⌋.</li>
 *   <li>Non-completed cells (diverged, timeout, out_of_memory, error) have speedup 0. With no completed Adam
 *       cell on the task there is no envelope and the speedup is NaN.</li>
 * </ol>
 * Curves are read in steps ({@link LossCurve#perStep}): index i is step i for per-step and strided records alike.
 */
public final class Speedup {

    /** The tuned-Adam envelope of one task. */
    public record Envelope(double[] values, List<Double> learningRates) {
        public int refSteps() {
            return values.length - 1;
        }

        public double best() {
            return values[values.length - 1];
        }

        /** The loss tuned Adam reaches at T_ref (the last envelope value). */
        public double finalLoss() {
            return best();
        }
    }

    private Speedup() {}

    /** The envelope from the Adam cells among {@code taskCells} (all of one task), or null when there is none. */
    public static Envelope envelope(List<CellRecord> taskCells) {
        Map<Double, List<float[]>> byLr = new TreeMap<>();
        for (CellRecord c : taskCells) {
            if (Report.isAdam(c) && c.outcome() == Outcome.completed && c.trainLoss() != null
                    && LossCurve.stepsRun(c) > 1) {
                double lr = OptimizerNames.learningRate(c);
                byLr.computeIfAbsent(Double.isNaN(lr) ? -1.0 : lr, k -> new ArrayList<>()).add(LossCurve.perStep(c));
            }
        }
        if (byLr.isEmpty()) {
            return null;
        }
        List<double[]> smoothed = new ArrayList<>();
        for (List<float[]> curves : byLr.values()) {
            smoothed.add(Curves.ema(Curves.mean(curves), Curves.EMA_BETA));
        }
        int len = smoothed.stream().mapToInt(a -> a.length).min().orElse(0);
        double[] e = new double[len];
        for (int i = 0; i < len; i++) {
            double m = Double.NaN;
            for (double[] s : smoothed) {
                if (!Double.isNaN(s[i]) && (Double.isNaN(m) || s[i] < m)) {
                    m = s[i];
                }
            }
            e[i] = m;
        }
        e = Curves.runningMin(e);
        if (len < 2 || Double.isNaN(e[len - 1])) {
            return null;
        }
        return new Envelope(e, List.copyOf(byLr.keySet()));
    }

    /** Speedup of one cell at t = T ({@code half} false) or t = T/2 ({@code half} true); see the class comment. */
    public static double of(Envelope env, CellRecord c, boolean half) {
        if (env == null) {
            return Double.NaN;
        }
        if (c.outcome() != Outcome.completed || c.trainLoss() == null || LossCurve.stepsRun(c) < 2) {
            return 0;
        }
        double[] s = Curves.ema(LossCurve.perStep(c));
        int last = s.length - 1;
        int t = half ? last / 2 : last;
        if (t < 1) {
            return Double.NaN;
        }
        return at(env, s[t], t);
    }

    /** speedup for a loss {@code l} reached at index {@code t}. */
    static double at(Envelope env, double l, int t) {
        if (Double.isNaN(l)) {
            return 0;
        }
        if (l < env.best()) {
            return (double) env.refSteps() / t;
        }
        return Curves.firstReach(env.values(), l) / t;
    }
}
