package dev.lobench.bench.jmh;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lobench.bench.Devices;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.optimizers.learned.LearnedOptimizer;
import dev.lobench.optimizers.learned.LearnedOptimizers;
import dev.lobench.optimizers.learned.VeloOptimizer;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;
import dev.lobench.tasks.runtime.Djl;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** What the overhead benchmarks share: optimizers with a thread count, synthetic shapes, random tensors. */
public final class BenchSupport {
    /**
     * Prefix of the synthetic optimizer-only "tasks": {@code synthetic-10k}, {@code synthetic-100k}, {@code synthetic-1M},
     * {@code synthetic-10M}, {@code synthetic-100M} (the last two are meant for GPUs: 0.4 and 4 GB of parameters and
     * gradients, plus the optimizer state).
     */
    public static final String SYNTHETIC = "synthetic-";

    private BenchSupport() {}

    public static boolean isSynthetic(String task) {
        return task.startsWith(SYNTHETIC);
    }

    /** [out, in] Linear layers (weight + bias each) of about the requested total size. */
    public static int[][] layers(String task) {
        return switch (task.substring(SYNTHETIC.length())) {
            case "10k" -> new int[][] {{64, 100}, {32, 100}, {10, 32}};
            case "100k" -> new int[][] {{256, 300}, {90, 256}, {10, 90}};
            case "1M" -> new int[][] {{1024, 784}, {192, 1024}, {10, 192}};
            case "10M" -> new int[][] {{4096, 2048}, {1024, 1571}, {10, 1024}};
            case "100M" -> new int[][] {{8192, 8192}, {4096, 8000}, {10, 4096}};
            default -> throw new UserError("unknown synthetic size '" + task + "' (synthetic-10k, synthetic-100k, "
                    + "synthetic-1M, synthetic-10M, synthetic-100M)");
        };
    }

    /** Synthetic Linear weights ([out, in], LINEAR_OUT_IN) and biases, random normal x 0.1, fixed seed. */
    public static List<Param> syntheticParams(NDManager manager, String task) {
        Random r = new Random(0);
        List<Param> params = new ArrayList<>();
        for (int[] l : layers(task)) {
            params.add(new Param("w" + params.size(), randn(manager, r, new Shape(l[0], l[1]), 0.1),
                    Param.Layout.LINEAR_OUT_IN));
            params.add(new Param("b" + params.size(), randn(manager, r, new Shape(l[0]), 0.1)));
        }
        return params;
    }

    /** Fixed random gradients (normal x 0.01) with the parameters' shapes. */
    public static List<NDArray> randomGrads(NDManager manager, List<Param> params, long seed) {
        Random r = new Random(seed);
        List<NDArray> g = new ArrayList<>();
        for (Param p : params) {
            g.add(randn(manager, r, p.array().getShape(), 0.01));
        }
        return g;
    }

    static NDArray randn(NDManager manager, Random r, Shape s, double scale) {
        float[] v = new float[(int) s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return manager.create(v, s);
    }

    /**
     * The optimizer a spec names, with the fused learned kernel running on {@code threads} threads (the registry's
     * default, 0, means the common pool); other optimizers as the registry builds them.
     */
    public static Optimizer optimizer(String spec, long runSteps, int threads) {
        return optimizer(spec, runSteps, threads, Device.cpu());
    }

    /** As {@link #optimizer(String, long, int)}, for tensors on {@code device} ({@link Devices#forDevice}). */
    public static Optimizer optimizer(String spec, long runSteps, int threads, Device device) {
        Optimizer o = Devices.forDevice(spec, OptimizerRegistry.create(spec, runSteps), device);
        if (o instanceof LearnedOptimizer lo && lo.impl() == LearnedOptimizer.Impl.FUSED) {
            return LearnedOptimizers.create(lo.theta(), LearnedOptimizer.Impl.FUSED, lo.weightDecay(), threads)
                    .named(lo.name());
        }
        return o;
    }

    /** Bytes of the learned optimizer's own weights (theta size x 4); 0 for hand-designed optimizers. */
    public static long weightBytes(Optimizer o) {
        if (o instanceof LearnedOptimizer lo) {
            return 4L * lo.theta().paramCount();
        }
        if (o instanceof VeloOptimizer v) {
            return 4L * v.theta().paramCount();
        }
        return 0;
    }

    /** cpu or gpu (the first CUDA device); gpu without a CUDA-enabled libtorch is a UserError ({@link Devices#of}). */
    public static Device device(String name) {
        return Devices.of(name);
    }

    /** Sets libtorch's intra-op threads and switches grad mode off on the calling (JMH worker) thread. */
    public static void prepareThread(int threads, boolean gradMode) {
        Djl.setIntraOpThreads(threads);
        Djl.setGradMode(gradMode);
    }

    /** Waits for queued device work (a no-op on CPU, where ops are synchronous). */
    public static void sync(Device device, List<Param> params) {
        if (!device.isGpu()) {
            return;
        }
        params.get(0).array().get(0).toArray(); // a device-to-host copy waits for the stream
    }
}
