package dev.lobench.bench.overhead;

import ai.djl.ndarray.NDManager;
import dev.lobench.bench.Devices;
import dev.lobench.bench.RunEnvironment;
import dev.lobench.bench.jmh.BenchSupport;
import dev.lobench.bench.jmh.CalibrationBenchmark;
import dev.lobench.bench.jmh.FullStepBenchmark;
import dev.lobench.bench.jmh.OptimizerStepBenchmark;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.optimizers.learned.Simd;
import dev.lobench.results.OverheadRecord;
import dev.lobench.results.OverheadRun;
import dev.lobench.results.OverheadStore;
import dev.lobench.results.RunHeader;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.TaskInstance;
import dev.lobench.tasks.TaskRegistry;
import dev.lobench.tasks.UserError;
import dev.lobench.tasks.runtime.Djl;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code lobench overhead}: runs the JMH benchmarks (calibration, optimizer-only step, full training step) through
 * JMH's Runner API, forked (the forks get this JVM's classpath, the offline/direct-memory flags below and this
 * process's environment, so GLIBC_TUNABLES set by the launcher reaches them) or in-process with {@code forks = 0},
 * and stores one {@link OverheadRecord} per (task, optimizer, kind) in {@code overhead.jsonl}, with the raw JMH JSON
 * ({@code jmh-<kind>.json}) and the JMH log ({@code jmh.log}) beside it.
 */
public final class OverheadRunner {

    /** What to measure and how long. */
    public record Config(List<String> optimizers, List<String> tasks, String device, int threads, boolean quick,
            int forks, Path dir, String commandLine) {

        int warmupIterations() {
            return quick ? 2 : 4;
        }

        TimeValue warmupTime() {
            return quick ? TimeValue.milliseconds(400) : TimeValue.seconds(1);
        }

        int measurementIterations() {
            return quick ? 3 : 6;
        }

        TimeValue measurementTime() {
            return quick ? TimeValue.milliseconds(500) : TimeValue.seconds(1);
        }
    }

    public static final List<String> DEFAULT_OPTIMIZERS = List.of("adam", "star", "small-fc");
    public static final List<String> DEFAULT_TASKS = List.of("fmnist8-mlp32", "fmnist-mlp128x128", "fmnist-cnn16x32",
            "fortunes-tf-w64-d2", "synthetic-10k", "synthetic-100k", "synthetic-1M");
    public static final List<String> QUICK_TASKS = List.of("fmnist8-mlp32", "fmnist-cnn16x32", "synthetic-100k");

    private final Config config;
    private final PrintStream progress;

    public OverheadRunner(Config config, PrintStream progress) {
        this.config = config;
        this.progress = progress;
    }

    /** DJL's settings that choose the libtorch (see bench/gpu/libtorch-env.sh); forks get this JVM's values. */
    public static final List<String> LIBTORCH_SETTINGS = List.of("PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION",
            "PYTORCH_FLAVOR", "PYTORCH_LIBRARY_EXCLUSION", "ENGINE_CACHE_DIR");

    /**
     * Flags every forked benchmark JVM gets. The forks inherit this process's environment (where {@code ./lobench
     * --libtorch} puts DJL's libtorch settings); settings given to this JVM as system properties are passed on as
     * {@code -D} flags, so a fork loads the same libtorch as this process either way.
     */
    public List<String> forkJvmFlags() {
        // the forks run the learned optimizers' kernels as this JVM does: vector flags and -Dlobench.simd alike
        List<String> f = new ArrayList<>(Simd.childJvmFlags());
        String simd = System.getProperty(Simd.PROPERTY);
        if (simd != null) {
            f.add("-D" + Simd.PROPERTY + "=" + simd);
        }
        f.addAll(List.of("-Dai.djl.offline=true", "-XX:MaxDirectMemorySize=2g", "-Xmx2g",
                "-Dai.djl.pytorch.num_threads=" + config.threads()));
        String plugins = System.getProperty(dev.lobench.optimizers.Plugins.PROPERTY);
        if (plugins != null && !plugins.isBlank()) { // plug-in optimizers load in the forks too
            f.add("-D" + dev.lobench.optimizers.Plugins.PROPERTY + "=" + plugins);
        }
        String specs = System.getProperty(dev.lobench.optimizers.chain.ChainSpecFile.PROPERTY);
        if (specs != null && !specs.isBlank()) { // and optimizers of --optimizer-spec files
            f.add("-D" + dev.lobench.optimizers.chain.ChainSpecFile.PROPERTY + "=" + specs);
        }
        for (String key : LIBTORCH_SETTINGS) {
            String v = System.getProperty(key);
            if (v != null) {
                f.add("-D" + key + "=" + v);
            }
        }
        return List.copyOf(f);
    }

    /** Checks the specs, tasks and device before anything runs (UserError on bad input). */
    public void validate() {
        if (config.optimizers().isEmpty() || config.tasks().isEmpty()) {
            throw new UserError("give at least one optimizer and one task");
        }
        if (config.threads() < 1) {
            throw new UserError("--threads must be >= 1, got " + config.threads());
        }
        if (config.forks() < 0) {
            throw new UserError("--forks must be >= 0, got " + config.forks());
        }
        for (String o : config.optimizers()) {
            OptimizerRegistry.create(o, 0);
        }
        List<dev.lobench.tasks.Task> real = new java.util.ArrayList<>();
        for (String t : config.tasks()) {
            if (BenchSupport.isSynthetic(t)) {
                BenchSupport.layers(t);
            } else {
                real.add(TaskRegistry.get(t));
            }
        }
        BenchSupport.device(config.device());
        // the tasks' data as the benchmarks load it (DataContext.defaults(): the standard locations, no fetching),
        // checked before any benchmark: one message names every missing dataset
        dev.lobench.tasks.preflight.DataPreflight.check(real, DataContext.defaults());
    }

    public OverheadRun run() {
        validate();
        Djl.init();
        if (!Djl.allocatorTuned()) {
            progress.println("lobench overhead: WARNING: GLIBC_TUNABLES is not set (run through ./lobench): steps "
                    + "will be 2-5x slower and bimodal");
        }
        List<String> real = config.tasks().stream().filter(t -> !BenchSupport.isSynthetic(t)).toList();
        Map<String, long[]> memory = memory(); // key task|opt -> numParams, stateBytes, weightBytes
        Map<String, String> specs = new LinkedHashMap<>();
        for (String o : config.optimizers()) {
            specs.put(o, OptimizerRegistry.create(o, 0).name());
        }
        OverheadStore.Writer w = OverheadStore.create(config.dir(), header());
        int total = 2 + config.optimizers().size() * (config.tasks().size() + real.size());
        ProgressFormat fmt = new ProgressFormat(progress, config.dir().resolve("jmh.log"), total);
        try {
            List<RunResult> cal = jmh(fmt, opts(CalibrationBenchmark.class, "(matmul256|adam100k)"),
                    "calibration");
            for (String name : List.of(CalibrationBenchmark.MATMUL, CalibrationBenchmark.ADAM)) {
                RunResult rr = cal.stream().filter(r -> r.getParams().getBenchmark().endsWith("." + name))
                        .findFirst().orElse(null);
                w.write(record(rr, OverheadRecord.CALIBRATION, "calibration", name, name, name.equals(
                        CalibrationBenchmark.ADAM) ? new long[] {100_000, 800_000, 0} : new long[] {65_536, 0, 0}));
            }
            String[] opts = config.optimizers().toArray(String[]::new);
            List<RunResult> only = jmh(fmt, opts(OptimizerStepBenchmark.class, "step").param("optimizer", opts)
                    .param("task", config.tasks().toArray(String[]::new)), OverheadRecord.OPTIMIZER_ONLY);
            write(w, only, OverheadRecord.OPTIMIZER_ONLY, config.tasks(), specs, memory);
            if (!real.isEmpty()) {
                List<RunResult> full = jmh(fmt, opts(FullStepBenchmark.class, "step").param("optimizer", opts)
                        .param("task", real.toArray(String[]::new)), OverheadRecord.FULL_STEP);
                write(w, full, OverheadRecord.FULL_STEP, real, specs, memory);
            }
            w.end(Instant.now().toString());
        } finally {
            fmt.closeLog();
        }
        return OverheadStore.read(w.file());
    }

    private void write(OverheadStore.Writer w, List<RunResult> results, String kind, List<String> tasks,
            Map<String, String> specs, Map<String, long[]> memory) {
        for (String t : tasks) {
            for (String o : config.optimizers()) {
                RunResult rr = results.stream().filter(r -> t.equals(r.getParams().getParam("task"))
                        && o.equals(r.getParams().getParam("optimizer"))).findFirst().orElse(null);
                w.write(record(rr, kind, t, OverheadRecord.baseName(o), specs.get(o), memory.get(t + "|" + o)));
            }
        }
    }

    private OverheadRecord record(RunResult rr, String kind, String task, String opt, String spec, long[] mem) {
        if (rr == null || rr.getPrimaryResult() == null || rr.getPrimaryResult().getStatistics().getN() == 0) {
            return new OverheadRecord(OverheadRecord.TYPE, OverheadRecord.SCHEMA_VERSION, kind, task, opt, spec, config.device(),
                    config.threads(), mem[0], Double.NaN, Double.NaN, Double.NaN, 0, config.forks(), mem[1], mem[2],
                    "error", "benchmark produced no result (see jmh.log)");
        }
        Statistics s = rr.getPrimaryResult().getStatistics();
        double toMs = msPer(rr.getPrimaryResult().getScoreUnit());
        double err = s.getMeanErrorAt(0.999);
        return new OverheadRecord(OverheadRecord.TYPE, OverheadRecord.SCHEMA_VERSION, kind, task, opt, spec, config.device(),
                config.threads(), mem[0], s.getPercentile(50) * toMs, s.getMean() * toMs,
                Double.isFinite(err) ? err * toMs : Double.NaN, s.getN(), config.forks(), mem[1], mem[2], "ok", null);
    }

    /** Milliseconds per unit of a JMH score unit such as {@code us/op}. */
    static double msPer(String unit) {
        String u = unit.split("/")[0];
        return switch (u) {
            case "ns" -> 1e-6;
            case "us" -> 1e-3;
            case "ms" -> 1;
            case "s" -> 1e3;
            default -> throw new IllegalStateException("unexpected JMH unit " + unit);
        };
    }

    private ChainedOptionsBuilder opts(Class<?> cls, String methods) {
        return new OptionsBuilder()
                .include("^" + Pattern.quote(cls.getName()) + "\\." + methods + "$")
                .param("threads", String.valueOf(config.threads()))
                .param("device", config.device())
                .forks(config.forks())
                .warmupIterations(config.warmupIterations())
                .warmupTime(config.warmupTime())
                .measurementIterations(config.measurementIterations())
                .measurementTime(config.measurementTime())
                .jvmArgs(forkJvmFlags().toArray(String[]::new))
                .jvmArgsAppend("-Dlobench.jmhFork=true")
                // CPU ms per step next to the wall-clock score (jmh-*.json secondaryMetrics): comparable under load
                .addProfiler(dev.lobench.bench.jmh.CpuTimeProfiler.class)
                .shouldFailOnError(false);
    }

    private List<RunResult> jmh(ProgressFormat fmt, ChainedOptionsBuilder b, String kind) {
        if (b == null) {
            return List.of();
        }
        Path json = config.dir().resolve("jmh-" + kind + ".json");
        fmt.kind(kind);
        try {
            Collection<RunResult> rs = new Runner(b.resultFormat(ResultFormatType.JSON).result(json.toString())
                    .build(), fmt).run();
            return new ArrayList<>(rs);
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH failed for " + kind + ": " + e.getMessage(), e);
        }
    }

    /** Parameters, optimizer-state bytes and learned weights bytes per (task, optimizer), measured in-process. */
    private Map<String, long[]> memory() {
        Map<String, long[]> out = new LinkedHashMap<>();
        try (var noGrad = Djl.noGrad()) {
            for (String t : config.tasks()) {
                try (NDManager m = NDManager.newBaseManager()) {
                    TaskInstance inst = BenchSupport.isSynthetic(t) ? null
                            : TaskRegistry.get(t).instantiate(m, 0, DataContext.defaults());
                    try {
                        List<Param> params = inst == null ? BenchSupport.syntheticParams(m, t) : inst.params();
                        long n = 0;
                        for (Param p : params) {
                            n += p.size();
                        }
                        for (String o : config.optimizers()) {
                            Optimizer opt = BenchSupport.optimizer(o, 0, 1);
                            try (OptState st = opt.init(params)) {
                                out.put(t + "|" + o, new long[] {n, st.bytes(), BenchSupport.weightBytes(opt)});
                            }
                        }
                    } finally {
                        if (inst != null) {
                            inst.close();
                        }
                    }
                }
            }
        }
        return out;
    }

    private RunHeader header() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("device", config.device());
        extra.put("libtorch", Devices.libtorchDescription());
        extra.put("quick", config.quick());
        extra.put("forks", config.forks());
        extra.put("warmup", config.warmupIterations() + " x " + config.warmupTime());
        extra.put("measurement", config.measurementIterations() + " x " + config.measurementTime());
        extra.put("mode", "SampleTime; median = p50, error = 99.9% CI half-width of the mean");
        extra.put("jvmFlags", String.join(" ", forkJvmFlags()));
        extra.put("hostJvmFlags", String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean()
                .getInputArguments()));
        extra.put("glibcTunables", System.getenv("GLIBC_TUNABLES"));
        extra.put("ompWaitPolicy", System.getenv("OMP_WAIT_POLICY"));
        extra.put("gompSpincount", System.getenv("GOMP_SPINCOUNT"));
        extra.put("allocatorTuned", Djl.allocatorTuned());
        extra.put("fusedKernelThreads", config.threads());
        extra.put("learnedKernel", Simd.describe());
        extra.put("jmhVersion", org.openjdk.jmh.util.Utils.class.getPackage().getImplementationVersion());
        return new RunHeader(RunHeader.TYPE, OverheadRecord.SCHEMA_VERSION, UUID.randomUUID().toString(), "overhead",
                RunEnvironment.lobenchVersion(), RunEnvironment.gitCommit(), RunEnvironment.jvm(),
                RunEnvironment.djlVersion(), RunEnvironment.libtorchVersion(), RunEnvironment.cpuModel(),
                config.threads(), RunEnvironment.os(), Instant.now().toString(), config.commandLine(), extra);
    }
}
