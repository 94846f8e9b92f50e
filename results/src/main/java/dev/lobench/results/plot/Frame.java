package dev.lobench.results.plot;

import java.util.List;

/**
 * The frame the charts share: the plot area (its left edge made room for the widest y label, its right edge for the
 * legend), grid lines, ticks and tick labels from {@link Axis#ticks}, the axis lines, the title and the axis titles.
 */
final class Frame {
    static final double TITLE_SIZE = 15;
    static final double LABEL_SIZE = 13;
    static final double TICK_SIZE = 12;
    static final double LEGEND_SIZE = 12;
    /** Legend entries are shortened to this many characters. */
    static final int LEGEND_CHARS = 30;
    static final int INK = 0x222222;
    static final int TICK_INK = 0x444444;
    static final int GRID = 0xe2e2e2;
    static final int MINOR_GRID = 0xf3f3f3;

    final double left;
    final double right;
    final double top;
    final double bottom;
    /** Null for a chart without a numeric x axis (bars). */
    final Axis ax;
    final Axis ay;
    final List<Axis.Tick> xTicks;
    final List<Axis.Tick> yTicks;

    /**
     * @param legendWidth px right of the plot area kept for the legend
     * @param bottomMargin px below the plot area (x tick labels and x title)
     */
    Frame(Canvas c, double xlo, double xhi, boolean logX, double ylo, double yhi, boolean logY, double legendWidth,
            double bottomMargin) {
        top = 36;
        bottom = c.height() - bottomMargin;
        ay = new Axis(ylo, yhi, logY, bottom, top);
        yTicks = ay.ticks(false, TICK_SIZE);
        double widest = 0;
        for (Axis.Tick t : yTicks) {
            if (t.major()) {
                widest = Math.max(widest, Axis.labelWidth(t.label(), TICK_SIZE));
            }
        }
        // room for the rotated y title (x 4..22), a gap, the widest label, 7 px to the axis
        left = Math.max(64, 30 + widest + 7);
        right = c.width() - legendWidth;
        if (Double.isNaN(xlo)) {
            ax = null;
            xTicks = List.of();
        } else {
            ax = new Axis(xlo, xhi, logX, left, right);
            xTicks = ax.ticks(true, TICK_SIZE);
        }
    }

    /** px kept right of the plot area for a legend of these entries (marker 40 px, text, margin). */
    static double legendWidth(List<String> entries) {
        double w = 0;
        for (String s : entries) {
            w = Math.max(w, Axis.labelWidth(LineChart.shorten(s, LEGEND_CHARS), LEGEND_SIZE));
        }
        return Math.max(110, Math.min(300, 40 + w + 14));
    }

    /** Estimated width of running text (letters and spaces are narrower than digits), px. */
    static double proseWidth(String s, double size) {
        return s.length() * 0.58 * size;
    }

    /** The font size, down to 80% of {@code size}, at which {@code s} fits into {@code px}. */
    static double fitSize(String s, double size, double px) {
        double w = proseWidth(s, size);
        return w <= px ? size : Math.max(0.8 * size, size * px / w);
    }

    /** {@code s}, shortened with an ellipsis when it does not fit into {@code px} at {@code size}. */
    static String fit(String s, double size, double px) {
        return LineChart.shorten(s, Math.max(4, (int) Math.floor(px / (0.58 * size) + 1e-6)));
    }

    /** Grid, ticks, labels, axis lines, title (centred over the plot area) and axis titles. */
    void draw(Canvas c, String title, String xLabel, String yLabel) {
        double titleSize = fitSize(title, TITLE_SIZE, c.width() - 20);
        double tx = Math.max((left + right) / 2, proseWidth(title, titleSize) * 0.5 + 10);
        c.text(Math.min(tx, c.width() / 2.0), 22, fit(title, titleSize, c.width() - 20), titleSize,
                Canvas.Anchor.MIDDLE, INK, true, false);
        for (Axis.Tick t : xTicks) {
            double px = ax.map(t.value());
            c.line(px, top, px, bottom, t.major() ? GRID : MINOR_GRID, 1, false);
        }
        for (Axis.Tick t : yTicks) {
            double py = ay.map(t.value());
            c.line(left, py, right, py, t.major() ? GRID : MINOR_GRID, 1, false);
        }
        for (Axis.Tick t : xTicks) {
            double px = ax.map(t.value());
            c.line(px, bottom, px, bottom + (t.major() ? 5 : 3), TICK_INK, 1, false);
            if (t.major()) {
                c.text(px, bottom + 19, t.label(), TICK_SIZE, Canvas.Anchor.MIDDLE, TICK_INK, false, false);
            }
        }
        for (Axis.Tick t : yTicks) {
            double py = ay.map(t.value());
            c.line(left - (t.major() ? 5 : 3), py, left, py, TICK_INK, 1, false);
            if (t.major()) {
                c.text(left - 8, py + TICK_SIZE * 0.36, t.label(), TICK_SIZE, Canvas.Anchor.END, TICK_INK, false,
                        false);
            }
        }
        c.line(left, bottom, right, bottom, TICK_INK, 1, false);
        c.line(left, top, left, bottom, TICK_INK, 1, false);
        if (xLabel != null) {
            c.text((left + right) / 2, c.height() - 10, xLabel, LABEL_SIZE, Canvas.Anchor.MIDDLE, INK, false, false);
        }
        double ySize = fitSize(yLabel, LABEL_SIZE, bottom - top + 30);
        c.text(18, (top + bottom) / 2, fit(yLabel, ySize, bottom - top + 30), ySize, Canvas.Anchor.MIDDLE, INK,
                false, true);
    }
}
