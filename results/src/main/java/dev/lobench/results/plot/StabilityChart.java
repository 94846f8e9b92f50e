package dev.lobench.results.plot;

import dev.lobench.results.Report;
import dev.lobench.results.StabilityRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stability map: spectral radius of the joint (phi, state) map against the curvature h (log x, linear y), one
 * line per optimizer (and noise / dim setting), with a dashed line at radius = 1. Markers: a filled square where the
 * long noisy run completed, an X where it diverged. Radii above the top of the axis (y capped at 2) are drawn at the
 * top edge with an upward tick; a non-finite radius breaks the line.
 */
public final class StabilityChart {
    static final double Y_CAP = 2.0;

    private StabilityChart() {}

    /** Series label: the optimizer, plus noise and dim when the records mix several. */
    static Map<String, List<StabilityRecord>> series(List<StabilityRecord> records) {
        boolean mixed = records.stream().map(r -> r.noise() + "/" + r.dim()).distinct().count() > 1;
        Map<String, List<StabilityRecord>> out = new LinkedHashMap<>();
        for (StabilityRecord r : records) {
            String k = mixed ? r.optimizer() + " s=" + Report.formatNumber(r.noise()) + " d=" + r.dim() : r.optimizer();
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(r);
        }
        out.values().forEach(l -> l.sort((a, b) -> Double.compare(a.curvature(), b.curvature())));
        return out;
    }

    public static Plots.Plot plot(List<StabilityRecord> records) {
        return new Plots.Plot("stability-map", "Stability map", c -> draw(c, records));
    }

    static void draw(Canvas c, List<StabilityRecord> records) {
        double x0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double ymax = 1.2;
        for (StabilityRecord r : records) {
            if (r.curvature() > 0 && Double.isFinite(r.curvature())) {
                x0 = Math.min(x0, r.curvature());
                x1 = Math.max(x1, r.curvature());
            }
            if (Double.isFinite(r.radius())) {
                ymax = Math.max(ymax, Math.min(Y_CAP, r.radius() * 1.05));
            }
        }
        if (!Double.isFinite(x0)) {
            x0 = 1;
            x1 = 10;
        }
        List<String> legend = new ArrayList<>(series(records).keySet());
        legend.add("run completed");
        Frame f = new Frame(c, x0, x1, true, 0, ymax, false, Frame.legendWidth(legend), 48);
        f.draw(c, "Spectral radius of the joint (phi, state) map vs curvature", "curvature h (log scale)",
                "spectral radius");
        Axis ax = f.ax;
        Axis ay = f.ay;
        double left = f.left;
        double right = f.right;
        double top = f.top;
        c.line(left, ay.map(1), right, ay.map(1), 0x000000, 1.5, true);
        c.text(right - 4, ay.map(1) - 5, "radius = 1", 12, Canvas.Anchor.END, 0x000000, false, false);
        int k = 0;
        double ly = top + 10;
        for (Map.Entry<String, List<StabilityRecord>> e : series(records).entrySet()) {
            int color = LineChart.PALETTE[k++ % LineChart.PALETTE.length];
            List<double[]> seg = new ArrayList<>();
            for (StabilityRecord r : e.getValue()) {
                double px = ax.map(r.curvature());
                if (!Double.isFinite(r.radius())) {
                    flush(c, seg, color);
                    continue;
                }
                double py = ay.map(Math.min(r.radius(), ymax));
                seg.add(new double[] {px, py});
                if (r.radius() > ymax) {
                    c.line(px, py, px, py - 7, color, 2, false);
                }
            }
            flush(c, seg, color);
            for (StabilityRecord r : e.getValue()) {
                if (!Double.isFinite(r.radius())) {
                    continue;
                }
                double px = ax.map(r.curvature());
                double py = ay.map(Math.min(r.radius(), ymax));
                if (r.diverged()) {
                    c.line(px - 5, py - 5, px + 5, py + 5, color, 2.2, false);
                    c.line(px - 5, py + 5, px + 5, py - 5, color, 2.2, false);
                } else {
                    c.rect(px - 2.5, py - 2.5, 5, 5, color, 1);
                }
            }
            c.line(right + 14, ly - 4, right + 34, ly - 4, color, 3, false);
            c.text(right + 40, ly, LineChart.shorten(e.getKey(), Frame.LEGEND_CHARS), Frame.LEGEND_SIZE,
                    Canvas.Anchor.START, Frame.INK, false, false);
            ly += 20;
        }
        ly += 8;
        c.rect(right + 21, ly - 8, 5, 5, 0x444444, 1);
        c.text(right + 40, ly, "run completed", Frame.LEGEND_SIZE, Canvas.Anchor.START, Frame.INK, false, false);
        ly += 20;
        c.line(right + 19, ly - 10, right + 29, ly, 0x444444, 2, false);
        c.line(right + 19, ly, right + 29, ly - 10, 0x444444, 2, false);
        c.text(right + 40, ly, "run diverged", Frame.LEGEND_SIZE, Canvas.Anchor.START, Frame.INK, false, false);
    }

    private static void flush(Canvas c, List<double[]> seg, int color) {
        if (seg.size() >= 2) {
            double[] xs = new double[seg.size()];
            double[] ys = new double[seg.size()];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = seg.get(i)[0];
                ys[i] = seg.get(i)[1];
            }
            c.polyline(xs, ys, color, 2);
        }
        seg.clear();
    }
}
