package dev.lobench.optimizers.stability;

/**
 * Central finite-difference Jacobian of a {@link JointMap} in float64, in diagonally scaled coordinates.
 *
 * <p>Scale of component i: {@code s_i = max(|z_i|, |F(z)_i|)} (or {@link #ABS_FLOOR} if both are 0). Column j
 * perturbs z_j by {@code +-rel * s_j}; the perturbed values are rounded to float32 (the optimizer's precision) and
 * the actual difference of the two rounded inputs is the divisor. The returned matrix is
 * {@code S^-1 J S} with {@code S = diag(s)}: a similarity transform, so it has the eigenvalues of J, but its entries
 * are O(1) whatever the magnitudes of the state slots (e.g. Adam's second moment ~ (h s)^2 next to phi ~ s), which
 * keeps the eigenvalue problem well conditioned.
 *
 * <p>Accuracy: the map is evaluated in float32 (unit roundoff u = 6e-8); with {@code rel = 1e-3} the rounding error
 * of a scaled entry is about {@code u / rel = 6e-5} and the truncation error O(rel^2) = 1e-6, so radii are good to
 * roughly 1e-4 (the SGD and heavy-ball tests measure this against the closed forms).
 */
public final class Jacobian {
    public static final double DEFAULT_REL = 1e-3;
    static final double ABS_FLOOR = 1e-6;

    private Jacobian() {}

    /** The scaled Jacobian {@code S^-1 J S} of {@code map} at z (see the class comment). */
    public static double[][] scaled(JointMap map, double[] z, double rel) {
        if (!(rel > 0 && rel < 0.5)) {
            throw new IllegalArgumentException("relative finite-difference step must be in (0, 0.5), got " + rel);
        }
        int n = z.length;
        double[] f0 = map.apply(z);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            double m = Math.max(Math.abs(z[i]), Math.abs(f0[i]));
            s[i] = m > 0 && Double.isFinite(m) ? m : ABS_FLOOR;
        }
        double[][] j = new double[n][n];
        for (int c = 0; c < n; c++) {
            double d = rel * s[c];
            double[] zp = z.clone();
            double[] zm = z.clone();
            zp[c] = (float) (z[c] + d);
            zm[c] = (float) (z[c] - d);
            double width = zp[c] - zm[c];
            if (!(width > 0)) {
                throw new IllegalStateException("finite-difference step vanished in float32 for component " + c);
            }
            double[] fp = map.apply(zp);
            double[] fm = map.apply(zm);
            for (int r = 0; r < n; r++) {
                j[r][c] = (fp[r] - fm[r]) / width * s[c] / s[r];
            }
        }
        return j;
    }
}
