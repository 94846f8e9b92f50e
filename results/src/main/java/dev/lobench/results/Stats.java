package dev.lobench.results;

import java.util.Arrays;

/**
 * Summary statistics over seeds. Non-finite inputs are dropped before anything is computed, so {@code n} counts
 * finite values only.
 *
 * <p>Quartiles use linear interpolation between order statistics (Hyndman-Fan type 7, the default of numpy and
 * R): for sorted x[0..n-1] and p in [0,1], h = (n-1)p, Q(p) = x[⌊h⌋] + (h - ⌊h⌋)(x[⌊h⌋+1] - x[⌊h⌋]).
 * The standard deviation is the sample one (divisor n-1) and is NaN for n < 2; every statistic is NaN for
 * n = 0.
 */
public record Stats(int n, double median, double q1, double q3, double mean, double std) {

    public static Stats of(double... values) {
        double[] x = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        int n = x.length;
        if (n == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        double mean = sum / n;
        double std = Double.NaN;
        if (n > 1) {
            double ss = 0;
            for (double v : x) {
                ss += (v - mean) * (v - mean);
            }
            std = Math.sqrt(ss / (n - 1));
        }
        return new Stats(n, quantile(x, 0.5), quantile(x, 0.25), quantile(x, 0.75), mean, std);
    }

    /** Type-7 quantile of an ascending, non-empty array. */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        if (lo + 1 >= sorted.length) {
            return sorted[sorted.length - 1];
        }
        return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
    }
}
