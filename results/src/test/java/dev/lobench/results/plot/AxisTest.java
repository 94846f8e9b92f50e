package dev.lobench.results.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Properties of the tick generator over chosen and random ranges, not particular outputs. */
class AxisTest {
    private static final double FONT = Frame.TICK_SIZE;
    /** Axis lengths in px: the plot area of a 900 x 420 chart and smaller ones. */
    private static final double[] H_PX = {640, 420, 260};
    private static final double[] V_PX = {336, 220, 140};

    private static final double[][] LOG_RANGES = {{0.26, 0.43}, {0.07, 2.3}, {0.3, 2.2}, {1e-3, 1e3}, {1e-10, 1e10},
        {1, 1.5}, {0.95, 1.05}, {5e-6, 2e-5}, {1, 10}, {0.9, 11}, {2.5e-5, 3.1e-5}, {1, 2}, {1e-300, 1e300},
        {123456, 654321}, {0.011, 0.019}};
    private static final double[][] LIN_RANGES = {{0, 1}, {0, 2000}, {-3.7, 12.2}, {1e5, 3e5}, {0.26, 0.43},
        {1e-7, 3e-7}, {-1e-3, 1e-3}, {0, 1.05}, {99.5, 100.5}, {-2e9, -1e9}, {0.123456, 0.123457}};

    /** Checks every property; returns the labelled ticks. */
    private static List<Axis.Tick> check(double lo, double hi, boolean log, double px, boolean horizontal) {
        Axis a = horizontal ? new Axis(lo, hi, log, 50, 50 + px) : new Axis(lo, hi, log, 30 + px, 30);
        List<Axis.Tick> all = a.ticks(horizontal, FONT);
        String what = (log ? "log " : "linear ") + lo + ".." + hi + " on " + px + " px " + (horizontal ? "h" : "v")
                + ": " + all;
        List<Axis.Tick> major = all.stream().filter(Axis.Tick::major).toList();
        assertTrue(major.size() >= 3, what);
        if (px >= (horizontal ? 400 : 200)) {
            // not crowded on the axes of the charts: no more labels than fit at the comfortable distance
            assertTrue(major.size() <= px / (horizontal ? Axis.MIN_SPACING_H : Axis.MIN_SPACING_V) + 1, what);
        }
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i).value() > all.get(i - 1).value(), "monotone: " + what);
        }
        double tol = log ? 0 : (hi - lo) * 1e-9;
        for (Axis.Tick t : all) {
            assertTrue(t.value() >= lo * (log ? 1 - 1e-9 : 1) - tol && t.value() <= hi * (log ? 1 + 1e-9 : 1) + tol,
                    "inside: " + t + " in " + what);
            assertTrue(Double.isFinite(a.map(t.value())), what);
        }
        assertEquals(major.size(), new HashSet<>(major.stream().map(Axis.Tick::label).toList()).size(),
                "distinct labels: " + what);
        for (Axis.Tick t : major) {
            // the label says the tick's value (to 1e-9 relative)
            double parsed = Double.parseDouble(t.label());
            assertTrue(Math.abs(parsed - t.value()) <= 1e-9 * Math.max(Math.abs(t.value()), 1e-300), what);
        }
        for (int i = 1; i < major.size(); i++) {
            double d = Math.abs(a.map(major.get(i).value()) - a.map(major.get(i - 1).value()));
            double need = horizontal ? (Axis.labelWidth(major.get(i).label(), FONT)
                    + Axis.labelWidth(major.get(i - 1).label(), FONT)) / 2 : FONT;
            assertTrue(d >= need, "labels " + major.get(i - 1).label() + " and " + major.get(i).label() + " are "
                    + d + " px apart, need " + need + ": " + what);
        }
        return major;
    }

    @Test
    void chosenRangesKeepEveryProperty() {
        for (boolean horizontal : new boolean[] {true, false}) {
            for (double px : horizontal ? H_PX : V_PX) {
                for (double[] r : LOG_RANGES) {
                    check(r[0], r[1], true, px, horizontal);
                }
                for (double[] r : LIN_RANGES) {
                    check(r[0], r[1], false, px, horizontal);
                }
            }
        }
    }

    @Test
    void randomRangesKeepEveryProperty() {
        Random rnd = new Random(20261130);
        for (int i = 0; i < 3000; i++) {
            boolean log = rnd.nextBoolean();
            boolean horizontal = rnd.nextBoolean();
            // the plot areas of the charts are 470..800 px wide and 300..340 px high; also much smaller
            double px = horizontal ? 250 + rnd.nextDouble() * 550 : 120 + rnd.nextDouble() * 280;
            double lo;
            double hi;
            if (log) {
                boolean narrow = rnd.nextBoolean();
                lo = Math.pow(10, -12 + rnd.nextDouble() * 24);
                hi = lo * Math.pow(10, narrow ? 0.01 + rnd.nextDouble() : 1 + rnd.nextDouble() * 14);
            } else {
                double scale = Math.pow(10, -8 + rnd.nextDouble() * 16);
                lo = (rnd.nextDouble() * 2 - 1) * scale;
                hi = lo + scale * (1e-3 + rnd.nextDouble());
            }
            check(lo, hi, log, px, horizontal);
        }
    }

    @Test
    void narrowLogRangeInsideOneDecadeGetsThreeLabels() {
        // the held-out losses of a run that barely moves: no power of ten inside, but still readable
        List<Axis.Tick> t = check(0.26, 0.43, true, 336, false);
        assertTrue(t.stream().anyMatch(x -> x.label().equals("0.3")) && t.stream()
                .anyMatch(x -> x.label().equals("0.4")), t.toString());
    }

    @Test
    void logAxesLabelEveryDecadeAndTwoAndFiveWhereADecadeIsWide() {
        for (double[] r : LOG_RANGES) {
            for (double px : H_PX) {
                List<Axis.Tick> major = check(r[0], r[1], true, px, true);
                double decades = Math.log10(r[1] / r[0]);
                double perDecade = px / decades;
                List<BigDecimal> want = new ArrayList<>();
                for (int e = (int) Math.floor(Math.log10(r[0])); e <= Math.ceil(Math.log10(r[1])); e++) {
                    // powers of ten are labelled when about 5 fit across a decade...
                    if (perDecade >= 5 * Axis.MIN_SPACING_H && decades <= 8) {
                        want.add(BigDecimal.ONE.scaleByPowerOfTen(e));
                    }
                    // ... and 2 and 5 too when a decade is wide (the labels 5 and 10 lie 0.3 decades apart)
                    if (perDecade * 0.3 >= Axis.MIN_SPACING_H * 1.5) {
                        want.add(BigDecimal.valueOf(2).scaleByPowerOfTen(e));
                        want.add(BigDecimal.valueOf(5).scaleByPowerOfTen(e));
                    }
                }
                for (BigDecimal w : want) {
                    double v = w.doubleValue();
                    if (v >= r[0] && v <= r[1]) {
                        assertTrue(major.stream().anyMatch(t -> Math.abs(t.value() - v) <= v * 1e-12),
                                v + " labelled on " + r[0] + ".." + r[1] + " (" + px + " px): " + major);
                    }
                }
            }
        }
    }

    @Test
    void linearStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        for (double[] r : LIN_RANGES) {
            for (double px : V_PX) {
                List<Axis.Tick> major = check(r[0], r[1], false, px, false);
                BigDecimal step = new BigDecimal(major.get(1).label()).subtract(new BigDecimal(major.get(0).label()));
                for (int i = 2; i < major.size(); i++) {
                    assertEquals(0, step.compareTo(new BigDecimal(major.get(i).label())
                            .subtract(new BigDecimal(major.get(i - 1).label()))), "even steps: " + major);
                }
                BigDecimal mant = step.movePointLeft(step.precision() - step.scale() - 1).stripTrailingZeros();
                assertTrue(List.of("1", "2", "5").contains(mant.toPlainString()), step + " on " + r[0] + ".." + r[1]);
            }
        }
    }

    @Test
    void widthEstimateIsNotBelowTheRenderedWidth() {
        // the estimate must not under-measure the labels as Java2D draws them (PNG files) at the tick size
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 1).deriveFont((float) FONT);
        FontRenderContext frc = new FontRenderContext(null, true, true);
        for (String s : List.of("0.00025", "1e-10", "2.5e-5", "100000", "0.35", "-1200", "8", "0.123457")) {
            double real = font.getStringBounds(s, frc).getWidth();
            assertTrue(Axis.labelWidth(s, FONT) >= real, s + ": estimate " + Axis.labelWidth(s, FONT) + " < " + real);
        }
    }
}
