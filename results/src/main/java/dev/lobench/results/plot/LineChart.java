package dev.lobench.results.plot;

import java.util.ArrayList;
import java.util.List;

/**
 * Lines with optional bands (lo..hi per point) and optional step drawing, axes, grid and a legend; optionally
 * labelled horizontal dashed reference lines and "×" marks on the top edge for points that have no value on the axis.
 */
public final class LineChart {
    /**
     * One series; {@code lo}/{@code hi} may be null (no band); non-finite points break the line; a point between
     * two breaks is drawn as a dot.
     *
     * @param width the line's stroke width
     * @param legend whether the series has a legend entry
     */
    public record Series(String name, int color, double[] x, double[] y, double[] lo, double[] hi, double width,
            boolean legend) {
        /** A series of width 2 with a legend entry. */
        public Series(String name, int color, double[] x, double[] y, double[] lo, double[] hi) {
            this(name, color, x, y, lo, hi, 2, true);
        }
    }

    /** A horizontal dashed line at {@code y}, labelled on the line and in the legend. */
    public record Reference(String label, double y, int color) {}

    /** Font size of the labels on reference lines. */
    static final double REF_SIZE = 11;

    public static final int[] PALETTE = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2,
        0x7f7f7f, 0xbcbd22, 0x17becf};

    final String title;
    final String xLabel;
    final String yLabel;
    final boolean logX;
    final boolean logY;
    final List<Series> series = new ArrayList<>();
    final List<Reference> references = new ArrayList<>();
    final List<double[]> marks = new ArrayList<>();
    Double xMin;
    Double xMax;
    Double yMin;
    Double yMax;

    public LineChart(String title, String xLabel, String yLabel, boolean logX, boolean logY) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logX = logX;
        this.logY = logY;
    }

    public LineChart add(Series s) {
        series.add(s);
        return this;
    }

    public LineChart add(Reference r) {
        references.add(r);
        return this;
    }

    /** An "×" in {@code color} on the top edge at {@code x}: a point whose value is off the axis (e.g. a failure). */
    public LineChart mark(double x, int color) {
        marks.add(new double[] {x, color});
        return this;
    }

    public LineChart xRange(double lo, double hi) {
        xMin = lo;
        xMax = hi;
        return this;
    }

    public LineChart yRange(double lo, double hi) {
        yMin = lo;
        yMax = hi;
        return this;
    }

    private static boolean ok(double v, boolean log) {
        return Double.isFinite(v) && (!log || v > 0);
    }

    public void draw(Canvas c) {
        double x0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (ok(s.x()[i], logX)) {
                    x0 = Math.min(x0, s.x()[i]);
                    x1 = Math.max(x1, s.x()[i]);
                }
                for (double[] arr : new double[][] {s.y(), s.lo(), s.hi()}) {
                    if (arr != null && ok(arr[i], logY)) {
                        y0 = Math.min(y0, arr[i]);
                        y1 = Math.max(y1, arr[i]);
                    }
                }
            }
        }
        for (Reference r : references) {
            if (ok(r.y(), logY)) {
                y0 = Math.min(y0, r.y());
                y1 = Math.max(y1, r.y());
            }
        }
        for (double[] m : marks) {
            if (ok(m[0], logX)) {
                x0 = Math.min(x0, m[0]);
                x1 = Math.max(x1, m[0]);
            }
        }
        if (!Double.isFinite(x0)) {
            x0 = logX ? 1 : 0;
            x1 = logX ? 10 : 1;
        }
        if (!Double.isFinite(y0)) {
            y0 = logY ? 1 : 0;
            y1 = logY ? 10 : 1;
        }
        if (!logY && yMin == null) {
            double pad = (y1 - y0) * 0.04;
            y0 -= pad;
            y1 += pad;
        }
        List<String> legendNames = new ArrayList<>();
        series.stream().filter(Series::legend).forEach(s -> legendNames.add(s.name()));
        references.forEach(r -> legendNames.add(r.label()));
        Frame f = new Frame(c, xMin != null ? xMin : x0, xMax != null ? xMax : x1, logX, yMin != null ? yMin : y0,
                yMax != null ? yMax : y1, logY, Frame.legendWidth(legendNames), 48);
        f.draw(c, title, xLabel, yLabel);
        Axis ax = f.ax;
        Axis ay = f.ay;
        double left = f.left;
        double right = f.right;
        double top = f.top;
        double bottom = f.bottom;
        for (Series s : series) {
            if (s.lo() != null && s.hi() != null) {
                for (int[] seg : segments(s, true)) {
                    int n = seg[1] - seg[0];
                    double[] px = new double[2 * n];
                    double[] py = new double[2 * n];
                    for (int k = 0; k < n; k++) {
                        int i = seg[0] + k;
                        px[k] = clampX(ax.map(s.x()[i]), left, right);
                        py[k] = clamp(ay.map(s.hi()[i]), top, bottom);
                        px[2 * n - 1 - k] = px[k];
                        py[2 * n - 1 - k] = clamp(ay.map(s.lo()[i]), top, bottom);
                    }
                    c.polygon(px, py, s.color(), 0.18);
                }
            }
        }
        for (Series s : series) {
            for (int[] seg : segments(s, false)) {
                int n = seg[1] - seg[0];
                double[] px = new double[n];
                double[] py = new double[n];
                for (int k = 0; k < n; k++) {
                    px[k] = clampX(ax.map(s.x()[seg[0] + k]), left, right);
                    py[k] = clamp(ay.map(s.y()[seg[0] + k]), top, bottom);
                }
                if (n == 1) {
                    // an isolated point (its neighbours are missing) would be an invisible line: a square dot
                    double d = Math.max(2, s.width()) + 1;
                    c.rect(px[0] - d, py[0] - d, 2 * d, 2 * d, s.color(), 1);
                } else {
                    c.polyline(px, py, s.color(), s.width());
                }
            }
        }
        // reference lines, labelled alternately at the right and the left end (sorted by y) so close ones stay legible
        List<Reference> refs = references.stream().filter(r -> ok(r.y(), logY))
                .sorted((a, b) -> Double.compare(a.y(), b.y())).toList();
        double[] lastLabel = {Double.NaN, Double.NaN}; // y of the last label at the right, at the left
        for (int i = 0; i < refs.size(); i++) {
            Reference r = refs.get(i);
            double py = clamp(ay.map(r.y()), top, bottom);
            c.line(left, py, right, py, r.color(), 1.5, true);
            // alternate sides; a label that would touch the previous one on both sides is left to the legend
            int side = i % 2;
            if (Math.abs(py - lastLabel[side]) < REF_SIZE + 3) {
                side = 1 - side;
            }
            if (Math.abs(py - lastLabel[side]) < REF_SIZE + 3) {
                continue;
            }
            lastLabel[side] = py;
            boolean atRight = side == 0;
            c.text(atRight ? right - 4 : left + 4, py - 3, r.label(), REF_SIZE, atRight ? Canvas.Anchor.END
                    : Canvas.Anchor.START, r.color(), false, false);
        }
        for (double[] m : marks) {
            if (ok(m[0], logX)) {
                c.text(clampX(ax.map(m[0]), left, right), top + 12, "×", 14, Canvas.Anchor.MIDDLE, (int) m[1], true,
                        false);
            }
        }
        double ly = top + 10;
        // 20 px per entry, less when that would run off the bottom of the canvas
        double step = Math.max(Frame.LEGEND_SIZE, Math.min(20, (c.height() - ly - 6) / Math.max(1,
                legendNames.size())));
        for (Series s : series) {
            if (!s.legend()) {
                continue;
            }
            c.line(right + 14, ly - 4, right + 34, ly - 4, s.color(), Math.max(1, Math.min(3, s.width())), false);
            c.text(right + 40, ly, shorten(s.name(), Frame.LEGEND_CHARS), Frame.LEGEND_SIZE, Canvas.Anchor.START,
                    Frame.INK, false, false);
            ly += step;
        }
        for (Reference r : references) {
            c.line(right + 14, ly - 4, right + 34, ly - 4, r.color(), 1.5, true);
            c.text(right + 40, ly, shorten(r.label(), Frame.LEGEND_CHARS), Frame.LEGEND_SIZE, Canvas.Anchor.START,
                    Frame.INK, false, false);
            ly += step;
        }
    }

    static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static double clamp(double v, double top, double bottom) {
        return Math.max(top, Math.min(bottom, v));
    }

    private static double clampX(double v, double left, double right) {
        return Math.max(left, Math.min(right, v));
    }

    /** Runs [from, to) of consecutive drawable points (band: lo and hi drawable too). */
    private List<int[]> segments(Series s, boolean band) {
        List<int[]> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= s.x().length; i++) {
            boolean good = i < s.x().length && ok(s.x()[i], logX) && (band
                    ? ok(s.lo()[i], logY) && ok(s.hi()[i], logY) : ok(s.y()[i], logY));
            if (good && start < 0) {
                start = i;
            } else if (!good && start >= 0) {
                if (i - start >= 2 || !band) {
                    out.add(new int[] {start, i});
                }
                start = -1;
            }
        }
        return out;
    }
}
