package dev.lobench.bench.stability;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.lobench.bench.TrainingLoop;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.stability.StabilityAnalysis;
import dev.lobench.results.StabilityRecord;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.TaskInstance;
import dev.lobench.tasks.TaskRegistry;
import dev.lobench.tasks.UserError;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code lobench stability}: for each curvature of a grid, the predicted spectral radius of the optimizer's joint map
 * ({@link StabilityAnalysis}) next to the outcome of a long run on the noisy quadratic task family
 * ({@code quadratic} with {@code kappa = 1}, so every coordinate has curvature h) under lobench run's divergence
 * rule ({@link TrainingLoop#DIVERGENCE_FACTOR} x the initial loss, or a non-finite loss).
 */
public final class StabilityRunner {
    /** Smoothing of the noise-free loss before the divergence test (the stationary loss has a chi-square tail). */
    public static final double EMA_BETA = 0.9;

    /**
     * @param dim coordinates
     * @param noise target noise s (analysis burn-in and empirical run)
     * @param steps empirical horizon
     * @param burnIn noisy updates before the Jacobian
     * @param probes Jacobians per curvature (median)
     * @param fdRel relative finite-difference step
     * @param tolerance stable iff radius <= 1 + tolerance
     * @param seed seeds both sides
     */
    public record Settings(int dim, double noise, int steps, int burnIn, int probes, double fdRel, double tolerance,
                           long seed) {
        public Settings {
            if (dim < 1 || dim > 64) {
                throw new UserError("--dim must be in 1..64 (the Jacobian is dense), got " + dim);
            }
            if (!(noise >= 0) || !Double.isFinite(noise) || noise > 1e6) {
                throw new UserError("--noise must be a number in [0, 1e6], got " + noise);
            }
            if (steps < 1 || steps > 10_000_000) {
                throw new UserError("--steps must be in 1..10000000, got " + steps);
            }
            if (burnIn < 0 || probes < 1) {
                throw new UserError("--burn-in must be >= 0 and --probes >= 1");
            }
            if (!(fdRel > 0 && fdRel < 0.5)) {
                throw new UserError("--fd-step must be in (0, 0.5), got " + fdRel);
            }
            if (!(tolerance >= 0) || !Double.isFinite(tolerance)) {
                throw new UserError("--tolerance must be finite and >= 0, got " + tolerance);
            }
        }
    }

    /** Progress per finished curvature. */
    public interface Listener {
        void onPoint(StabilityRecord r);
    }

    private StabilityRunner() {}

    /**
     * Analyses and runs one optimizer over the curvature grid. {@code factory} makes a fresh optimizer (one per
     * curvature and side, so no state or cache is shared).
     */
    public static List<StabilityRecord> run(Supplier<Optimizer> factory, double[] curvatures, Settings s,
            Listener listener) {
        List<StabilityRecord> out = new ArrayList<>();
        StabilityAnalysis.Config cfg = new StabilityAnalysis.Config(s.dim(), s.noise(), s.burnIn(), s.probes(), 25,
                s.fdRel(), s.seed());
        for (double h : curvatures) {
            Optimizer o = factory.get();
            StabilityAnalysis.Result a = StabilityAnalysis.analyse(o, h, cfg);
            Empirical e = empirical(factory.get(), h, s.dim(), s.noise(), s.steps(), s.seed());
            boolean stable = Double.isFinite(a.radius()) && a.radius() <= 1 + s.tolerance();
            StabilityRecord r = new StabilityRecord(StabilityRecord.TYPE, o.name(), o.identity(), h, s.dim(),
                    s.noise(), a.radius(), a.radiusMin(), a.radiusMax(), a.eigenvalues(), a.stateSize(),
                    a.linearisedAtStep(), a.burnInDiverged(), s.tolerance(), stable, s.steps(), e.outcome(),
                    e.detail(), e.divergedAt(), e.initialLoss(), e.finalLoss(), e.meanTrainLoss(),
                    0.5 * s.noise() * s.noise() * h * s.dim());
            out.add(r);
            if (listener != null) {
                listener.onPoint(r);
            }
        }
        return out;
    }

    /** Outcome of one long noisy run. */
    public record Empirical(String outcome, String detail, int divergedAt, double initialLoss, double finalLoss,
                            double meanTrainLoss) {}

    /**
     * Runs {@code optimizer} on quadratic(dim, kappa 1, hmax h, noise) for {@code steps} steps. Divergence is lobench
     * run's rule adapted to a noise-dominated loss: a single noisy minibatch loss of a 1-D quadratic is a chi-square
     * sample that can be arbitrarily close to 0, so the rule compares the EMA (beta {@value #EMA_BETA}, lobench's curve
     * smoothing) of the <i>noise-free</i> loss 1/2 h |phi|^2 after each update with {@value TrainingLoop#DIVERGENCE_FACTOR} x the <i>expected</i> initial training loss
     * 1/2 h (|phi0|^2 + dim s^2); non-finite losses diverge too. Note that a stable SGD close to its bound has a
     * stationary loss 1/2 h dim s^2 alpha h / (2 - alpha h) that can itself exceed 10x (alpha h > ~1.9).
     */
    public static Empirical empirical(Optimizer optimizer, double h, int dim, double noise, int steps, long seed) {
        Task task = TaskRegistry.fromParameters("quadratic", Map.of("dim", dim, "kappa", 1.0, "hmax", h,
                "noise", noise, "steps", steps));
        float[] losses = new float[steps];
        int done = 0;
        String outcome = "completed";
        String detail = null;
        int divergedAt = -1;
        double initial = Double.NaN;
        double finalLoss;
        try (NDManager manager = NDManager.newBaseManager();
                TaskInstance inst = task.instantiate(manager, seed, DataContext.defaults())) {
            List<Param> params = inst.params();
            // reference: the expected initial training loss, noise-free loss at phi0 plus the noise floor
            initial = inst.evaluate().loss() + 0.5 * noise * noise * h * dim;
            double ema = Double.NaN;
            try (OptState state = optimizer.init(params)) {
                for (int t = 0; t < steps; t++) {
                    float loss = inst.trainStep();
                    losses[t] = loss;
                    done = t + 1;
                    List<NDArray> grads = inst.grads();
                    try (NDScope scope = new NDScope()) {
                        optimizer.update(params, grads, loss, t, state);
                    }
                    double clean = inst.evaluate().loss();
                    if (!Double.isFinite(clean) || !Float.isFinite(loss)) {
                        outcome = "diverged";
                        detail = "non-finite loss after step " + t;
                        divergedAt = t;
                        break;
                    }
                    ema = Double.isNaN(ema) ? clean : EMA_BETA * ema + (1 - EMA_BETA) * clean;
                    if (ema > TrainingLoop.DIVERGENCE_FACTOR * Math.max(initial, 1e-30)) {
                        outcome = "diverged";
                        detail = String.format(java.util.Locale.ROOT,
                                "EMA of the noise-free loss %.4g > %.0fx expected initial loss %.4g after step %d", ema,
                                TrainingLoop.DIVERGENCE_FACTOR, initial, t);
                        divergedAt = t;
                        break;
                    }
                }
            }
            finalLoss = inst.evaluate().loss();
        }
        int from = Math.max(0, done - Math.max(1, done / 10));
        double sum = 0;
        for (int i = from; i < done; i++) {
            sum += losses[i];
        }
        return new Empirical(outcome, detail, divergedAt, initial, finalLoss, sum / Math.max(1, done - from));
    }

    /** Parses a grid {@code LO:HI:N} (N log-spaced values, both ends included) or a comma list of values. */
    public static double[] parseGrid(String text) {
        String t = text.trim();
        double[] out;
        try {
            if (t.contains(":")) {
                String[] p = t.split(":", -1);
                if (p.length != 3) {
                    throw new UserError("--curvature: expected LO:HI:N or a comma list, got '" + text + "'");
                }
                double lo = Double.parseDouble(p[0].trim());
                double hi = Double.parseDouble(p[1].trim());
                int n = Integer.parseInt(p[2].trim());
                if (n < 1 || n > 10_000) {
                    throw new UserError("--curvature: N must be in 1..10000, got " + n);
                }
                if (!(lo > 0) || !(hi >= lo) || !Double.isFinite(hi)) {
                    throw new UserError("--curvature: need 0 < LO <= HI, got '" + text + "'");
                }
                if (n == 1 && hi != lo) {
                    throw new UserError("--curvature: N = 1 needs LO = HI, got '" + text + "'");
                }
                out = new double[n];
                for (int i = 0; i < n; i++) {
                    out[i] = n == 1 ? lo : Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * i / (n - 1));
                }
                out[n - 1] = hi;
            } else {
                String[] p = t.split(",");
                out = new double[p.length];
                for (int i = 0; i < p.length; i++) {
                    out[i] = Double.parseDouble(p[i].trim());
                }
            }
        } catch (NumberFormatException e) {
            throw new UserError("--curvature: not a number in '" + text + "'");
        }
        for (double h : out) {
            if (!(h > 0) || !Double.isFinite(h) || h < 1e-12 || h > 1e12) {
                throw new UserError("--curvature values must be in [1e-12, 1e12], got " + h);
            }
        }
        return out;
    }
}
