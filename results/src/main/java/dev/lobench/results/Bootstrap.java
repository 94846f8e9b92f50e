package dev.lobench.results;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Percentile bootstrap, seeded so that a report is reproducible: {@link #REPS} = 2000 resamples from
 * {@code new SplittableRandom(seed)}; the 95% interval is the type-7 2.5% and 97.5% quantiles of the finite
 * resampled statistics. (commons-math3 has no bootstrap; the quantiles are {@link Stats#quantile}'s.)
 */
public final class Bootstrap {
    public static final int REPS = 2000;
    public static final long DEFAULT_SEED = 20240601L;

    private Bootstrap() {}

    /**
     * 95% percentile interval {lo, hi} of {@code stat} over resamples of n units: each resample is an array of n
     * indices drawn uniformly with replacement. {NaN, NaN} for n = 0 or when no resample gives a finite value.
     */
    public static double[] ci95(int n, ToDoubleFunction<int[]> stat, long seed) {
        if (n == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] v = new double[REPS];
        int k = 0;
        int[] idx = new int[n];
        for (int r = 0; r < REPS; r++) {
            for (int i = 0; i < n; i++) {
                idx[i] = rnd.nextInt(n);
            }
            double s = stat.applyAsDouble(idx);
            if (Double.isFinite(s)) {
                v[k++] = s;
            }
        }
        if (k == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double[] sorted = Arrays.copyOf(v, k);
        Arrays.sort(sorted);
        return new double[] {Stats.quantile(sorted, 0.025), Stats.quantile(sorted, 0.975)};
    }
}
