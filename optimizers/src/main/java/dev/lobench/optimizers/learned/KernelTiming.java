package dev.lobench.optimizers.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lobench.optimizers.GradMode;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.tasks.Param;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Plain timing main (a stand-in for the JMH benchmark while the bench module does not compile): optimizer-only step
 * time of adam, star (fused and reference) and small-fc (fused) on a realistic mix of Linear weights ([out, in],
 * LINEAR_OUT_IN) and bias vectors of about 10k, 100k and 1M parameters. All configurations are interleaved round by
 * round in one JVM, so that ratios to Adam are measured under the same machine load; the table reports the median over
 * rounds. Run with the tuned allocator, e.g.
 * {@code GLIBC_TUNABLES=glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736}.
 *
 * <pre>
 * java -cp ... dev.lobench.optimizers.learned.KernelTiming [rounds=7] [budgetMs=300] [opts=adam,star-fused,...]
 *      [sizes=10k,100k,1M] [tinyGrad=false] [threads=0] [clock=wall|cpu]
 * </pre>
 * {@code threads} is the thread count of the fused kernels (0: common pool + caller); {@code clock=cpu} measures the
 * calling thread's CPU time, which is robust under machine load but only meaningful with {@code threads=1}.
 * {@code tinyGrad=true} scales the gradients by 1e-20 (second moments in the denormal range).
 */
public final class KernelTiming {
    private KernelTiming() {}

    static int[][] layers(String size) {
        return switch (size) {
            case "10k" -> new int[][] {{64, 100}, {32, 100}, {10, 32}};
            case "100k" -> new int[][] {{256, 300}, {90, 256}, {10, 90}};
            case "1M" -> new int[][] {{1024, 784}, {192, 1024}, {10, 192}};
            default -> throw new IllegalArgumentException("unknown size " + size + " (10k, 100k, 1M)");
        };
    }

    /** Threads of the fused kernel (0 = the common pool + caller, the default of the registry). */
    static int fusedThreads = 0;
    /** Measure the calling thread's CPU time instead of wall time (robust under load; single-threaded runs only). */
    static boolean cpuClock = false;
    private static final java.lang.management.ThreadMXBean MX =
            java.lang.management.ManagementFactory.getThreadMXBean();

    static long now() {
        return cpuClock ? MX.getCurrentThreadCpuTime() : System.nanoTime();
    }

    static Optimizer create(String name) {
        return switch (name) {
            case "adam" -> OptimizerRegistry.create("adam");
            case "star-fused" -> LearnedOptimizers.create(Theta.init(Arch.STAR, 0), LearnedOptimizer.Impl.FUSED, 0f,
                    fusedThreads);
            case "star-reference" -> LearnedOptimizers.create(Theta.init(Arch.STAR, 0),
                    LearnedOptimizer.Impl.REFERENCE);
            case "small-fc-fused" -> LearnedOptimizers.create(Theta.init(Arch.SMALL_FC, 0),
                    LearnedOptimizer.Impl.FUSED, 0f, fusedThreads);
            case "small-fc-reference" -> LearnedOptimizers.create(Theta.init(Arch.SMALL_FC, 0),
                    LearnedOptimizer.Impl.REFERENCE);
            default -> throw new IllegalArgumentException("unknown optimizer " + name);
        };
    }

    static final class Case {
        final String opt;
        final String size;
        final List<Param> params = new ArrayList<>();
        final List<NDArray> grads = new ArrayList<>();
        final Optimizer optimizer;
        final OptState state;
        long step;
        long nParams;
        final List<Double> msPerStep = new ArrayList<>();

        Case(NDManager manager, String opt, String size, double gradScale) {
            this.opt = opt;
            this.size = size;
            Random r = new Random(0);
            for (int[] l : layers(size)) {
                Shape ws = new Shape(l[0], l[1]);
                params.add(new Param("w" + params.size(), rnd(manager, r, ws, 0.1), Param.Layout.LINEAR_OUT_IN));
                grads.add(rnd(manager, r, ws, 0.01 * gradScale));
                Shape bs = new Shape(l[0]);
                params.add(new Param("b" + params.size(), rnd(manager, r, bs, 0.1)));
                grads.add(rnd(manager, r, bs, 0.01 * gradScale));
                nParams += ws.size() + bs.size();
            }
            optimizer = create(opt);
            state = optimizer.init(params);
        }

        void run(int steps) {
            for (int i = 0; i < steps; i++) {
                optimizer.update(params, grads, 1f, step, state);
                step++;
            }
        }
    }

    static NDArray rnd(NDManager manager, Random r, Shape s, double scale) {
        float[] v = new float[(int) s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return manager.create(v, s);
    }

    public static void main(String[] args) {
        int rounds = 7;
        long budgetMs = 300;
        String[] opts = {"adam", "star-fused", "small-fc-fused", "star-reference"};
        String[] sizes = {"10k", "100k", "1M"};
        double gradScale = 1;
        for (String a : args) {
            String[] kv = a.split("=", 2);
            switch (kv[0]) {
                case "rounds" -> rounds = Integer.parseInt(kv[1]);
                case "budgetMs" -> budgetMs = Long.parseLong(kv[1]);
                case "opts" -> opts = kv[1].split(",");
                case "sizes" -> sizes = kv[1].split(",");
                case "threads" -> fusedThreads = Integer.parseInt(kv[1]);
                case "clock" -> cpuClock = kv[1].equals("cpu");
                case "tinyGrad" -> gradScale = Boolean.parseBoolean(kv[1]) ? 1e-20 : 1;
                default -> throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            GradMode.set(false); // after the engine is loaded
            List<Case> cases = new ArrayList<>();
            for (String s : sizes) {
                for (String o : opts) {
                    cases.add(new Case(manager, o, s, gradScale));
                }
            }
            // warm-up: a few hundred ms per case, twice
            for (int w = 0; w < 2; w++) {
                for (Case c : cases) {
                    timed(c, budgetMs);
                }
            }
            for (int round = 0; round < rounds; round++) {
                for (Case c : cases) {
                    c.msPerStep.add(timed(c, budgetMs));
                }
            }
            System.out.printf(Locale.ROOT, "%-16s %6s %9s %12s %12s %10s%n", "optimizer", "size", "params",
                    "ms/step(med)", "ms/step(min)", "x adam");
            for (String s : sizes) {
                double adam = Double.NaN;
                for (Case c : cases) {
                    if (c.size.equals(s) && c.opt.equals("adam")) {
                        adam = median(c.msPerStep);
                    }
                }
                for (Case c : cases) {
                    if (!c.size.equals(s)) {
                        continue;
                    }
                    double med = median(c.msPerStep);
                    double min = c.msPerStep.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
                    System.out.printf(Locale.ROOT, "%-16s %6s %9d %12.3f %12.3f %10.2f%n", c.opt, c.size, c.nParams,
                            med, min, med / adam);
                }
            }
            for (Case c : cases) {
                c.state.close();
            }
        }
    }

    /** Runs about budgetMs of steps (at least 2) and returns ms per step. */
    static double timed(Case c, long budgetMs) {
        long t0 = now();
        c.run(1);
        long one = Math.max(1, now() - t0);
        int steps = (int) Math.max(2, Math.min(100_000, budgetMs * 1_000_000L / one));
        long t1 = now();
        c.run(steps);
        return (now() - t1) / 1e6 / steps;
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length == 0 ? Double.NaN : a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
