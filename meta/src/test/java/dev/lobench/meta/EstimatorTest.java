package dev.lobench.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/**
 * ES estimators against the analytic meta-gradient of SGD's log learning rate on a deterministic quadratic.
 * Tolerances are about 4 standard deviations of each estimator (per-particle variance derived in comments).
 */
class EstimatorTest {
    static final float LOG_LR = (float) Math.log(0.3);
    static final QuadraticProblem QUAD = new QuadraticProblem(new float[] {1f, 0.5f, 0.2f}, new float[] {1f, -2f, 0.5f});
    static final LogLrSgdArch SGD = new LogLrSgdArch(LOG_LR, 0f);
    static final double SIGMA = 0.01;

    private static double[] runEstimates(Estimator.Kind kind, int particles, int trunc, int horizon, int calls,
            boolean signOnly) {
        try (NDManager m = NDManager.newBaseManager(); Population pop = QUAD.population(m, 2 * particles)) {
            Estimator est = Estimator.create(kind, SGD, pop, particles, SIGMA, trunc, horizon, signOnly);
            float[] theta = {LOG_LR};
            SplitRng rng = new SplitRng(42);
            est.init(theta, rng);
            double[] g = new double[calls];
            for (int c = 0; c < calls; c++) {
                g[c] = est.estimate(theta, rng).grad()[0];
            }
            return g;
        }
    }

    @Test
    void truncatedEsMatchesTruncatedGradient() {
        // per particle eps^2/sigma^2 * g: relative std sqrt(2); N = 800 -> 5 %
        int n = 800;
        double[] g = runEstimates(Estimator.Kind.TES, n, 5, 100_000, 3, false);
        double first = QUAD.analyticGrad(LOG_LR, 0, 5, false);
        double third = QUAD.analyticGrad(LOG_LR, 10, 15, false);
        double thirdFull = QUAD.analyticGrad(LOG_LR, 10, 15, true);
        assertEquals(first, g[0], 0.2 * Math.abs(first), "first unroll");
        assertEquals(third, g[2], 0.2 * Math.abs(third), "third unroll: truncated gradient");
        // the truncated estimator is biased away from the full gradient
        assertTrue(Math.abs(g[2] - thirdFull) > 0.5 * Math.abs(thirdFull), "TES " + g[2] + " vs full " + thirdFull);
    }

    @Test
    void pesMatchesFullGradientAcrossUnrolls() {
        // per particle variance (3 sum w_s^2 + 1) g^2 <= 4 g^2 -> N = 800: relative std <= 7 %
        int n = 800;
        double[] g = runEstimates(Estimator.Kind.PES, n, 5, 100_000, 3, false);
        double first = QUAD.analyticGrad(LOG_LR, 0, 5, true);
        double third = QUAD.analyticGrad(LOG_LR, 10, 15, true);
        double thirdTruncated = QUAD.analyticGrad(LOG_LR, 10, 15, false);
        assertEquals(first, g[0], 0.2 * Math.abs(first), "first unroll");
        assertEquals(third, g[2], 0.28 * Math.abs(third), "third unroll: unbiased for the full gradient");
        assertTrue(Math.abs(g[2] - thirdTruncated) > 2 * Math.abs(thirdTruncated), "PES is not the truncated gradient");
    }

    @Test
    void fullEsMatchesWholeRunGradient() {
        int n = 800;
        double[] g = runEstimates(Estimator.Kind.FES, n, 10, 10, 1, false);
        double want = QUAD.analyticGrad(LOG_LR, 0, 10, true);
        assertEquals(want, g[0], 0.2 * Math.abs(want));
    }

    @Test
    void fullEsSignOnly() {
        // E[eps sign(eps g)] / (2 sigma^2) = sign(g) sqrt(2/pi) / (2 sigma); relative std 0.755 per particle
        int n = 800;
        double[] g = runEstimates(Estimator.Kind.FES, n, 10, 10, 1, true);
        double want = Math.signum(QUAD.analyticGrad(LOG_LR, 0, 10, true)) * Math.sqrt(2 / Math.PI) / (2 * SIGMA);
        assertEquals(want, g[0], 0.11 * Math.abs(want));
    }

    @Test
    void pesResetsXiAtEndOfRun() {
        int n = 16;
        try (NDManager m = NDManager.newBaseManager(); Population pop = QUAD.population(m, 2 * n)) {
            Estimator.Pes est = (Estimator.Pes) Estimator.create(Estimator.Kind.PES, SGD, pop, n, SIGMA, 10, 30, false);
            float[] theta = {LOG_LR};
            SplitRng rng = new SplitRng(7);
            est.init(theta, rng);
            int resets = 0;
            for (int c = 0; c < 6; c++) {
                est.estimate(theta, rng);
                for (int i = 0; i < n; i++) {
                    long s = pop.step(i);
                    assertEquals(s, pop.step(n + i), "branches advance together");
                    assertTrue(s == 0 || s == 10 || s == 20, "step " + s);
                    boolean zero = est.xi(i)[0] == 0.0;
                    assertEquals(s == 0, zero, "xi is zero exactly after a restart (particle " + i + ")");
                    if (s == 0) {
                        resets++;
                        assertEquals(pop.save(i).seed(), pop.save(n + i).seed(), "both branches restart from one seed");
                    }
                }
            }
            // every particle has run past 30 steps by the 6th unroll, so each restarted at least once
            assertTrue(resets >= n, "resets " + resets);
        }
    }
}
