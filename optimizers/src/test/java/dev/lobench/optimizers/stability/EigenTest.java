package dev.lobench.optimizers.stability;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EigenTest {

    @Test
    void companionMatrixOfKnownRoots() {
        // roots 0.5, -0.3, 0.2 +- 0.9i: p(x) = (x - 0.5)(x + 0.3)(x^2 - 0.4x + 0.85)
        double[] a = {-0.5, 0.3}; // (x - 0.5)(x + 0.3) = x^2 - 0.2x - 0.15
        double[] q1 = {1, -0.2, -0.15};
        double[] q2 = {1, -0.4, 0.85};
        double[] c = new double[5];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                c[i + j] += q1[i] * q2[j];
            }
        }
        // companion matrix of x^4 + c1 x^3 + c2 x^2 + c3 x + c4
        double[][] m = new double[4][4];
        for (int j = 0; j < 4; j++) {
            m[0][j] = -c[j + 1];
        }
        for (int i = 1; i < 4; i++) {
            m[i][i - 1] = 1;
        }
        double[][] e = Eigen.eigenvalues(m);
        Arrays.sort(e, Comparator.<double[]>comparingDouble(x -> x[0]).thenComparingDouble(x -> x[1]));
        double[][] expected = {{-0.3, 0}, {0.2, -0.9}, {0.2, 0.9}, {0.5, 0}};
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i][0], e[i][0], 1e-9, Arrays.deepToString(e));
            assertEquals(expected[i][1], e[i][1], 1e-9, Arrays.deepToString(e));
        }
        assertEquals(Math.hypot(0.2, 0.9), Eigen.spectralRadius(m), 1e-9);
        assertTrue(a.length == 2);
    }

    @Test
    void scaledRotationAndJordanBlock() {
        double r = 1.07;
        double th = 0.3;
        double[][] rot = {{r * Math.cos(th), -r * Math.sin(th)}, {r * Math.sin(th), r * Math.cos(th)}};
        assertEquals(r, Eigen.spectralRadius(rot), 1e-12);
        double[][] jordan = {{0.99, 1, 0}, {0, 0.99, 1}, {0, 0, 0.99}};
        assertEquals(0.99, Eigen.spectralRadius(jordan), 1e-4);
    }

    @Test
    void nonFiniteEntriesGiveNaN() {
        assertTrue(Double.isNaN(Eigen.spectralRadius(new double[][] {{1, Double.NaN}, {0, 1}})));
    }

    /** Power sums sum(lambda^k), k = 1..n, as [re, im]: by Newton's identities they fix the eigenvalues' multiset. */
    private static double[][] powerSums(double[][] eig, int n) {
        double[][] out = new double[n][2];
        for (double[] e : eig) {
            double re = 1;
            double im = 0;
            for (int k = 0; k < n; k++) {
                double r2 = re * e[0] - im * e[1];
                im = re * e[1] + im * e[0];
                re = r2;
                out[k][0] += re;
                out[k][1] += im;
            }
        }
        return out;
    }

    /** trace(A^k), k = 1..n: the power sums of A's eigenvalues, computed without any eigenvalue. */
    private static double[] tracePowers(double[][] a) {
        int n = a.length;
        double[] out = new double[n];
        double[][] p = new double[n][];
        for (int i = 0; i < n; i++) {
            p[i] = a[i].clone();
        }
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                out[k] += p[i][i];
            }
            double[][] next = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int l = 0; l < n; l++) {
                    for (int j = 0; j < n; j++) {
                        next[i][j] += p[i][l] * a[l][j];
                    }
                }
            }
            p = next;
        }
        return out;
    }

    private static void assertEigenvaluesOf(double[][] a, double[][] eig) {
        assertEquals(a.length, eig.length);
        double[][] ps = powerSums(eig, a.length);
        double[] tr = tracePowers(a);
        for (int k = 0; k < a.length; k++) {
            double tol = 1e-8 * Math.max(1, Math.abs(tr[k]));
            assertEquals(tr[k], ps[k][0], tol, "sum of lambda^" + (k + 1));
            assertEquals(0, ps[k][1], tol, "imaginary part of sum of lambda^" + (k + 1));
        }
    }

    @Test
    void matricesThePlainQrIterationGivesUpOnAreSolved() {
        // commons-math's EigenDecomposition throws MaxCountExceededException on both (found by a random search over
        // small matrices); a triangular one has its diagonal as eigenvalues
        double[][] triangular = {{0, 0, 0, 0}, {2, 2, 0, 0}, {1, 0.5, 0, 0}, {2, 0.5, -1, 2}};
        double[][] e = Eigen.eigenvalues(triangular);
        double[] re = Arrays.stream(e).mapToDouble(x -> x[0]).sorted().toArray();
        assertEquals(0, re[0], 1e-12);
        assertEquals(0, re[1], 1e-12);
        assertEquals(2, re[2], 1e-12);
        assertEquals(2, re[3], 1e-12);
        assertEigenvaluesOf(triangular, e);
        double[][] coupled = {{-1, 0, 0.5, 0}, {0, 0, 0, 1}, {1, 0, 0, 0}, {2, 0.5, 0.5, -1}};
        assertEigenvaluesOf(coupled, Eigen.eigenvalues(coupled));
        double[][] five = {{1, 2, 0.5, 0, -1}, {0, 1, 0, 0, 0}, {0, -1, -1, -1, 2}, {0, 0, 0, 0, 1}, {0, 2, 0, 1, 0}};
        assertEigenvaluesOf(five, Eigen.eigenvalues(five));
    }

    @Test
    void balancingKeepsTheEigenvaluesAndEvensTheNorms() {
        double[][] a = {{1, 1e6, 0}, {1e-6, 2, 3e5}, {0, 2e-5, 0.5}};
        double[][] b = Eigen.balanced(a);
        assertEigenvaluesOf(a, Eigen.eigenvalues(b));
        double worst = 0;
        for (int i = 0; i < 3; i++) {
            double r = 0;
            double c = 0;
            for (int j = 0; j < 3; j++) {
                if (j != i) {
                    r += Math.abs(b[i][j]);
                    c += Math.abs(b[j][i]);
                }
            }
            worst = Math.max(worst, Math.max(r / c, c / r));
        }
        assertTrue(worst < 4, "row / column norm ratio after balancing: " + worst);
    }
}
