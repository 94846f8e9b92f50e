package dev.lobench.bench.jmh;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.tasks.Param;
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
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Machine calibration stored with every overhead run: a fixed 256x256 float32 matmul through libtorch and an Adam
 * step on the synthetic 100k-parameter shapes. Runs whose calibration differs by more than 25% (or whose CPU model or
 * threads differ) are incomparable (see dev.lobench.results.OverheadComparability).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:CompileCommand=quiet",
        "-XX:CompileCommand=dontinline,dev.lobench.optimizers.learned.SimdKernels::loop*", "-Dai.djl.offline=true",
        "-XX:MaxDirectMemorySize=2g"})
public class CalibrationBenchmark {
    public static final String MATMUL = "matmul256";
    public static final String ADAM = "adam100k";

    @org.openjdk.jmh.annotations.Param({"1"})
    public int threads;

    private NDManager manager;
    private NDArray a;
    private NDArray b;
    private List<Param> params;
    private List<NDArray> grads;
    private Optimizer adam;
    private OptState state;
    private long step;

    @Setup(Level.Trial)
    public void setUp() {
        BenchSupport.prepareThread(threads, false);
        manager = NDManager.newBaseManager();
        Random r = new Random(0);
        a = BenchSupport.randn(manager, r, new Shape(256, 256), 1);
        b = BenchSupport.randn(manager, r, new Shape(256, 256), 1);
        params = BenchSupport.syntheticParams(manager, BenchSupport.SYNTHETIC + "100k");
        grads = BenchSupport.randomGrads(manager, params, 1);
        adam = OptimizerRegistry.create("adam");
        state = adam.init(params);
    }

    @Benchmark
    public float matmul256() {
        try (NDArray c = a.matMul(b)) {
            return c.getFloat(0, 0);
        }
    }

    @Benchmark
    public void adam100k() {
        adam.update(params, grads, 1f, step++, state);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        state.close();
        manager.close();
    }
}
