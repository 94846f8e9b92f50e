package dev.lobench.optimizers.stability;

import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.OptimizerRegistry;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The numeric spectral radius of the joint map against the closed forms of docs/learned-optimizers.md
 * section 4, computed here from the formulas (never from the code under test).
 */
class StabilityTheoryTest {
    /** Finite differences through a float32 map: radii agree with the closed forms to this (see Jacobian). */
    static final double TOL = 2e-4;

    static StabilityAnalysis.Config cfg(int dim) {
        return StabilityAnalysis.Config.defaults().withDim(dim).withBurnIn(20).withProbes(2);
    }

    static double radius(Optimizer o, double h, int dim) {
        return StabilityAnalysis.analyse(o, h, cfg(dim)).radius();
    }

    @Test
    void sgdRadiusIsAbsOneMinusAlphaH() {
        double alpha = 0.1;
        Optimizer sgd = OptimizerRegistry.create("sgd:lr=" + alpha);
        for (double h : new double[] {1e-3, 0.5, 5, 15, 19.5, 20.5, 25, 100}) {
            double expected = Math.abs(1 - alpha * h);
            StabilityAnalysis.Result r = StabilityAnalysis.analyse(sgd, h, cfg(1));
            assertEquals(expected, r.radius(), TOL * Math.max(1, expected), "h=" + h);
            assertEquals(1, r.stateSize(), "SGD: z = phi only");
            // stable iff 0 < alpha h < 2
            assertEquals(alpha * h < 2, r.radius() < 1, "h=" + h);
        }
    }

    @Test
    void sgdInSeveralCoordinatesHasTheSameRadius() {
        Optimizer sgd = OptimizerRegistry.create("sgd:lr=0.05");
        StabilityAnalysis.Result r = StabilityAnalysis.analyse(sgd, 30, cfg(4));
        assertEquals(4, r.stateSize());
        assertEquals(Math.abs(1 - 0.05 * 30), r.radius(), TOL);
        assertEquals(4, r.eigenvalues().length);
    }

    /** Eigenvalues of A = [[1 - a h, -a b], [h, b]]: roots of l^2 - (1 - a h + b) l + b. */
    static double heavyBallRadius(double a, double b, double h) {
        double tr = 1 - a * h + b;
        double det = (1 - a * h) * b + a * b * h;
        double disc = tr * tr - 4 * det;
        if (disc < 0) {
            return Math.sqrt(det);
        }
        double s = Math.sqrt(disc);
        return Math.max(Math.abs((tr + s) / 2), Math.abs((tr - s) / 2));
    }

    @Test
    void heavyBallMatchesTheTwoByTwoMatrix() {
        double a = 0.05;
        for (double b : new double[] {0.0, 0.5, 0.9}) {
            Optimizer sgdm = OptimizerRegistry.create("sgdm:lr=" + a + ",momentum=" + b);
            double boundary = 2 * (1 + b) / a;
            for (double h : new double[] {1e-2, 1, 10, 0.5 * boundary, 0.98 * boundary, 1.02 * boundary,
                2 * boundary}) {
                double expected = heavyBallRadius(a, b, h);
                StabilityAnalysis.Result r = StabilityAnalysis.analyse(sgdm, h, cfg(1));
                // near a double eigenvalue (discriminant ~ 0, e.g. beta 0.5, h 0.98 x boundary) the float32 rounding
                // error of the entries (~3e-5) is amplified by 1 / |l1 - l2|: 5x looser here
                assertEquals(expected, r.radius(), 5 * TOL * Math.max(1, expected), "beta=" + b + " h=" + h);
                assertEquals(b == 0 ? 1 : 2, r.stateSize());
                // stable iff 0 < a h < 2 (1 + b)
                assertEquals(a * h < 2 * (1 + b), r.radius() < 1, "beta=" + b + " h=" + h);
            }
        }
    }

    @Test
    void heavyBallComplexPairHasModulusSqrtBeta() {
        // a h = 1 with beta = 0.81: discriminant (beta)^2 - 4 beta < 0, |lambda| = sqrt(beta) = 0.9
        StabilityAnalysis.Result r = StabilityAnalysis.analyse(
                OptimizerRegistry.create("sgdm:lr=0.1,momentum=0.81"), 10, cfg(1));
        assertEquals(0.9, r.radius(), TOL);
        double[][] e = r.eigenvalues();
        assertEquals(2, e.length);
        assertEquals(Math.abs(e[0][1]), Math.abs(e[1][1]), 1e-6);
        assertTrue(Math.abs(e[0][1]) > 0.1, "complex pair expected: " + Arrays.deepToString(e));
    }

    @Test
    void theorem1LearnedGainPerMode() {
        double alpha = 0.1;
        double[] p = {0.0, 0.05, 0.1};
        LinearGainOptimizer o = LinearGainOptimizer.plain(alpha, p);
        double hCrit = 2 / (alpha + 0.1); // the largest gain sets the bound: (alpha + p_max) h <= 2
        for (double h : new double[] {0.1, 1, 0.99 * hCrit, 1.01 * hCrit, 3 * hCrit}) {
            double expected = 0;
            for (double pi : p) {
                expected = Math.max(expected, Math.abs(1 - (alpha + pi) * h));
            }
            double r = radius(o, h, p.length);
            assertEquals(expected, r, TOL * Math.max(1, expected), "h=" + h);
            boolean theorem = true;
            for (double pi : p) {
                theorem &= 0 <= (alpha + pi) * h && (alpha + pi) * h <= 2;
            }
            assertEquals(theorem, r <= 1, "h=" + h);
        }
    }

    @Test
    void theorem1NegativeTotalGainIsAscentAndUnstable() {
        // alpha + p < 0 violates 0 <= (alpha + p) h: radius 1 + |alpha + p| h > 1 at every curvature
        LinearGainOptimizer o = LinearGainOptimizer.plain(0.1, -0.15);
        for (double h : new double[] {0.01, 1, 10}) {
            double r = radius(o, h, 1);
            assertEquals(1 + 0.05 * h, r, TOL * Math.max(1, r), "h=" + h);
            assertFalse(r <= 1);
        }
    }

    @Test
    void lemma2OutputPreconditioningLoosensTheBound() {
        double gain = 0.5; // alpha + p
        for (double h : new double[] {1, 3.9, 9, 15.9, 16.1, 25}) {
            LinearGainOptimizer plain = LinearGainOptimizer.plain(gain, 0);
            LinearGainOptimizer pre = new LinearGainOptimizer(gain, new double[] {0}, new double[] {1 / Math.sqrt(h)});
            double rPlain = radius(plain, h, 1);
            double rPre = radius(pre, h, 1);
            assertEquals(Math.abs(1 - gain * h), rPlain, TOL * Math.max(1, rPlain), "h=" + h);
            assertEquals(Math.abs(1 - gain * Math.sqrt(h)), rPre, TOL * Math.max(1, rPre), "h=" + h);
            assertEquals(gain * h <= 2, rPlain <= 1, "Theorem 1, h=" + h);
            assertEquals(gain * Math.sqrt(h) <= 2, rPre <= 1, "Lemma 2, h=" + h);
        }
        // the looser bound: h = 9 is outside Theorem 1's range (0.5 * 9 = 4.5 > 2) but inside Lemma 2's (1.5 <= 2)
        double h = 9;
        assertTrue(radius(LinearGainOptimizer.plain(gain, 0), h, 1) > 1);
        assertTrue(radius(new LinearGainOptimizer(gain, new double[] {0}, new double[] {1 / 3.0}), h, 1) < 1);
    }
}
