package dev.lobench.results.plot;

import dev.lobench.results.Report;
import java.util.ArrayList;
import java.util.List;

/** A linear or log10 axis mapping data values to pixels, with "nice" ticks (1, 2, 5 x 10^k). */
final class Axis {
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

    List<Double> ticks() {
        List<Double> t = new ArrayList<>();
        if (log) {
            int e0 = (int) Math.floor(Math.log10(lo));
            int e1 = (int) Math.ceil(Math.log10(hi));
            double[] mult = e1 - e0 > 3 ? new double[] {1} : new double[] {1, 2, 5};
            for (int e = e0; e <= e1; e++) {
                for (double m : mult) {
                    double v = m * Math.pow(10, e);
                    if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) {
                        t.add(v);
                    }
                }
            }
            if (t.size() >= 2) {
                return t;
            }
            t.clear();
        }
        double raw = (hi - lo) / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
        for (double v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
            t.add(Math.abs(v) < step * 1e-9 ? 0 : v);
        }
        return t;
    }

    static String label(double v) {
        return Report.formatNumber(v);
    }
}
