package dev.lobench.results.plot;

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
            String k = mixed ? r.optimizer() + " s=" + Axis.label(r.noise()) + " d=" + r.dim() : r.optimizer();
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(r);
        }
        out.values().forEach(l -> l.sort((a, b) -> Double.compare(a.curvature(), b.curvature())));
        return out;
    }

    public static Plots.Plot plot(List<StabilityRecord> records) {
        return new Plots.Plot("stability-map", "Stability map", c -> draw(c, records));
    }

    static void draw(Canvas c, List<StabilityRecord> records) {
        double left = 70;
        double right = c.width() - 190;
        double top = 34;
        double bottom = c.height() - 46;
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
        Axis ax = new Axis(x0, x1, true, left, right);
        Axis ay = new Axis(0, ymax, false, bottom, top);
        c.text(c.width() / 2.0 - 90, 20, "Spectral radius of the joint (phi, state) map vs curvature", 14,
                Canvas.Anchor.MIDDLE, 0x222222, true, false);
        for (double t : ax.ticks()) {
            double px = ax.map(t);
            c.line(px, top, px, bottom, 0xe6e6e6, 1, false);
            c.line(px, bottom, px, bottom + 4, 0x444444, 1, false);
            c.text(px, bottom + 17, Axis.label(t), 11, Canvas.Anchor.MIDDLE, 0x444444, false, false);
        }
        for (double t : ay.ticks()) {
            double py = ay.map(t);
            c.line(left, py, right, py, 0xe6e6e6, 1, false);
            c.line(left - 4, py, left, py, 0x444444, 1, false);
            c.text(left - 7, py + 4, Axis.label(t), 11, Canvas.Anchor.END, 0x444444, false, false);
        }
        c.line(left, bottom, right, bottom, 0x444444, 1, false);
        c.line(left, top, left, bottom, 0x444444, 1, false);
        c.line(left, ay.map(1), right, ay.map(1), 0x000000, 1.5, true);
        c.text(right - 4, ay.map(1) - 5, "radius = 1", 11, Canvas.Anchor.END, 0x000000, false, false);
        c.text((left + right) / 2, c.height() - 10, "curvature h (log scale)", 12, Canvas.Anchor.MIDDLE, 0x222222,
                false, false);
        c.text(16, (top + bottom) / 2, "spectral radius", 12, Canvas.Anchor.MIDDLE, 0x222222, false, true);
        int k = 0;
        double ly = top + 8;
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
            c.text(right + 40, ly, LineChart.shorten(e.getKey(), 24), 11, Canvas.Anchor.START, 0x222222, false, false);
            ly += 18;
        }
        ly += 8;
        c.rect(right + 21, ly - 8, 5, 5, 0x444444, 1);
        c.text(right + 40, ly, "run completed", 11, Canvas.Anchor.START, 0x222222, false, false);
        ly += 18;
        c.line(right + 19, ly - 10, right + 29, ly, 0x444444, 2, false);
        c.line(right + 19, ly, right + 29, ly - 10, 0x444444, 2, false);
        c.text(right + 40, ly, "run diverged", 11, Canvas.Anchor.START, 0x222222, false, false);
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
