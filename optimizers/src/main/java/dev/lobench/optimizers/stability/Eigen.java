package dev.lobench.optimizers.stability;

import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

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
            throw new IllegalStateException("eigenvalue iteration did not converge for a " + n + "x" + n
                    + " Jacobian: " + e.getMessage(), e);
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
