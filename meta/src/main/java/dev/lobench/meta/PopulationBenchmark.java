package dev.lobench.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;

import java.util.List;

/**
 * Inner steps per second of a batched population against a Java loop over single-slot populations (the same
 * problem, the same per-particle optimizer), on a synthetic dataset.
 *
 * <p>Usage: {@code PopulationBenchmark [particles=8] [dim=64] [hidden=32] [classes=10] [batch=128] [steps=200]}.
 * Two per-particle optimizers are timed: plain SGD (two tensor ops per parameter) and a no-op update (forward and
 * backward only). A learned optimizer's update can be timed through {@link #measure}.
 */
public final class PopulationBenchmark {

    /** Inner steps per second, batched and looped. */
    public record Numbers(double batched, double looped) {
        public double speedup() {
            return batched / looped;
        }
    }

    private PopulationBenchmark() {}

    /** SGD with a fixed learning rate; the benchmark's stand-in for a per-particle optimizer. */
    static Optimizer sgd(float lr) {
        return new Optimizer() {
            @Override
            public String name() {
                return "sgd(lr=" + lr + ")";
            }

            @Override
            public OptState init(List<Param> params) {
                return emptyState();
            }

            @Override
            public void update(List<Param> params, List<NDArray> grads, float loss, long step, OptState state) {
                for (int i = 0; i < params.size(); i++) {
                    params.get(i).array().subi(grads.get(i).mul(lr));
                }
            }
        };
    }

    /** An optimizer that makes no update: the benchmark's forward/backward-only baseline. */
    public static Optimizer noop() {
        return new Optimizer() {
            @Override
            public String name() {
                return "noop";
            }

            @Override
            public OptState init(List<Param> params) {
                return emptyState();
            }

            @Override
            public void update(List<Param> params, List<NDArray> grads, float loss, long step, OptState state) {}
        };
    }

    private static OptState emptyState() {
        return OptState.none();
    }

    /** Times {@code steps} inner steps of {@code particles} slots, batched and as a loop over single slots. */
    public static Numbers measure(InnerProblem problem, Optimizer[] opts, int steps, int warmup) {
        return measure(problem, opts, steps, warmup, 1);
    }

    /**
     * Times {@code steps} inner steps of every slot, batched (one population of {@code opts.length} slots) and as a
     * loop over one-slot populations, {@code repeats} times alternately (each measurement continues the same runs);
     * returns the medians. Both set-ups are built and warmed up before the first measurement.
     */
    public static Numbers measure(InnerProblem problem, Optimizer[] opts, int steps, int warmup, int repeats) {
        int p = opts.length;
        int[] w = new int[p];
        int[] s = new int[p];
        java.util.Arrays.fill(w, warmup);
        java.util.Arrays.fill(s, steps);
        double[] batched = new double[repeats];
        double[] looped = new double[repeats];
        try (NDManager m = NDManager.newBaseManager()) {
            Population pop = problem.population(m, p);
            Population[] pops = new Population[p];
            try {
                for (int j = 0; j < p; j++) {
                    pop.reset(j, 1000 + j, opts[j]);
                }
                for (int j = 0; j < p; j++) {
                    pops[j] = problem.population(m, 1);
                    pops[j].reset(0, 1000 + j, opts[j]);
                }
                if (warmup > 0) {
                    pop.unroll(opts, w);
                    for (int j = 0; j < p; j++) {
                        pops[j].unroll(new Optimizer[] {opts[j]}, new int[] {warmup});
                    }
                }
                for (int r = 0; r < repeats; r++) {
                    long t0 = System.nanoTime();
                    pop.unroll(opts, s);
                    batched[r] = (double) p * steps / ((System.nanoTime() - t0) / 1e9);
                    t0 = System.nanoTime();
                    for (int j = 0; j < p; j++) {
                        pops[j].unroll(new Optimizer[] {opts[j]}, new int[] {steps});
                    }
                    looped[r] = (double) p * steps / ((System.nanoTime() - t0) / 1e9);
                }
            } finally {
                pop.close();
                for (Population q : pops) {
                    if (q != null) {
                        q.close();
                    }
                }
            }
        }
        return new Numbers(median(batched), median(looped));
    }

    static double median(double[] v) {
        double[] c = v.clone();
        java.util.Arrays.sort(c);
        int n = c.length;
        return n % 2 == 1 ? c[n / 2] : 0.5 * (c[n / 2 - 1] + c[n / 2]);
    }

    private static int arg(String[] args, int i, int dflt) {
        if (args.length <= i) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(args[i]);
            if (v < 1) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UserError("PopulationBenchmark argument " + (i + 1) + " must be a positive integer, got '" + args[i] + "'");
        }
    }

    public static void main(String[] args) {
        int particles = arg(args, 0, 8);
        int dim = arg(args, 1, 64);
        int hidden = arg(args, 2, 32);
        int classes = arg(args, 3, 10);
        int batch = arg(args, 4, 128);
        int steps = arg(args, 5, 200);
        int n = 4096;
        SplitRng r = new SplitRng(5);
        float[] x = new float[n * dim];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(classes);
            for (int k = 0; k < dim; k++) {
                x[i * dim + k] = (float) r.nextGaussian();
            }
        }
        BatchedMlpProblem problem = new BatchedMlpProblem("synthetic", x, y, dim, classes, new int[] {hidden}, batch);
        System.out.printf("MLP %d-%d-%d, batch %d, %d particles, %d steps, threads %s%n", dim, hidden, classes, batch,
                particles, steps, System.getProperty("ai.djl.pytorch.num_threads", "default"));
        String[] labels = {"sgd update", "no-op update (forward+backward only)"};
        for (int k = 0; k < 2; k++) {
            Optimizer[] opts = new Optimizer[particles];
            for (int j = 0; j < particles; j++) {
                opts[j] = k == 0 ? sgd(0.01f * (j + 1)) : noop();
            }
            Numbers nb = measure(problem, opts, steps, Math.max(10, steps / 4));
            System.out.printf("%-38s batched %10.0f inner-steps/s   per-particle loop %10.0f inner-steps/s   speedup %.2fx%n",
                    labels[k], nb.batched(), nb.looped(), nb.speedup());
        }
    }
}
