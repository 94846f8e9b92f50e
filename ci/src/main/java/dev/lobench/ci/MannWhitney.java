package dev.lobench.ci;

/**
 * One-sided Mann-Whitney U test, exact: H1 = the candidate values tend to be larger than the baseline values.
 * U = #{(c, b): c &gt; b} + 0.5·#{(c, b): c = b}; p = P(U' &gt;= U) under H0 over all C(n+m, n) equally likely
 * assignments of ranks (the no-ties distribution, counted by dynamic programming). A tied pair makes U a half
 * integer; the tail then starts at ⌊U⌋, which can only make p larger (conservative). Exact for n + m &lt;= 60.
 *
 * <p>Not commons-math's {@code MannWhitneyUTest}: in commons-math3 3.6.1 it gives max(U, nm - U) and a two-sided
 * p-value from the normal approximation, which with the gate's 3 to 10 seeds a side is neither one-sided nor exact.
 */
public final class MannWhitney {
    private MannWhitney() {}

    public static double u(double[] cand, double[] base) {
        double u = 0;
        for (double c : cand) {
            for (double b : base) {
                u += c > b ? 1 : c == b ? 0.5 : 0;
            }
        }
        return u;
    }

    /** The smallest p-value the test can give with n and m values: 1 / C(n+m, n). */
    public static double minP(int n, int m) {
        double c = 1;
        for (int i = 1; i <= n; i++) {
            c = c * (m + i) / i;
        }
        return 1 / c;
    }

    /** One-sided exact p-value that {@code cand} is stochastically larger than {@code base}. */
    public static double pGreater(double[] cand, double[] base) {
        int n = cand.length;
        int m = base.length;
        if (n == 0 || m == 0) {
            return Double.NaN;
        }
        if (n + m > 60) {
            throw new IllegalArgumentException("exact Mann-Whitney only for n + m <= 60, got " + (n + m));
        }
        // count[i][j][u]: arrangements of i candidate and j baseline values with U = u (candidate above baseline)
        int max = n * m;
        // f(i, j) over u via recursion f(i, j, u) = f(i-1, j, u - j) + f(i, j-1, u): the largest value is either
        // a candidate (beats all j baseline values) or a baseline value.
        double[][][] f = new double[n + 1][m + 1][max + 1];
        for (int i = 0; i <= n; i++) {
            for (int j = 0; j <= m; j++) {
                if (i == 0 || j == 0) {
                    f[i][j][0] = 1;
                    continue;
                }
                for (int u = 0; u <= i * j; u++) {
                    double a = u - j >= 0 ? f[i - 1][j][u - j] : 0;
                    f[i][j][u] = a + f[i][j - 1][u];
                }
            }
        }
        double total = 0;
        double tail = 0;
        double uObs = u(cand, base);
        for (int u = 0; u <= max; u++) {
            total += f[n][m][u];
            if (u >= Math.floor(uObs + 1e-9)) {
                tail += f[n][m][u];
            }
        }
        return tail / total;
    }
}
