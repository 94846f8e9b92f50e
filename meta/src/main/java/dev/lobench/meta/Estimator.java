package dev.lobench.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.tasks.UserError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Antithetic evolution-strategies estimators of the meta-gradient (docs/learned-optimizers.md section 3). Theta is perturbed by
 * eps ~ N(0, sigma^2 I); particle i's positive branch runs theta + eps_i in population slot i, its negative branch
 * theta - eps_i in slot N + i. The meta-objective of an unroll is the mean of the minibatch training losses
 * measured before each update.
 *
 * <p>Inner runs last {@code horizon} steps and then restart from a fresh seed. To keep particles out of lock-step,
 * the first run of each particle (PES, TES) is shortened by a random whole number of truncations, so particles
 * reach the horizon, and restart, at different outer steps. An unroll never crosses the end of a run (the last
 * unroll of a run is shorter when the horizon is not a multiple of the truncation). A particle whose branch loss
 * is NaN/Inf also restarts.
 */
public abstract class Estimator {

    public enum Kind {
        PES, TES, FES;

        public static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UserError("unknown estimator '" + s + "'; use pes, tes or fes");
            }
        }
    }

    /**
     * One estimate: the meta-gradient, the mean of (L+ + L-)/2 over the particles that entered it, inner steps done
     * (all slots), and the number of particles dropped because their antithetic difference was not finite.
     */
    public record Estimate(double[] grad, double metaLoss, long innerSteps, int dropped) {
        public Estimate(double[] grad, double metaLoss, long innerSteps) {
            this(grad, metaLoss, innerSteps, 0);
        }
    }

    protected final MetaArch arch;
    protected final Population pop;
    protected final int n;
    protected final double sigma;
    protected final int trunc;
    protected final int horizon;
    protected final int dim;
    /** Length of particle i's current inner run. */
    protected final long[] runLength;
    /** How per-step losses enter the meta-objective. */
    protected LossNormaliser norm = LossNormaliser.NONE;
    /** Per slot: whether the last unroll saw a non-finite raw loss. */
    protected final boolean[] broken;

    protected Estimator(MetaArch arch, Population pop, int particles, double sigma, int trunc, int horizon) {
        if (pop.size() != 2 * particles) {
            throw new IllegalArgumentException("population must have 2 * particles slots");
        }
        this.arch = arch;
        this.pop = pop;
        this.n = particles;
        this.sigma = sigma;
        this.trunc = trunc;
        this.horizon = horizon;
        this.dim = arch.thetaSize();
        this.runLength = new long[particles];
        this.broken = new boolean[2 * particles];
    }

    /** Sets how per-step losses enter the meta-objective (default {@link LossNormaliser#NONE}). */
    public Estimator normaliser(LossNormaliser n) {
        this.norm = java.util.Objects.requireNonNull(n);
        return this;
    }

    /** Unrolls the population with this estimator's normaliser, recording broken slots. */
    protected double[] unroll(Optimizer[] opts, int[] steps) {
        return pop.unroll(opts, steps, norm, broken);
    }

    /** Whether particle i's inner runs must restart: a non-finite loss in either branch (raw or normalised). */
    protected boolean brokenPair(int i, double[] losses) {
        return broken[i] || broken[n + i] || !Double.isFinite(losses[i]) || !Double.isFinite(losses[n + i]);
    }

    /**
     * @param signOnly FES only: use sign(L+ - L-) in place of L+ - L-
     */
    public static Estimator create(Kind kind, MetaArch arch, Population pop, int particles, double sigma, int trunc,
            int horizon, boolean signOnly) {
        return switch (kind) {
            case PES -> new Pes(arch, pop, particles, sigma, trunc, horizon);
            case TES -> new Tes(arch, pop, particles, sigma, trunc, horizon);
            case FES -> new Fes(arch, pop, particles, sigma, horizon, signOnly);
        };
    }

    public abstract Kind kind();

    /** Starts every particle's inner runs (consumes {@code rng}). Must be called once before estimate or load. */
    public abstract void init(float[] theta, SplitRng rng);

    public abstract Estimate estimate(float[] theta, SplitRng rng);

    /** Adds the persistent particle state to a checkpoint. */
    public void save(ObjectNode meta, Map<String, Object> arrays) {
        ArrayNode rl = meta.putArray("run_length");
        for (long l : runLength) {
            rl.add(l);
        }
        ArrayNode slots = meta.putArray("slots");
        for (int s : persistentSlots()) {
            SlotSnapshot snap = pop.save(s);
            ObjectNode o = slots.addObject();
            o.put("slot", s).put("step", snap.step()).put("seed", snap.seed()).put("data_position", snap.dataPosition());
            ArrayNode pn = o.putArray("params");
            for (Map.Entry<String, float[]> e : snap.params().entrySet()) {
                pn.add(e.getKey());
                arrays.put("slot/" + s + "/param/" + e.getKey(), e.getValue());
            }
            ArrayNode on = o.putArray("opt");
            for (Map.Entry<String, float[]> e : snap.optState().entrySet()) {
                on.add(e.getKey());
                arrays.put("slot/" + s + "/opt/" + e.getKey(), e.getValue());
            }
        }
    }

    /** Restores what {@link #save} wrote; {@link #init} must have been called. */
    public void load(JsonNode meta, CheckpointFile.Contents c) {
        JsonNode rl = meta.path("run_length");
        if (rl.size() != n) {
            throw new UserError("checkpoint has " + rl.size() + " particles, config has " + n);
        }
        for (int i = 0; i < n; i++) {
            runLength[i] = rl.get(i).asLong();
        }
        for (JsonNode o : meta.path("slots")) {
            int s = o.path("slot").asInt();
            Map<String, float[]> params = new LinkedHashMap<>();
            for (JsonNode name : o.path("params")) {
                params.put(name.asText(), c.f32("slot/" + s + "/param/" + name.asText()));
            }
            Map<String, float[]> opt = new LinkedHashMap<>();
            for (JsonNode name : o.path("opt")) {
                opt.put(name.asText(), c.f32("slot/" + s + "/opt/" + name.asText()));
            }
            pop.load(s, new SlotSnapshot(o.path("step").asLong(), o.path("seed").asLong(),
                    o.path("data_position").asLong(), params, opt));
        }
    }

    /** Slots whose state persists across outer steps. */
    protected abstract int[] persistentSlots();

    // ---- shared helpers

    protected float[][] drawEps(SplitRng rng) {
        float[][] eps = new float[n][dim];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < dim; k++) {
                eps[i][k] = (float) (sigma * rng.nextGaussian());
            }
        }
        return eps;
    }

    /** Optimizers for theta + eps_i (slot i) and theta - eps_i (slot N + i). */
    protected Optimizer[] antitheticOptimizers(float[] theta, float[][] eps) {
        Optimizer[] opts = new Optimizer[2 * n];
        float[] plus = new float[dim];
        float[] minus = new float[dim];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < dim; k++) {
                plus[k] = theta[k] + eps[i][k];
                minus[k] = theta[k] - eps[i][k];
            }
            opts[i] = arch.build(plus.clone());
            opts[n + i] = arch.build(minus.clone());
        }
        return opts;
    }

    /** Length of a first run, shortened by a random whole number of truncations (at least 1 step remains). */
    protected long firstRunLength(SplitRng rng) {
        int units = (horizon + trunc - 1) / trunc;
        long len = horizon - (long) trunc * rng.nextInt(units);
        return Math.max(1, len);
    }

    protected int[] unrollLengths() {
        int[] steps = new int[2 * n];
        for (int i = 0; i < n; i++) {
            long left = runLength[i] - pop.step(i);
            steps[i] = (int) Math.max(0, Math.min(trunc, left));
            steps[n + i] = steps[i];
        }
        return steps;
    }

    protected static long total(int[] steps) {
        long t = 0;
        for (int s : steps) {
            t += s;
        }
        return t;
    }

    /**
     * grad = (1/N) sum_i w_i c_i with c_i the per-particle scalar; metaLoss = mean (L+ + L-)/2. A particle whose
     * c_i or weights are not finite is dropped: it contributes nothing, the others keep their (1/N) weight, and the
     * meta-loss is the mean over the particles kept (NaN when none is). One exploding inner run therefore never
     * voids the other particles' contributions.
     */
    protected Estimate combine(double[][] weights, double[] c, double[] losses, long innerSteps) {
        double[] grad = new double[dim];
        double ml = 0;
        int kept = 0;
        int dropped = 0;
        for (int i = 0; i < n; i++) {
            boolean ok = Double.isFinite(c[i]) && Double.isFinite(losses[i]) && Double.isFinite(losses[n + i]);
            if (ok) {
                for (int k = 0; k < dim; k++) {
                    if (!Double.isFinite(weights[i][k])) {
                        ok = false;
                        break;
                    }
                }
            }
            if (!ok) {
                dropped++;
                continue;
            }
            for (int k = 0; k < dim; k++) {
                grad[k] += weights[i][k] * c[i] / n;
            }
            ml += 0.5 * (losses[i] + losses[n + i]);
            kept++;
        }
        return new Estimate(grad, kept > 0 ? ml / kept : Double.NaN, innerSteps, dropped);
    }

    protected double antitheticScalar(double lp, double lm) {
        return (lp - lm) / (2 * sigma * sigma);
    }

    private static double[][] toDouble(float[][] eps) {
        double[][] d = new double[eps.length][];
        for (int i = 0; i < eps.length; i++) {
            d[i] = new double[eps[i].length];
            for (int k = 0; k < eps[i].length; k++) {
                d[i][k] = eps[i][k];
            }
        }
        return d;
    }

    // ---- PES

    static final class Pes extends Estimator {
        private final double[][] xi;

        Pes(MetaArch arch, Population pop, int particles, double sigma, int trunc, int horizon) {
            super(arch, pop, particles, sigma, trunc, horizon);
            xi = new double[particles][dim];
        }

        @Override
        public Kind kind() {
            return Kind.PES;
        }

        @Override
        public void init(float[] theta, SplitRng rng) {
            Optimizer opt = arch.build(theta.clone());
            for (int i = 0; i < n; i++) {
                long seed = rng.nextLong();
                pop.reset(i, seed, opt);
                pop.reset(n + i, seed, opt);
                runLength[i] = firstRunLength(rng);
                java.util.Arrays.fill(xi[i], 0.0);
            }
        }

        @Override
        public Estimate estimate(float[] theta, SplitRng rng) {
            float[][] eps = drawEps(rng);
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < dim; k++) {
                    xi[i][k] += eps[i][k];
                }
            }
            int[] steps = unrollLengths();
            double[] losses = unroll(antitheticOptimizers(theta, eps), steps);
            double[] c = new double[n];
            for (int i = 0; i < n; i++) {
                c[i] = antitheticScalar(losses[i], losses[n + i]);
            }
            double[][] w = new double[n][];
            for (int i = 0; i < n; i++) {
                w[i] = xi[i].clone();
            }
            Estimate est = combine(w, c, losses, total(steps));
            Optimizer opt = null;
            for (int i = 0; i < n; i++) {
                boolean ended = pop.step(i) >= runLength[i];
                if (ended || brokenPair(i, losses)) {
                    if (opt == null) {
                        opt = arch.build(theta.clone());
                    }
                    long seed = rng.nextLong();
                    pop.reset(i, seed, opt);
                    pop.reset(n + i, seed, opt);
                    runLength[i] = horizon;
                    java.util.Arrays.fill(xi[i], 0.0);
                }
            }
            return est;
        }

        @Override
        protected int[] persistentSlots() {
            int[] s = new int[2 * n];
            for (int i = 0; i < 2 * n; i++) {
                s[i] = i;
            }
            return s;
        }

        @Override
        public void save(ObjectNode meta, Map<String, Object> arrays) {
            super.save(meta, arrays);
            for (int i = 0; i < n; i++) {
                arrays.put("xi/" + i, xi[i].clone());
            }
        }

        @Override
        public void load(JsonNode meta, CheckpointFile.Contents c) {
            super.load(meta, c);
            for (int i = 0; i < n; i++) {
                double[] x = c.f64("xi/" + i);
                if (x.length != dim) {
                    throw new UserError("checkpoint xi/" + i + " has " + x.length + " entries, theta has " + dim);
                }
                System.arraycopy(x, 0, xi[i], 0, dim);
            }
        }

        /** Accumulated perturbations (a copy), for tests. */
        double[] xi(int i) {
            return xi[i].clone();
        }
    }

    // ---- truncated antithetic ES

    static final class Tes extends Estimator {
        Tes(MetaArch arch, Population pop, int particles, double sigma, int trunc, int horizon) {
            super(arch, pop, particles, sigma, trunc, horizon);
        }

        @Override
        public Kind kind() {
            return Kind.TES;
        }

        @Override
        public void init(float[] theta, SplitRng rng) {
            Optimizer opt = arch.build(theta.clone());
            for (int i = 0; i < n; i++) {
                long seed = rng.nextLong();
                pop.reset(i, seed, opt);
                pop.reset(n + i, seed, opt);
                runLength[i] = firstRunLength(rng);
            }
        }

        @Override
        public Estimate estimate(float[] theta, SplitRng rng) {
            float[][] eps = drawEps(rng);
            for (int i = 0; i < n; i++) {
                pop.copy(i, n + i);
            }
            int[] steps = unrollLengths();
            double[] losses = unroll(antitheticOptimizers(theta, eps), steps);
            double[] c = new double[n];
            for (int i = 0; i < n; i++) {
                c[i] = antitheticScalar(losses[i], losses[n + i]);
            }
            Estimate est = combine(toDouble(eps), c, losses, total(steps));
            Optimizer opt = null;
            for (int i = 0; i < n; i++) {
                if (pop.step(i) >= runLength[i] || brokenPair(i, losses)) {
                    if (opt == null) {
                        opt = arch.build(theta.clone());
                    }
                    pop.reset(i, rng.nextLong(), opt);
                    runLength[i] = horizon;
                }
            }
            return est;
        }

        @Override
        protected int[] persistentSlots() {
            int[] s = new int[n];
            for (int i = 0; i < n; i++) {
                s[i] = i;
            }
            return s;
        }
    }

    // ---- full-run ES

    static final class Fes extends Estimator {
        private final boolean signOnly;

        Fes(MetaArch arch, Population pop, int particles, double sigma, int horizon, boolean signOnly) {
            super(arch, pop, particles, sigma, horizon, horizon);
            this.signOnly = signOnly;
        }

        @Override
        public Kind kind() {
            return Kind.FES;
        }

        @Override
        public void init(float[] theta, SplitRng rng) {
            // every estimate starts fresh runs; nothing persists between outer steps
            java.util.Arrays.fill(runLength, horizon);
        }

        @Override
        public Estimate estimate(float[] theta, SplitRng rng) {
            float[][] eps = drawEps(rng);
            Optimizer[] opts = antitheticOptimizers(theta, eps);
            for (int i = 0; i < n; i++) {
                long seed = rng.nextLong();
                pop.reset(i, seed, opts[i]);
                pop.reset(n + i, seed, opts[n + i]);
            }
            int[] steps = new int[2 * n];
            java.util.Arrays.fill(steps, horizon);
            double[] losses = unroll(opts, steps);
            double[] c = new double[n];
            for (int i = 0; i < n; i++) {
                double d = losses[i] - losses[n + i];
                c[i] = signOnly ? (Double.isNaN(d) ? d : Math.signum(d)) / (2 * sigma * sigma) : d / (2 * sigma * sigma);
            }
            return combine(toDouble(eps), c, losses, total(steps));
        }

        @Override
        protected int[] persistentSlots() {
            return new int[0];
        }
    }

    /** Names of the estimator kinds, for messages. */
    public static List<String> kinds() {
        List<String> l = new ArrayList<>();
        for (Kind k : Kind.values()) {
            l.add(k.name().toLowerCase(Locale.ROOT));
        }
        return l;
    }
}
