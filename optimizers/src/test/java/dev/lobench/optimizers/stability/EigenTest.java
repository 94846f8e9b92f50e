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
}
