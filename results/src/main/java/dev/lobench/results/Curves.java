package dev.lobench.results;

import java.util.List;

/**
 * Curve helpers for the step-based metrics (speedup, performance profiles). Index i of a training-loss curve is
 * the loss after i updates ({@link CellRecord#trainLoss()} is measured before update i); callers pass the curve in steps,
 * {@link LossCurve#perStep}, so a strided record ({@code lossEvery} &gt; 1) is read in steps too.
 *
 * <p>Smoothing: an exponential moving average with {@link #EMA_BETA} = 0.9 (an effective window of about 10
 * steps): s[0] = x[0], s[i] = 0.9·s[i-1] + 0.1·x[i]. A non-finite x[i] makes s[i] and everything after it NaN.
 */
public final class Curves {
    /** EMA constant used everywhere a curve is smoothed. */
    public static final double EMA_BETA = 0.9;

    private Curves() {}

    public static double[] ema(double[] x, double beta) {
        double[] s = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            s[i] = i == 0 ? x[0] : beta * s[i - 1] + (1 - beta) * x[i];
        }
        return s;
    }

    public static double[] ema(float[] x) {
        return ema(toDouble(x), EMA_BETA);
    }

    public static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    /** Point-wise mean of curves over their common length (the shortest one); empty for no curves. */
    public static double[] mean(List<float[]> curves) {
        if (curves.isEmpty()) {
            return new double[0];
        }
        int len = curves.stream().mapToInt(c -> c.length).min().orElse(0);
        double[] m = new double[len];
        for (float[] c : curves) {
            for (int i = 0; i < len; i++) {
                m[i] += c[i];
            }
        }
        for (int i = 0; i < len; i++) {
            m[i] /= curves.size();
        }
        return m;
    }

    /** Running minimum: r[i] = min(x[0..i]); NaN entries are skipped (they keep the previous minimum). */
    public static double[] runningMin(double[] x) {
        double[] r = new double[x.length];
        double m = Double.NaN;
        for (int i = 0; i < x.length; i++) {
            if (!Double.isNaN(x[i]) && (Double.isNaN(m) || x[i] < m)) {
                m = x[i];
            }
            r[i] = m;
        }
        return r;
    }

    /**
     * First (fractional) index at which a curve reaches {@code level}, i.e. is &lt;= level: 0 when c[0] already
     * is; otherwise, with i the first index where c[i] &lt;= level, linear interpolation between (i-1, c[i-1]) and
     * (i, c[i]): (i-1) + (c[i-1] - level) / (c[i-1] - c[i]). {@link Double#POSITIVE_INFINITY} when never reached
     * (or the level is NaN).
     */
    public static double firstReach(double[] c, double level) {
        if (Double.isNaN(level)) {
            return Double.POSITIVE_INFINITY;
        }
        for (int i = 0; i < c.length; i++) {
            if (c[i] <= level) {
                if (i == 0) {
                    return 0;
                }
                double prev = c[i - 1];
                if (Double.isNaN(prev) || prev == c[i]) {
                    return i;
                }
                return (i - 1) + (prev - level) / (prev - c[i]);
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
