package dev.lobench.optimizers.stability;

import dev.lobench.optimizers.Optimizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Spectral radius of an optimizer's joint update map over (phi, optimizer state) on the noisy quadratic
 * {@code 1/2 h |phi - xi|^2} (docs/learned-optimizers.md section 4).
 *
 * <p><b>Linearisation point.</b> For SGD and heavy-ball momentum the map is linear and any point gives the same
 * Jacobian. For adaptive optimizers (Adam, star, small-fc, velo-style) the zero-gradient fixed point is degenerate
 * (the second-moment accumulators decay to 0 and the normalised step 1/sqrt(v) blows up), so, as the paper does
 * numerically, the map is linearised at a <i>noisy steady state</i>: phi ~ N(0, 1) per coordinate (seeded), then
 * {@code burnIn} updates on the noisy quadratic with target noise s ({@code xi ~ N(0, s^2)}), then the Jacobian of the
 * <i>deterministic</i> map (noise off, g = h phi) is taken at that state, with the iteration counter and step index
 * held fixed. This point is not an exact fixed point of the deterministic map; it is where the optimizer actually
 * operates. To expose the dependence on the point, the Jacobian is evaluated at {@code probes} states of the noisy
 * run, {@code probeStride} updates apart, and the median radius is reported with the min and max. If the burn-in
 * diverges (loss non-finite or above {@value #DIVERGENCE_FACTOR} x its initial value, lobench run's rule), the map is
 * linearised once, at the last state with finite components, and {@link Result#burnInDiverged()} is set.
 */
public final class StabilityAnalysis {
    public static final double DIVERGENCE_FACTOR = 10.0;

    /**
     * @param dim coordinates (all with curvature h)
     * @param noise target-noise standard deviation s of the burn-in
     * @param burnIn noisy updates before the first probe
     * @param probes Jacobians evaluated (median reported)
     * @param probeStride noisy updates between probes
     * @param fdRel relative finite-difference step ({@link Jacobian})
     * @param seed seeds phi0 and the noise
     */
    public record Config(int dim, double noise, int burnIn, int probes, int probeStride, double fdRel, long seed) {
        public Config {
            if (dim < 1) {
                throw new IllegalArgumentException("dim must be >= 1");
            }
            if (!(noise >= 0) || !Double.isFinite(noise)) {
                throw new IllegalArgumentException("noise must be finite and >= 0");
            }
            if (burnIn < 0 || probes < 1 || probeStride < 1) {
                throw new IllegalArgumentException("burnIn >= 0, probes >= 1 and probeStride >= 1 required");
            }
        }

        public static Config defaults() {
            return new Config(1, 1.0, 1000, 5, 25, Jacobian.DEFAULT_REL, 0);
        }

        public Config withDim(int d) {
            return new Config(d, noise, burnIn, probes, probeStride, fdRel, seed);
        }

        public Config withNoise(double s) {
            return new Config(dim, s, burnIn, probes, probeStride, fdRel, seed);
        }

        public Config withBurnIn(int k) {
            return new Config(dim, noise, k, probes, probeStride, fdRel, seed);
        }

        public Config withProbes(int p) {
            return new Config(dim, noise, burnIn, p, probeStride, fdRel, seed);
        }
    }

    /**
     * @param radius median spectral radius over the probes
     * @param radiusMin smallest radius over the probes
     * @param radiusMax largest radius over the probes
     * @param eigenvalues eigenvalues ([re, im]) of the probe whose radius is the median
     * @param stateSize length of z (dim parameters + the optimizer's state entries)
     * @param linearisedAtStep noisy updates before the first probe
     * @param burnInDiverged whether the burn-in diverged (then one probe, at the last finite state)
     */
    public record Result(double radius, double radiusMin, double radiusMax, double[][] eigenvalues, int stateSize,
                         long linearisedAtStep, boolean burnInDiverged) {}

    private StabilityAnalysis() {}

    /** Analyses {@code optimizer} at curvature h (see the class comment). */
    public static Result analyse(Optimizer optimizer, double h, Config cfg) {
        Random rng = new Random(cfg.seed() * 0x9E3779B97F4A7C15L + 0x57AB1E);
        float[] phi0 = new float[cfg.dim()];
        for (int i = 0; i < phi0.length; i++) {
            phi0[i] = (float) rng.nextGaussian();
        }
        try (JointMap map = new JointMap(optimizer, h, phi0)) {
            double[] lastFinite = map.current();
            long lastFiniteStep = 0;
            double initial = Double.NaN;
            boolean diverged = false;
            for (int t = 0; t < cfg.burnIn(); t++) {
                double loss = map.noisyStep(rng, cfg.noise());
                if (t == 0) {
                    initial = loss;
                }
                if (!Double.isFinite(loss) || loss > DIVERGENCE_FACTOR * Math.max(initial, 1e-12)) {
                    diverged = true;
                    break;
                }
                double[] z = map.current();
                if (!allFinite(z)) {
                    diverged = true;
                    break;
                }
                lastFinite = z;
                lastFiniteStep = map.step();
            }
            List<Double> radii = new ArrayList<>();
            List<double[][]> eigs = new ArrayList<>();
            if (diverged) {
                map.restore(lastFinite);
                double[][] e = Eigen.eigenvalues(Jacobian.scaled(map, lastFinite, cfg.fdRel()));
                radii.add(Eigen.radius(e));
                eigs.add(e);
            } else {
                for (int p = 0; p < cfg.probes(); p++) {
                    double[] z = map.current();
                    double[][] e = Eigen.eigenvalues(Jacobian.scaled(map, z, cfg.fdRel()));
                    radii.add(Eigen.radius(e));
                    eigs.add(e);
                    map.restore(z);
                    if (p < cfg.probes() - 1) {
                        for (int k = 0; k < cfg.probeStride(); k++) {
                            map.noisyStep(rng, cfg.noise());
                        }
                    }
                }
                lastFiniteStep = cfg.burnIn();
            }
            int med = medianIndex(radii);
            double min = radii.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
            double max = radii.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            if (radii.stream().anyMatch(r -> Double.isNaN(r))) {
                min = max = Double.NaN;
            }
            return new Result(radii.get(med), min, max, eigs.get(med), map.size(), lastFiniteStep, diverged);
        }
    }

    /** Index of the (lower) median; NaN sorts last. */
    static int medianIndex(List<Double> values) {
        Integer[] idx = new Integer[values.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(values.get(a), values.get(b)));
        return idx[(idx.length - 1) / 2];
    }

    private static boolean allFinite(double[] z) {
        for (double v : z) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
