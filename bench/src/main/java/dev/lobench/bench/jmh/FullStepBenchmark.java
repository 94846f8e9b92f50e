package dev.lobench.bench.jmh;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.TaskInstance;
import dev.lobench.tasks.TaskRegistry;
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

import java.util.concurrent.TimeUnit;

/**
 * Full training step on a registered task: next minibatch + forward + backward ({@link TaskInstance#trainStep()}) +
 * optimizer update, i.e. what one step of {@code lobench run} costs without evaluation. The training runs on from one
 * invocation to the next (seed 0), as in a real run; grad mode stays on for the forward/backward pass and optimizers
 * switch it off around their in-place updates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet",
        "-XX:CompileCommand=dontinline,dev.lobench.optimizers.learned.SimdKernels::loop*", "-Dai.djl.offline=true",
        "-XX:MaxDirectMemorySize=2g"})
public class FullStepBenchmark {

    @Param({"adam", "star", "small-fc"})
    public String optimizer;

    @Param({"fmnist8-mlp32", "fmnist-mlp128x128", "fmnist-cnn16x32", "fortunes-tf-w64-d2"})
    public String task;

    @Param({"1"})
    public int threads;

    @Param({"cpu"})
    public String device;

    private NDManager manager;
    private TaskInstance instance;
    private Optimizer opt;
    private OptState state;
    private Device dev;
    private long step;

    @Setup(Level.Trial)
    public void setUp() {
        BenchSupport.prepareThread(threads, true);
        dev = BenchSupport.device(device);
        manager = NDManager.newBaseManager(dev);
        instance = TaskRegistry.get(task).instantiate(manager, 0, DataContext.defaults());
        opt = BenchSupport.optimizer(optimizer, TaskRegistry.get(task).defaultSteps(), threads, dev);
        state = opt.init(instance.params());
        step = 0;
    }

    @Benchmark
    public float step() {
        float loss = instance.trainStep();
        opt.update(instance.params(), instance.grads(), loss, step, state);
        step++;
        BenchSupport.sync(dev, instance.params());
        return loss;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        state.close();
        instance.close();
        manager.close();
    }
}
