package dev.lobench.results;

import java.util.Arrays;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Summary statistics over seeds. Non-finite inputs are dropped before anything is computed, so {@code n} counts
 * finite values only.
 *
 * <p>Quartiles use linear interpolation between order statistics (Hyndman-Fan type 7, the default of numpy and
 * R): for sorted x[0..n-1] and p in [0,1], h = (n-1)p, Q(p) = x[⌊h⌋] + (h - ⌊h⌋)(x[⌊h⌋+1] - x[⌊h⌋]).
 * The standard deviation is the sample one (divisor n-1) and is NaN for n < 2; every statistic is NaN for
 * n = 0.
 *
 * <p>Median and quartiles come from commons-math's {@link Percentile} with {@link Percentile.EstimationType#R_7},
 * which is this type-7 definition (index 1 + (n-1)p; for p a multiple of 1/4 the same numbers as h above).
 *
 * <p>Mean and std are written out (mean = sum / n; std = sqrt(sum of (x - mean)^2 / (n-1))) rather than taken
 * from commons-math's {@code Mean} and {@code StandardDeviation}: those add a correction term
 * (sum of (x - mean) / n) to the mean and use the corrected two-pass variance, the same statistics but not the
 * same doubles; on the committed records they changed 15 values of the report's CSV/JSON in the last digit
 * (measured, lobench report of experiments/star-paper-task/eval/adam-reference and
 * experiments/meta-training/eval/fmnist-cnn16x32-500), so reported numbers would move without a reason.
 */
public record Stats(int n, double median, double q1, double q3, double mean, double std) {

    public static Stats of(double... values) {
        double[] x = Arrays.stream(values).filter(Double::isFinite).sorted().toArray(); // sums in ascending order
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
        Percentile q = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        q.setData(x);
        return new Stats(n, q.evaluate(50), q.evaluate(25), q.evaluate(75), mean, std);
    }

    /**
     * Type-7 quantile of an ascending, non-empty array, for any p in [0, 1] (the bootstrap's 2.5% and 97.5%).
     * Written out rather than taken from commons-math's R_7 {@link Percentile}: that one computes the
     * interpolation weight as (1 + (n-1)p) - ⌊1 + (n-1)p⌋, which differs in the last bit from (n-1)p - ⌊(n-1)p⌋
     * whenever adding 1 rounds (e.g. (n-1)p = 0.05), so it would move reported bootstrap bounds by an ulp. For
     * the quartiles of {@link #of} (p a multiple of 1/4) the two are the same number.
     */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        if (lo + 1 >= sorted.length) {
            return sorted[sorted.length - 1];
        }
        return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
    }
}
