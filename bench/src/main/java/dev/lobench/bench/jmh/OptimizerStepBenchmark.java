package dev.lobench.bench.jmh;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.TaskInstance;
import dev.lobench.tasks.TaskRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Optimizer-only step: one {@code update} with fixed random gradients (normal x 0.01, fixed seed), parameters updated
 * in place, on the real parameter shapes of a registered task (its initial parameters) or a synthetic mix of Linear
 * weights and biases ({@code synthetic-10k|100k|1M}). Run with the tuned allocator (the {@code ./lobench} launcher
 * sets it; forks inherit the environment).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet",
        "-XX:CompileCommand=dontinline,dev.lobench.optimizers.learned.SimdKernels::loop*", "-Dai.djl.offline=true",
        "-XX:MaxDirectMemorySize=2g"})
public class OptimizerStepBenchmark {

    @org.openjdk.jmh.annotations.Param({"adam", "star", "small-fc"})
    public String optimizer;

    @org.openjdk.jmh.annotations.Param({"synthetic-10k", "synthetic-100k", "synthetic-1M", "fmnist8-mlp32"})
    public String task;

    /** libtorch intra-op threads and the fused kernel's threads. */
    @org.openjdk.jmh.annotations.Param({"1"})
    public int threads;

    @org.openjdk.jmh.annotations.Param({"cpu"})
    public String device;

    private NDManager manager;
    private TaskInstance instance;
    private List<Param> params;
    private List<NDArray> grads;
    private Optimizer opt;
    private OptState state;
    private Device dev;
    private long step;

    @Setup(Level.Trial)
    public void setUp() {
        BenchSupport.prepareThread(threads, false);
        dev = BenchSupport.device(device);
        manager = NDManager.newBaseManager(dev);
        if (BenchSupport.isSynthetic(task)) {
            params = BenchSupport.syntheticParams(manager, task);
        } else {
            instance = TaskRegistry.get(task).instantiate(manager, 0, DataContext.defaults());
            params = instance.params();
        }
        grads = BenchSupport.randomGrads(manager, params, 1);
        opt = BenchSupport.optimizer(optimizer, 0, threads, dev);
        state = opt.init(params);
        step = 0;
    }

    @Benchmark
    public void step() {
        opt.update(params, grads, 1f, step, state);
        step++;
        BenchSupport.sync(dev, params);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        state.close();
        if (instance != null) {
            instance.close();
        }
        manager.close();
    }
}
