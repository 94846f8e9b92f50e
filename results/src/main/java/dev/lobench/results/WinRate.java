package dev.lobench.results;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Win rate of optimizer A over B (docs/metrics.md): over the (task, seed) pairs where both have a cell,
 * A wins when its final train loss is lower than B's by more than the relative margin m:
 * L_A &lt; L_B - m·|L_B|; A loses when L_B &lt; L_A - m·|L_A|; otherwise it is a tie (counted apart).
 * Default m = {@link #DEFAULT_MARGIN} = 1%. Non-completed cells (the one rule) have final loss +infinity: a
 * non-completed run loses to a completed one, two non-completed runs tie.
 *
 * <p>win rate = wins / pairs. Its 95% CI: {@link Bootstrap} over <em>tasks</em> (resample tasks with
 * replacement, keep all their seed pairs, recompute wins / pairs).
 */
public final class WinRate {
    public static final double DEFAULT_MARGIN = 0.01;

    public record Result(String a, String b, int tasks, int pairs, int wins, int ties, int losses, double rate,
            double ciLow, double ciHigh) {}

    private WinRate() {}

    /** Final loss used by win rates: the final train loss, +infinity for a non-completed cell. */
    public static double loss(CellRecord c) {
        if (c.outcome() != Outcome.completed) {
            return Double.POSITIVE_INFINITY;
        }
        double v = CellMetrics.finalTrainLoss(c);
        return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    }

    /** +1 when a beats b by more than the margin, -1 when b beats a, 0 for a tie. */
    public static int outcome(double la, double lb, double margin) {
        if (la == lb) {
            return 0;
        }
        if (Double.isInfinite(la) || Double.isInfinite(lb)) {
            return la < lb ? 1 : -1;
        }
        if (la < lb - margin * Math.abs(lb)) {
            return 1;
        }
        if (lb < la - margin * Math.abs(la)) {
            return -1;
        }
        return 0;
    }

    /** Win rate of optimizer {@code a} over {@code b} (exact names) over all tasks in {@code cells}. */
    public static Result compute(List<CellRecord> cells, String a, String b, double margin, long seed) {
        Map<String, Map<Long, CellRecord>> ca = new TreeMap<>();
        Map<String, Map<Long, CellRecord>> cb = new TreeMap<>();
        for (CellRecord c : cells) {
            if (c.optimizer().equals(a)) {
                ca.computeIfAbsent(c.task(), k -> new HashMap<>()).put(c.seed(), c);
            } else if (c.optimizer().equals(b)) {
                cb.computeIfAbsent(c.task(), k -> new HashMap<>()).put(c.seed(), c);
            }
        }
        List<int[]> perTask = new ArrayList<>(); // {wins, ties, losses}
        for (var e : ca.entrySet()) {
            Map<Long, CellRecord> other = cb.get(e.getKey());
            if (other == null) {
                continue;
            }
            int[] wtl = new int[3];
            for (var s : e.getValue().entrySet()) {
                CellRecord y = other.get(s.getKey());
                if (y == null) {
                    continue;
                }
                int o = outcome(loss(s.getValue()), loss(y), margin);
                wtl[o == 1 ? 0 : o == 0 ? 1 : 2]++;
            }
            if (wtl[0] + wtl[1] + wtl[2] > 0) {
                perTask.add(wtl);
            }
        }
        int w = 0;
        int t = 0;
        int l = 0;
        for (int[] x : perTask) {
            w += x[0];
            t += x[1];
            l += x[2];
        }
        int pairs = w + t + l;
        double[] ci = Bootstrap.ci95(perTask.size(), idx -> {
            int ww = 0;
            int nn = 0;
            for (int i : idx) {
                int[] x = perTask.get(i);
                ww += x[0];
                nn += x[0] + x[1] + x[2];
            }
            return nn == 0 ? Double.NaN : (double) ww / nn;
        }, seed);
        return new Result(a, b, perTask.size(), pairs, w, t, l, pairs == 0 ? Double.NaN : (double) w / pairs,
                ci[0], ci[1]);
    }
}
