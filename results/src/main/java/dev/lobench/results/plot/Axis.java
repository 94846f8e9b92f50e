package dev.lobench.results.plot;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * A linear or log10 axis mapping data values to pixels, with ticks chosen for the pixels the axis has.
 *
 * <p>Linear: the densest step of 1, 2 or 5 x 10^k with at least 3 ticks whose labels do not overlap. Log: the
 * densest of these tick sets whose labels fit: 1..9 x 10^k, {1, 2, 3, 4, 5, 6, 8}, {1, 2, 3, 5}, {1, 2, 5}, {1, 3}, {1} x 10^k, every 2nd,
 * 3rd, 5th, 10th ... decade; when none has 3 ticks (a range inside about one decade) {1, 2, 4, 6, 8} x 10^k, then
 * linear 1-2-5 steps on the log scale. When no set of 3 or more labels fits (long labels on a short range), the
 * densest set with each label that would overlap the last one kept left out (an unlabelled tick), so 3 labels remain
 * where 3 fit at all. Labels are exact (no rounding), so distinct ticks have distinct labels. On log axes the 1..9
 * multiples that carry no label are added as minor ticks (light grid lines) when at least {@link #MINOR_PX} apart.
 */
final class Axis {
    /** One tick; {@code label} is null for a minor (unlabelled) tick. */
    record Tick(double value, String label) {
        boolean major() {
            return label != null;
        }
    }

    /** Estimated advance of a label character, in em (DejaVu Sans digits are 0.64 em; a little spare). */
    static final double CHAR_EM = 0.64;
    /** Least distance between neighbouring label centres, px, besides not overlapping. */
    static final double MIN_SPACING_H = 40;
    static final double MIN_SPACING_V = 26;
    static final double MINOR_PX = 6;
    private static final int MAX_TICKS = 60;

    final double lo;
    final double hi;
    final boolean log;
    final double p0;
    final double p1;

    Axis(double lo, double hi, boolean log, double p0, double p1) {
        if (!(hi > lo)) {
            double d = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= log ? lo * 0.5 : d;
            hi += log ? hi : d;
        }
        this.lo = lo;
        this.hi = hi;
        this.log = log;
        this.p0 = p0;
        this.p1 = p1;
    }

    double map(double v) {
        double a = log ? Math.log10(lo) : lo;
        double b = log ? Math.log10(hi) : hi;
        double x = log ? Math.log10(v) : v;
        return p0 + (x - a) / (b - a) * (p1 - p0);
    }

    /** Estimated width of a label in px. */
    static double labelWidth(String s, double fontSize) {
        return s.length() * CHAR_EM * fontSize;
    }

    /**
     * Ticks for labels of {@code fontSize} px written along a horizontal axis (labels side by side: their widths
     * must not overlap) or a vertical one (labels stacked: their heights must not overlap). Sorted by value; the
     * labelled ones lie inside [lo, hi].
     */
    List<Tick> ticks(boolean horizontal, double fontSize) {
        // log tick sets first; linear 1-2-5 steps (also on a log axis of less than two decades), densest first
        List<List<BigDecimal>> candidates = new ArrayList<>();
        if (log) {
            candidates.addAll(logCandidates());
        }
        if (!log || hi / lo < 100) {
            candidates.addAll(linearCandidates());
        }
        List<BigDecimal> chosen = null;
        // the densest set of 3 or more labels at a comfortable distance; else the sparsest set of 3 or more that
        // just do not overlap
        for (List<BigDecimal> c : candidates) {
            if (c.size() >= 3 && fits(c, horizontal, fontSize, true)) {
                chosen = c;
                break;
            }
        }
        for (List<BigDecimal> c : chosen == null ? candidates : List.<List<BigDecimal>>of()) {
            if (c.size() >= 3 && (chosen == null || c.size() < chosen.size()) && fits(c, horizontal, fontSize, false)) {
                chosen = c;
            }
        }
        List<Tick> out = new ArrayList<>();
        if (chosen != null) {
            for (BigDecimal v : chosen) {
                out.add(new Tick(v.doubleValue(), label(v)));
            }
        } else {
            // long labels on a short range: the densest set in which every other label that would overlap its
            // left neighbour is left out (those stay as unlabelled ticks) and 3 labels remain; else 2 that fit
            for (int need = 3; need >= 2 && out.isEmpty(); need--) {
                for (List<BigDecimal> c : candidates) {
                    List<Tick> thinned = thin(c, horizontal, fontSize);
                    if (thinned.stream().filter(Tick::major).count() >= need) {
                        out = thinned;
                        break;
                    }
                }
            }
            if (out.isEmpty()) {
                // an axis too short for two labels: the two ends, to 3 digits
                for (double v : new double[] {lo, hi}) {
                    BigDecimal b = new BigDecimal(v).round(new MathContext(3));
                    out.add(new Tick(b.doubleValue(), label(b)));
                }
            }
        }
        if (log) {
            out = withMinor(out);
        }
        return out;
    }

    /** The ticks, each labelled unless its label would come too close to the last label kept. */
    private List<Tick> thin(List<BigDecimal> ticks, boolean horizontal, double fontSize) {
        List<Tick> out = new ArrayList<>();
        BigDecimal last = null;
        for (BigDecimal v : ticks) {
            boolean keep = last == null || fits(List.of(last, v), horizontal, fontSize, false);
            out.add(new Tick(v.doubleValue(), keep ? label(v) : null));
            if (keep) {
                last = v;
            }
        }
        return out;
    }

    /** Whether the labels of these ticks are apart enough along the axis. */
    boolean fits(List<BigDecimal> ticks, boolean horizontal, double fontSize, boolean comfortable) {
        double gap = (horizontal ? 0.8 : 0.4) * fontSize * (comfortable ? 1 : 0.5);
        double min = comfortable ? horizontal ? MIN_SPACING_H : MIN_SPACING_V : 0;
        for (int i = 1; i < ticks.size(); i++) {
            double d = Math.abs(map(ticks.get(i).doubleValue()) - map(ticks.get(i - 1).doubleValue()));
            double need = horizontal
                    ? (labelWidth(label(ticks.get(i)), fontSize) + labelWidth(label(ticks.get(i - 1)), fontSize)) / 2
                            + gap
                    : fontSize + gap;
            if (d < Math.max(need, min)) {
                return false;
            }
        }
        return true;
    }

    private boolean inside(double v) {
        double eps = (log ? 0 : (hi - lo)) * 1e-9;
        return log ? v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) : v >= lo - eps && v <= hi + eps;
    }

    /** Log tick sets, densest first. */
    private List<List<BigDecimal>> logCandidates() {
        int e0 = (int) Math.floor(Math.log10(lo)) - 1;
        int e1 = (int) Math.ceil(Math.log10(hi)) + 1;
        List<List<BigDecimal>> out = new ArrayList<>();
        int[][] sets = {{1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 5, 6, 8}, {1, 2, 3, 5}, {1, 2, 5}, {1, 3}, {1}};
        for (int[] set : sets) {
            out.add(decades(e0, e1, set, 1));
        }
        // every 2nd, 3rd, 5th, 10th, 20th, 50th ... decade
        List<Integer> strides = new ArrayList<>(List.of(2, 3));
        for (int p = 1; p < e1 - e0; p *= 10) {
            for (int m : new int[] {5, 10, 20}) {
                strides.add(m * p);
            }
        }
        for (int stride : strides) {
            if (stride < e1 - e0) {
                out.add(decades(e0, e1, new int[] {1}, stride));
            }
        }
        // short scientific labels in less than a decade (4e-12, 6e-12, 8e-12, 1e-11)
        out.add(decades(e0, e1, new int[] {1, 2, 4, 6, 8}, 1));
        out.removeIf(l -> l.size() > MAX_TICKS);
        return out;
    }

    private List<BigDecimal> decades(int e0, int e1, int[] mult, int stride) {
        List<BigDecimal> t = new ArrayList<>();
        for (int e = e0; e <= e1; e++) {
            if (Math.floorMod(e, stride) != 0) {
                continue;
            }
            for (int m : mult) {
                BigDecimal v = BigDecimal.valueOf(m).scaleByPowerOfTen(e);
                if (inside(v.doubleValue())) {
                    t.add(v);
                }
            }
        }
        return t;
    }

    /** Multiples of 1, 2, 5 x 10^k inside the range, smallest step (most ticks) first. */
    private List<List<BigDecimal>> linearCandidates() {
        List<List<BigDecimal>> out = new ArrayList<>();
        int e = (int) Math.floor(Math.log10(hi - lo)) - 3;
        for (int k = 0; k < 8; k++, e++) {
            for (int m : new int[] {1, 2, 5}) {
                BigDecimal step = BigDecimal.valueOf(m).scaleByPowerOfTen(e);
                double s = step.doubleValue();
                long n0 = (long) Math.ceil(lo / s - 1e-9);
                long n1 = (long) Math.floor(hi / s + 1e-9);
                if (n1 - n0 + 1 > MAX_TICKS) {
                    continue;
                }
                List<BigDecimal> t = new ArrayList<>();
                for (long n = n0; n <= n1; n++) {
                    BigDecimal v = step.multiply(BigDecimal.valueOf(n));
                    if ((!log || v.signum() > 0) && inside(v.doubleValue())) {
                        t.add(v);
                    }
                }
                out.add(t);
            }
        }
        return out;
    }

    /** Adds the 1..9 x 10^k values that are not labelled as minor ticks, when they are far enough apart. */
    private List<Tick> withMinor(List<Tick> major) {
        int e0 = (int) Math.floor(Math.log10(lo));
        int e1 = (int) Math.ceil(Math.log10(hi));
        if (e1 - e0 > 12) {
            return major;
        }
        // the closest minor ticks are 9 and 10 x 10^k
        double px = Math.abs(map(10) - map(9));
        if (px < MINOR_PX) {
            return major;
        }
        List<Tick> out = new ArrayList<>(major);
        for (int e = e0; e <= e1; e++) {
            for (int m = 1; m <= 9; m++) {
                double v = BigDecimal.valueOf(m).scaleByPowerOfTen(e).doubleValue();
                boolean taken = out.stream().anyMatch(t -> Math.abs(t.value() - v) <= v * 1e-9);
                if (!taken && inside(v)) {
                    out.add(new Tick(v, null));
                }
            }
        }
        out.sort((a, b) -> Double.compare(a.value(), b.value()));
        return out;
    }

    /** An exact, short label: plain decimals from 0.001 to 99999, else mantissa e exponent (2.5e-5, 1e6). */
    static String label(BigDecimal v) {
        if (v.signum() == 0) {
            return "0";
        }
        v = v.stripTrailingZeros();
        double a = Math.abs(v.doubleValue());
        if (a >= 1e-3 && a < 1e5) {
            return v.toPlainString();
        }
        int exp = v.precision() - v.scale() - 1;
        BigDecimal mant = v.movePointLeft(exp).stripTrailingZeros();
        return mant.toPlainString() + "e" + exp;
    }

    static String label(double v) {
        return label(BigDecimal.valueOf(v));
    }
}
