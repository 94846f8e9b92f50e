package dev.lobench.results.plot;

import dev.lobench.results.Report;
import java.util.List;

/** Grouped bars: one group per category, one bar per series; an optional dashed reference line. */
public final class BarChart {
    final String title;
    final String yLabel;
    final List<String> categories;
    final List<String> series;
    final double[][] values; // [series][category], NaN = no bar
    final double reference;

    public BarChart(String title, String yLabel, List<String> categories, List<String> series, double[][] values,
            double reference) {
        this.title = title;
        this.yLabel = yLabel;
        this.categories = categories;
        this.series = series;
        this.values = values;
        this.reference = reference;
    }

    public void draw(Canvas c) {
        double max = Double.isFinite(reference) ? reference : 0;
        for (double[] row : values) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        Frame f = new Frame(c, Double.NaN, Double.NaN, false, 0, max <= 0 ? 1 : max * 1.1, false,
                Frame.legendWidth(series), 70);
        f.draw(c, title, null, yLabel);
        Axis ay = f.ay;
        double left = f.left;
        double right = f.right;
        double top = f.top;
        double bottom = f.bottom;
        int nc = Math.max(1, categories.size());
        double gw = (right - left) / nc;
        double bw = gw * 0.8 / Math.max(1, series.size());
        for (int k = 0; k < categories.size(); k++) {
            double gx = left + k * gw + gw * 0.1;
            for (int s = 0; s < series.size(); s++) {
                double v = values[s][k];
                double x = gx + s * bw;
                int col = LineChart.PALETTE[s % LineChart.PALETTE.length];
                if (Double.isFinite(v)) {
                    double py = ay.map(Math.max(0, v));
                    c.rect(x + 1, py, bw - 2, bottom - py, col, 0.85);
                    if (bw > Axis.labelWidth(Report.formatNumber(v), 10) + 2) {
                        c.text(x + bw / 2, py - 3, Report.formatNumber(v), 10, Canvas.Anchor.MIDDLE, 0x333333,
                                false, false);
                    }
                } else {
                    c.text(x + bw / 2, bottom - 4, "n/a", 9, Canvas.Anchor.MIDDLE, 0x999999, false, false);
                }
            }
            int chars = Math.max(4, (int) ((gw - 6) / (Axis.CHAR_EM * Frame.TICK_SIZE)));
            c.text(left + k * gw + gw / 2, bottom + 18, LineChart.shorten(categories.get(k), Math.min(30, chars)),
                    Frame.TICK_SIZE, Canvas.Anchor.MIDDLE, Frame.INK, false, false);
        }
        if (Double.isFinite(reference)) {
            double py = ay.map(reference);
            c.line(left, py, right, py, 0x333333, 1.2, true);
        }
        double ly = top + 10;
        for (int s = 0; s < series.size(); s++) {
            c.rect(right + 14, ly - 10, 14, 10, LineChart.PALETTE[s % LineChart.PALETTE.length], 0.85);
            c.text(right + 34, ly, LineChart.shorten(series.get(s), Frame.LEGEND_CHARS), Frame.LEGEND_SIZE,
                    Canvas.Anchor.START, Frame.INK, false, false);
            ly += 20;
        }
    }
}
