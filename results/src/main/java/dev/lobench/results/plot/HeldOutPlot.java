package dev.lobench.results.plot;

import dev.lobench.results.HeldOutCurves;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The held-out curves of {@link HeldOutCurves} as one plot: a metric against the outer step, one thin line per
 * arm and meta-seed, a thick line per arm for the median over meta-seeds (legend: the arm and its number of
 * meta-seeds), an "×" on the top edge where a value is a failure (the median evaluation cell did not complete), and
 * each reference optimizer's median as a labelled horizontal dashed line. Log y when every value is positive and
 * they span more than a factor 3.
 */
public final class HeldOutPlot {
    private HeldOutPlot() {}

    public static Plots.Plot plot(HeldOutCurves h, HeldOutCurves.Metric m) {
        List<String> arms = h.arms();
        List<LineChart.Series> series = new ArrayList<>();
        List<double[]> marks = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < arms.size(); a++) {
            int color = LineChart.PALETTE[a % LineChart.PALETTE.length];
            Map<Integer, SortedMap<Long, Double>> seeds = h.seedCurves(arms.get(a), m);
            for (Map.Entry<Integer, SortedMap<Long, Double>> e : seeds.entrySet()) {
                double[][] xy = xy(e.getValue(), color, marks);
                series.add(new LineChart.Series(arms.get(a) + "-s" + e.getKey(), color, xy[0], xy[1], null, null, 1,
                        false));
            }
            SortedMap<Long, Double> med = new TreeMap<>();
            h.points(m).get(arms.get(a)).forEach((outer, p) -> med.put(outer, p.median()));
            double[][] xy = xy(med, color, marks);
            series.add(new LineChart.Series(arms.get(a) + " (n=" + seeds.size() + ")", color, xy[0], xy[1], null, null,
                    3, true));
        }
        List<LineChart.Reference> refs = new ArrayList<>();
        int k = arms.size();
        for (HeldOutCurves.Reference r : h.references()) {
            double v = r.value(m);
            if (Double.isFinite(v)) {
                refs.add(new LineChart.Reference(r.optimizer(), v, LineChart.PALETTE[k++ % LineChart.PALETTE.length]));
            }
        }
        for (LineChart.Series s : series) {
            for (double v : s.y()) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        for (LineChart.Reference r : refs) {
            min = Math.min(min, r.y());
            max = Math.max(max, r.y());
        }
        boolean log = min > 0 && max / min > 3;
        String title = "Held-out " + m.label + " of the snapshots" + (h.task() == null ? "" : " (" + h.task() + ")");
        LineChart chart = new LineChart(title, "outer step (snapshot)", m.label + " (median over evaluation seeds)",
                false, log);
        series.forEach(chart::add);
        refs.forEach(chart::add);
        for (double[] mk : marks) {
            chart.mark(mk[0], (int) mk[1]);
        }
        return new Plots.Plot("held-out", title, chart::draw);
    }

    /** x and y of a curve; an infinite value (a failure) becomes a gap in the line and a mark. */
    private static double[][] xy(SortedMap<Long, Double> curve, int color, List<double[]> marks) {
        double[] x = new double[curve.size()];
        double[] y = new double[curve.size()];
        int i = 0;
        for (Map.Entry<Long, Double> e : curve.entrySet()) {
            x[i] = e.getKey();
            y[i] = e.getValue();
            if (Double.isInfinite(y[i])) {
                marks.add(new double[] {x[i], color});
                y[i] = Double.NaN;
            }
            i++;
        }
        return new double[][] {x, y};
    }
}
