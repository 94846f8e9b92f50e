package dev.lobench.bench.jmh;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.learned.Arch;
import dev.lobench.optimizers.learned.LearnedOptimizer;
import dev.lobench.optimizers.learned.LearnedOptimizers;
import dev.lobench.optimizers.learned.Theta;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Optimizer-only step time of the learned optimizers (gradients fixed, parameters updated in place) on a realistic
 * mix of Linear weights ([out, in], LINEAR_OUT_IN) and bias vectors. Run with the tuned allocator, e.g.
 * {@code GLIBC_TUNABLES=glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-XX:MaxDirectMemorySize=2g"})
public class OptimizerStepBenchmark {

    @Param({"star-fused", "small-fc-fused", "star-reference"})
    public String optimizer;

    @Param({"10k", "100k", "1M"})
    public String size;

    private NDManager manager;
    private List<dev.lobench.tasks.Param> params;
    private List<NDArray> grads;
    private LearnedOptimizer opt;
    private OptState state;
    private long step;

    /** [out, in] Linear layers (weight + bias each) of about the requested total size. */
    static int[][] layers(String size) {
        return switch (size) {
            case "10k" -> new int[][] {{64, 100}, {32, 100}, {10, 32}};
            case "100k" -> new int[][] {{256, 300}, {90, 256}, {10, 90}};
            case "1M" -> new int[][] {{1024, 784}, {192, 1024}, {10, 192}};
            default -> throw new IllegalArgumentException(size);
        };
    }

    @Setup(Level.Trial)
    public void setUp() {
        JniUtils.setGradMode(false);
        manager = NDManager.newBaseManager();
        Random r = new Random(0);
        params = new ArrayList<>();
        grads = new ArrayList<>();
        for (int[] l : layers(size)) {
            params.add(new dev.lobench.tasks.Param("w" + params.size(), rnd(r, new Shape(l[0], l[1]), 0.1),
                    dev.lobench.tasks.Param.Layout.LINEAR_OUT_IN));
            grads.add(rnd(r, new Shape(l[0], l[1]), 0.01));
            params.add(new dev.lobench.tasks.Param("b" + params.size(), rnd(r, new Shape(l[0]), 0.1)));
            grads.add(rnd(r, new Shape(l[0]), 0.01));
        }
        String[] parts = optimizer.split("-(?=fused|reference)");
        Arch arch = Arch.parse(parts[0]);
        opt = LearnedOptimizers.create(Theta.init(arch, 0), LearnedOptimizer.Impl.parse(parts[1]));
        state = opt.init(params);
        step = 0;
    }

    private NDArray rnd(Random r, Shape s, double scale) {
        float[] v = new float[(int) s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return manager.create(v, s);
    }

    @Benchmark
    public void step() {
        opt.update(params, grads, 1f, step, state);
        step++;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        state.close();
        manager.close();
    }
}
