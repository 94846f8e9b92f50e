package dev.lobench.results;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Dolan-More performance profiles (docs/metrics.md) over tasks, with cost = steps to reach a per-task
 * target loss.
 *
 * <ul>
 *   <li>Target of task w: the loss tuned Adam reaches at T, i.e. the last value of the {@link Speedup} envelope.
 *       A task with no completed Adam cell has no target and is left out of the profiles.</li>
 *   <li>Cost of one cell: {@link Curves#firstReach} of its EMA-smoothed training-loss curve to the target, at
 *       least 1 (a curve that starts below the target costs 1 step); +infinity when never reached and for a
 *       non-completed cell (the one rule). The curve is read in steps ({@link LossCurve#perStep}).</li>
 *   <li>Cost of optimizer s on w: the median over its seeds (type 7, with +infinity sorting last; a median
 *       touching an infinite value is infinite). An optimizer without cells on w costs +infinity there.</li>
 *   <li>r_{s,w} = cost_{s,w} / min_s' cost_{s',w} (+infinity when the cost is; when no optimizer reached the
 *       target every r is +infinity). rho_s(tau) = share of the profile's tasks with r_{s,w} &lt;= tau.</li>
 * </ul>
 */
public final class PerformanceProfile {

    /** Tasks, solvers and r[solver][task]. */
    public record Profile(List<String> solvers, List<String> tasks, double[][] ratio) {
        public double rho(int solver, double tau) {
            if (tasks.isEmpty()) {
                return Double.NaN;
            }
            int k = 0;
            for (double r : ratio[solver]) {
                if (r <= tau) {
                    k++;
                }
            }
            return (double) k / tasks.size();
        }

        /** The finite ratios of all solvers, ascending and distinct: where the rho step functions jump. */
        public double[] breakpoints() {
            TreeSet<Double> s = new TreeSet<>();
            for (double[] row : ratio) {
                for (double r : row) {
                    if (Double.isFinite(r)) {
                        s.add(r);
                    }
                }
            }
            return s.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    private PerformanceProfile() {}

    /** Cost of one cell to reach {@code target}; see the class comment. */
    public static double cellCost(CellRecord c, double target) {
        if (c.outcome() != Outcome.completed || c.trainLoss() == null || LossCurve.stepsRun(c) == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double n = Curves.firstReach(Curves.ema(LossCurve.perStep(c)), target);
        return Math.max(1.0, n);
    }

    static double medianWithInf(double[] v) {
        if (v.length == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        double q = Stats.quantile(s, 0.5);
        return Double.isNaN(q) ? Double.POSITIVE_INFINITY : q;
    }

    /** The profile over the tasks of {@code cells} (optionally restricted to {@code taskFilter}). */
    public static Profile compute(List<CellRecord> cells) {
        Map<String, List<CellRecord>> byTask = new TreeMap<>();
        for (CellRecord c : cells) {
            byTask.computeIfAbsent(c.task(), k -> new ArrayList<>()).add(c);
        }
        List<String> solvers = cells.stream().map(CellRecord::optimizer).distinct().sorted().toList();
        List<String> tasks = new ArrayList<>();
        List<double[]> costsPerTask = new ArrayList<>();
        for (var e : byTask.entrySet()) {
            Speedup.Envelope env = Speedup.envelope(e.getValue());
            if (env == null) {
                continue;
            }
            double target = env.finalLoss();
            double[] cost = new double[solvers.size()];
            for (int s = 0; s < solvers.size(); s++) {
                String name = solvers.get(s);
                cost[s] = medianWithInf(e.getValue().stream().filter(c -> c.optimizer().equals(name))
                        .mapToDouble(c -> cellCost(c, target)).toArray());
            }
            tasks.add(e.getKey());
            costsPerTask.add(cost);
        }
        double[][] r = new double[solvers.size()][tasks.size()];
        for (int w = 0; w < tasks.size(); w++) {
            double[] cost = costsPerTask.get(w);
            double min = Arrays.stream(cost).min().orElse(Double.POSITIVE_INFINITY);
            for (int s = 0; s < solvers.size(); s++) {
                r[s][w] = Double.isFinite(min) && Double.isFinite(cost[s]) ? cost[s] / min : Double.POSITIVE_INFINITY;
            }
        }
        return new Profile(solvers, tasks, r);
    }
}
