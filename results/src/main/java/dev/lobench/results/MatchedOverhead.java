package dev.lobench.results;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Joins quality results (cells) with an overhead run of the same machine (docs/metrics.md "Cost").
 *
 * <p>Definitions (per task; curves are the element-wise mean over the completed seeds of an optimizer spec's
 * minibatch training loss, smoothed by a trailing mean of {@code window} steps):
 * <ul>
 *   <li><b>Tuned Adam</b>: the {@code adam} spec (any lr) whose curve ends lowest.</li>
 *   <li><b>Step speedup</b> (time-to-target): the number of steps tuned Adam needs until its curve first reaches the
 *       optimizer's final loss, divided by the steps the optimizer ran. If Adam never reaches it, the speedup is at
 *       least Adam's steps / the optimizer's steps (shown with '&gt;').</li>
 *   <li><b>Full-step ratio</b>: full-step median time of the optimizer / of Adam on the task (overhead run).</li>
 *   <li><b>Wall-clock speedup</b> = step speedup / full-step ratio. <b>Break-even</b>: an optimizer must save at least
 *       the full-step ratio in steps; step speedup &gt; 1 but wall-clock speedup &lt; 1 is flagged.</li>
 *   <li><b>Matched wall clock</b>: Adam gets the optimizer's time budget, i.e. floor(steps x full-step ratio) steps;
 *       its loss there is read from its curve when its run was long enough.</li>
 *   <li><b>star vs small-fc</b>: their optimizer-only and full-step time ratio next to their final-loss difference.</li>
 * </ul>
 */
public final class MatchedOverhead {
    public static final int DEFAULT_WINDOW = 10;
    public static final String TOO_SHORT = "Adam run too short for matched budget";

    public record Curve(String task, String spec, String base, float[] loss) {
        public int steps() {
            return loss.length;
        }

        public double finalLoss() {
            return loss.length == 0 ? Double.NaN : loss[loss.length - 1];
        }

        /** Smoothed loss after {@code k} steps (1-based); NaN when k is 0 or beyond the run. */
        public double at(int k) {
            return k >= 1 && k <= loss.length ? loss[k - 1] : Double.NaN;
        }
    }

    public record Speedup(String task, String optimizer, String adamSpec, int steps, double finalLoss,
            int adamStepsToTarget, boolean adamReached, double stepSpeedup, double fullStepRatio,
            double wallSpeedup, boolean breakEvenFlag) {}

    public record Matched(String task, String optimizer, int steps, double budgetSeconds, long adamSteps,
            double adamLoss, double finalLoss, String note) {}

    public record Pair(String task, double optOnlyRatio, double fullStepRatio, double starLoss, double smallFcLoss,
            double lossDifference) {}

    private MatchedOverhead() {}

    /** Mean curve over the completed seeds of each (task, optimizer spec), smoothed; in input order. */
    public static List<Curve> curves(List<CellRecord> cells, int window) {
        Map<String, List<float[]>> groups = new LinkedHashMap<>();
        Map<String, CellRecord> first = new LinkedHashMap<>();
        for (CellRecord c : cells) {
            if (c.outcome() != Outcome.completed || c.trainLoss() == null || LossCurve.stepsRun(c) == 0) {
                continue;
            }
            String k = c.task() + "\u0000" + c.optimizer();
            groups.computeIfAbsent(k, x -> new ArrayList<>()).add(LossCurve.perStep(c));   // in steps
            first.putIfAbsent(k, c);
        }
        List<Curve> out = new ArrayList<>();
        for (Map.Entry<String, List<float[]>> e : groups.entrySet()) {
            CellRecord c = first.get(e.getKey());
            out.add(new Curve(c.task(), c.optimizer(), c.optimizerBase(),
                    smooth(mean(e.getValue()), window)));
        }
        return out;
    }

    static float[] mean(List<float[]> curves) {
        int n = Integer.MAX_VALUE;
        for (float[] c : curves) {
            n = Math.min(n, c.length);
        }
        float[] m = new float[n];
        for (int t = 0; t < n; t++) {
            double s = 0;
            for (float[] c : curves) {
                s += c[t];
            }
            m[t] = (float) (s / curves.size());
        }
        return m;
    }

    /** Trailing mean over the last {@code window} values (fewer at the start). */
    static float[] smooth(float[] x, int window) {
        float[] s = new float[x.length];
        double acc = 0;
        for (int t = 0; t < x.length; t++) {
            acc += x[t];
            if (t >= window) {
                acc -= x[t - window];
            }
            s[t] = (float) (acc / Math.min(t + 1, window));
        }
        return s;
    }

    /** First step count k (1-based) where the curve is at or below target; -1 if never. */
    static int stepsToReach(Curve c, double target) {
        for (int t = 0; t < c.loss.length; t++) {
            if (c.loss[t] <= target) {
                return t + 1;
            }
        }
        return -1;
    }

    /** Tuned Adam on a task: the adam spec with the lowest final smoothed loss. */
    static Curve tunedAdam(List<Curve> curves, String task) {
        Curve best = null;
        for (Curve c : curves) {
            if (c.task().equals(task) && c.base().equals(OverheadTable.REFERENCE)
                    && (best == null || c.finalLoss() < best.finalLoss())) {
                best = c;
            }
        }
        return best;
    }

    static double fullRatio(OverheadRun run, String task, String optimizer) {
        return OverheadTable.ratio(OverheadTable.ms(run.find(OverheadRecord.FULL_STEP, task, optimizer)),
                OverheadTable.ms(run.find(OverheadRecord.FULL_STEP, task, OverheadTable.REFERENCE)));
    }

    public static List<Speedup> speedups(List<Curve> curves, OverheadRun run) {
        List<Speedup> out = new ArrayList<>();
        for (Curve c : curves) {
            if (c.base().equals(OverheadTable.REFERENCE)) {
                continue;
            }
            Curve adam = tunedAdam(curves, c.task());
            if (adam == null) {
                continue;
            }
            int k = stepsToReach(adam, c.finalLoss());
            boolean reached = k > 0;
            double stepSpeedup = (double) (reached ? k : adam.steps()) / c.steps();
            double ratio = fullRatio(run, c.task(), c.base());
            double wall = stepSpeedup / ratio;
            boolean flag = stepSpeedup > 1 && Double.isFinite(wall) && wall < 1;
            out.add(new Speedup(c.task(), c.spec(), adam.spec(), c.steps(), c.finalLoss(), reached ? k : -1, reached,
                    stepSpeedup, ratio, wall, flag));
        }
        return out;
    }

    public static List<Matched> matched(List<Curve> curves, OverheadRun run) {
        List<Matched> out = new ArrayList<>();
        for (Curve c : curves) {
            if (c.base().equals(OverheadTable.REFERENCE)) {
                continue;
            }
            Curve adam = tunedAdam(curves, c.task());
            double ratio = fullRatio(run, c.task(), c.base());
            if (adam == null || !Double.isFinite(ratio)) {
                continue;
            }
            double fullMs = OverheadTable.ms(run.find(OverheadRecord.FULL_STEP, c.task(), c.base()));
            long adamSteps = (long) Math.floor(c.steps() * ratio + 1e-9);
            boolean fits = adamSteps <= adam.steps();
            out.add(new Matched(c.task(), c.spec(), c.steps(), c.steps() * fullMs / 1000.0, adamSteps,
                    fits ? adam.at((int) adamSteps) : Double.NaN, c.finalLoss(), fits ? "" : TOO_SHORT));
        }
        return out;
    }

    /**
     * Each optimizer's curve against wall time: smoothed loss at 1/4, 1/2, 3/4 and all of the task's largest wall
     * budget (the longest run x its full-step time); NaN where the run was shorter.
     */
    public static Map<Curve, double[]> wallClockCurves(List<Curve> curves, OverheadRun run, String task) {
        double budget = 0;
        for (Curve c : curves) {
            double ms = OverheadTable.ms(run.find(OverheadRecord.FULL_STEP, c.task(), c.base()));
            if (c.task().equals(task) && Double.isFinite(ms)) {
                budget = Math.max(budget, c.steps() * ms);
            }
        }
        Map<Curve, double[]> out = new LinkedHashMap<>();
        for (Curve c : curves) {
            double ms = OverheadTable.ms(run.find(OverheadRecord.FULL_STEP, c.task(), c.base()));
            if (!c.task().equals(task) || !Double.isFinite(ms) || budget <= 0) {
                continue;
            }
            double[] v = new double[4];
            for (int q = 1; q <= 4; q++) {
                v[q - 1] = c.at((int) Math.floor(budget * q / 4 / ms + 1e-9));
            }
            out.put(c, v);
        }
        return out;
    }

    public static List<Pair> starVsSmallFc(List<Curve> curves, OverheadRun run) {
        List<Pair> out = new ArrayList<>();
        for (Curve s : curves) {
            if (!s.base().equals("star")) {
                continue;
            }
            for (Curve f : curves) {
                if (f.task().equals(s.task()) && f.base().equals("small-fc")) {
                    String t = s.task();
                    double only = OverheadTable.ratio(OverheadTable.ms(run.find(OverheadRecord.OPTIMIZER_ONLY, t,
                            "star")), OverheadTable.ms(run.find(OverheadRecord.OPTIMIZER_ONLY, t, "small-fc")));
                    double full = OverheadTable.ratio(OverheadTable.ms(run.find(OverheadRecord.FULL_STEP, t,
                            "star")), OverheadTable.ms(run.find(OverheadRecord.FULL_STEP, t, "small-fc")));
                    out.add(new Pair(t, only, full, s.finalLoss(), f.finalLoss(), s.finalLoss() - f.finalLoss()));
                }
            }
        }
        return out;
    }

    /** Markdown report of the join; {@code matchedWallclock} adds the matched-budget and wall-time sections. */
    public static String markdown(List<CellRecord> cells, RunHeader resultsHeader, OverheadRun run,
            boolean matchedWallclock, int window) {
        StringBuilder sb = new StringBuilder();
        sb.append("## Cost (overhead run ").append(run.path()).append(")\n\n");
        if (resultsHeader != null) {
            List<String> diff = OverheadComparability.differentMachine(resultsHeader, run.header());
            if (!diff.isEmpty()) {
                sb.append("WARNING: results and overhead were measured on different machines (")
                        .append(String.join("; ", diff)).append("): the ratios below may not apply.\n\n");
            }
        }
        sb.append(OverheadTable.markdown(run)).append('\n');
        List<Curve> curves = curves(cells, window);
        sb.append(String.format(Locale.ROOT, "### Wall-clock speedup over tuned Adam (losses: mean over seeds, "
                + "trailing mean of %d steps)%n%n", window));
        TextTable speed = new TextTable().left("task").left("optimizer").left("tuned adam").right("steps")
                .right("final loss").right("adam steps to it").right("step speedup").right("full-step x adam")
                .right("wall-clock speedup").left("break-even");
        for (Speedup s : speedups(curves, run)) {
            speed.row(s.task(), s.optimizer(), s.adamSpec(), Integer.toString(s.steps()), fmt(s.finalLoss()),
                    s.adamReached() ? String.valueOf(s.adamStepsToTarget()) : "never",
                    (s.adamReached() ? "" : ">") + OverheadTable.ratioText(s.stepSpeedup()),
                    OverheadTable.ratioText(s.fullStepRatio()),
                    (s.adamReached() || !Double.isFinite(s.wallSpeedup()) ? "" : ">")
                            + OverheadTable.ratioText(s.wallSpeedup()),
                    s.breakEvenFlag() ? "WINS IN STEPS, LOSES IN TIME" : !Double.isFinite(s.fullStepRatio())
                            ? "no overhead measured" : "");
        }
        sb.append(speed.markdown());
        if (matchedWallclock) {
            sb.append("\n### Matched wall clock: Adam given the optimizer's time budget\n\n");
            TextTable budget = new TextTable().left("task").left("optimizer").right("steps").right("budget s")
                    .right("adam steps in budget").right("adam loss there").right("optimizer final loss").left("note");
            for (Matched m : matched(curves, run)) {
                budget.row(m.task(), m.optimizer(), Integer.toString(m.steps()), fmt(m.budgetSeconds()),
                        Long.toString(m.adamSteps()), fmt(m.adamLoss()), fmt(m.finalLoss()), m.note());
            }
            sb.append(budget.markdown());
            sb.append("\n### Loss against wall time (fractions of each task's largest budget)\n\n");
            TextTable wall = new TextTable().left("task").left("optimizer").right("25%").right("50%").right("75%")
                    .right("100%");
            List<String> tasks = curves.stream().map(Curve::task).distinct().toList();
            for (String t : tasks) {
                for (Map.Entry<Curve, double[]> e : wallClockCurves(curves, run, t).entrySet()) {
                    double[] v = e.getValue();
                    wall.row(t, e.getKey().spec(), fmt(v[0]), fmt(v[1]), fmt(v[2]), fmt(v[3]));
                }
            }
            sb.append(wall.markdown());
        }
        List<Pair> pairs = starVsSmallFc(curves, run);
        if (!pairs.isEmpty()) {
            sb.append("\n### star vs small-fc at matched per-step overhead\n\n");
            TextTable pair = new TextTable().left("task").right("opt-only star/small-fc")
                    .right("full-step star/small-fc").right("star loss").right("small-fc loss").right("star - small-fc");
            for (Pair p : pairs) {
                pair.row(p.task(), OverheadTable.ratioText(p.optOnlyRatio()), OverheadTable.ratioText(p.fullStepRatio()),
                        fmt(p.starLoss()), fmt(p.smallFcLoss()), fmt(p.lossDifference()));
            }
            sb.append(pair.markdown());
        }
        return sb.toString();
    }

    static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "-";
    }
}
