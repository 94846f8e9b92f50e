package dev.lobench.optimizers.stability;

import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

import java.util.ArrayList;
import java.util.List;

/**
 * Eigenvalues of a small dense real (non-symmetric) matrix, by commons-math3's {@link EigenDecomposition}
 * (Hessenberg reduction + shifted QR to the real Schur form, as in JAMA). Only the eigenvalues are used.
 */
public final class Eigen {
    private Eigen() {}

    /** Eigenvalues as {@code [k][0]} real and {@code [k][1]} imaginary parts. Non-finite input gives NaN values. */
    public static double[][] eigenvalues(double[][] a) {
        int n = a.length;
        for (double[] row : a) {
            if (row.length != n) {
                throw new IllegalArgumentException("matrix is not square");
            }
            for (double v : row) {
                if (!Double.isFinite(v)) {
                    double[][] nan = new double[n][2];
                    for (double[] e : nan) {
                        e[0] = e[1] = Double.NaN;
                    }
                    return nan;
                }
            }
        }
        if (n == 0) {
            return new double[0][2];
        }
        if (n == 1) {
            return new double[][] {{a[0][0], 0}};
        }
        EigenDecomposition ed;
        try {
            ed = new EigenDecomposition(new Array2DRowRealMatrix(a, true));
        } catch (MathIllegalStateException e) {
            // the QR iteration can stall on a Jacobian with many decoupled state entries (rows or columns that are
            // zero off the diagonal, often with equal eigenvalues): isolate those, balance the rest, retry
            return deflatedEigenvalues(a, e);
        }
        double[] re = ed.getRealEigenvalues();
        double[] im = ed.getImagEigenvalues();
        double[][] out = new double[n][2];
        for (int i = 0; i < n; i++) {
            out[i][0] = re[i];
            out[i][1] = im[i];
        }
        return out;
    }

    /**
     * The eigenvalues of {@code a} when the plain QR iteration failed: every row or column that is zero off the
     * diagonal (within the rows and columns left) gives the eigenvalue on its diagonal (expand the characteristic
     * determinant along it) and is removed, repeatedly, as LAPACK's dgebal permutes them aside; the rest is balanced
     * ({@link #balanced}) and decomposed.
     */
    static double[][] deflatedEigenvalues(double[][] a, MathIllegalStateException first) {
        int n = a.length;
        boolean[] gone = new boolean[n];
        List<double[]> out = new ArrayList<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = 0; i < n; i++) {
                if (gone[i]) {
                    continue;
                }
                boolean rowZero = true;
                boolean colZero = true;
                for (int j = 0; j < n && (rowZero || colZero); j++) {
                    if (j != i && !gone[j]) {
                        rowZero &= a[i][j] == 0;
                        colZero &= a[j][i] == 0;
                    }
                }
                if (rowZero || colZero) {
                    gone[i] = true;
                    out.add(new double[] {a[i][i], 0});
                    changed = true;
                }
            }
        }
        int m = n - out.size();
        if (m > 0) {
            int[] keep = new int[m];
            for (int i = 0, k = 0; i < n; i++) {
                if (!gone[i]) {
                    keep[k++] = i;
                }
            }
            double[][] b = new double[m][m];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    b[i][j] = a[keep[i]][keep[j]];
                }
            }
            EigenDecomposition ed;
            try {
                ed = new EigenDecomposition(new Array2DRowRealMatrix(balanced(b), false));
            } catch (MathIllegalStateException again) {
                throw new IllegalStateException("eigenvalue iteration did not converge for a " + n + "x" + n
                        + " Jacobian (" + first.getMessage() + "), nor for its " + m + "x" + m + " balanced part left "
                        + "after isolating decoupled entries", again);
            }
            double[] re = ed.getRealEigenvalues();
            double[] im = ed.getImagEigenvalues();
            for (int i = 0; i < m; i++) {
                out.add(new double[] {re[i], im[i]});
            }
        }
        return out.toArray(new double[0][]);
    }

    /**
     * D^-1 A D for a diagonal D of powers of 2 chosen so that each row and its column have similar norms (the
     * Parlett-Reinsch balancing that LAPACK's dgebal also does); the eigenvalues are A's, the QR iteration converges
     * better. Returns a new matrix.
     */
    static double[][] balanced(double[][] a) {
        int n = a.length;
        double[][] b = new double[n][];
        for (int i = 0; i < n; i++) {
            b[i] = a[i].clone();
        }
        boolean changed = true;
        for (int sweep = 0; changed && sweep < 100; sweep++) {
            changed = false;
            for (int i = 0; i < n; i++) {
                double c = 0;
                double r = 0;
                for (int j = 0; j < n; j++) {
                    if (j != i) {
                        c += Math.abs(b[j][i]);
                        r += Math.abs(b[i][j]);
                    }
                }
                if (c == 0 || r == 0) {
                    continue;
                }
                double sum = c + r;
                double f = 1;
                double lo = r / 2;
                while (c < lo) {
                    f *= 2;
                    c *= 4;
                }
                double hi = r * 2;
                while (c >= hi) {
                    f /= 2;
                    c /= 4;
                }
                if ((c + r) / f < 0.95 * sum) {
                    changed = true;
                    for (int j = 0; j < n; j++) {
                        b[i][j] /= f;
                        b[j][i] *= f;
                    }
                }
            }
        }
        return b;
    }

    /** Spectral radius max |lambda| (NaN when the matrix has a non-finite entry). */
    public static double spectralRadius(double[][] a) {
        return radius(eigenvalues(a));
    }

    static double radius(double[][] eig) {
        double r = 0;
        for (double[] e : eig) {
            double m = Math.hypot(e[0], e[1]);
            if (Double.isNaN(m)) {
                return Double.NaN;
            }
            r = Math.max(r, m);
        }
        return r;
    }
}
