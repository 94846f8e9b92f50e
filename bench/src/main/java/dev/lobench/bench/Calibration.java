package dev.lobench.bench;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.TypedOptimizerSpec;
import dev.lobench.results.CellRecord;
import dev.lobench.results.Outcome;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.TaskInstance;
import dev.lobench.tasks.TaskRegistry;
import dev.lobench.tasks.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Step-time calibration of this machine, used to estimate suite wall times: per task the median
 * forward+backward ms and the ms of one test evaluation; per optimizer (base name) the update cost in ns per
 * parameter. Measured by short probes and refined from every finished run; cached per machine (CPU model and
 * thread count) in {@code ~/.cache/lobench/calibration.json}.
 */
public final class Calibration {
    private static final int WARMUP = 3;
    private static final int TIMED = 10;

    private final Path file;
    private final String machine;
    private final Map<String, double[]> tasks = new TreeMap<>(); // name -> {fbMs, evalMs}
    private final Map<String, Double> optimizers = new TreeMap<>(); // base name -> ns per parameter

    private Calibration(Path file, String machine) {
        this.file = file;
        this.machine = machine;
    }

    public static Path defaultFile() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("lobench").resolve("calibration.json");
    }

    public static String machineKey() {
        return RunEnvironment.cpuModel() + " / " + RunEnvironment.threads() + " threads";
    }

    /** Loads the cache for this machine (empty when absent, unreadable or from another machine). */
    public static Calibration load(Path file) {
        Calibration c = new Calibration(file, machineKey());
        if (Files.exists(file)) {
            try {
                ObjectNode root = (ObjectNode) new ObjectMapper().readTree(file.toFile());
                if (c.machine.equals(root.path("machine").asText())) {
                    root.path("tasks").fields().forEachRemaining(e -> c.tasks.put(e.getKey(),
                            new double[] {e.getValue().path("fbMs").asDouble(), e.getValue().path("evalMs").asDouble()}));
                    root.path("optimizers").fields().forEachRemaining(e -> c.optimizers.put(e.getKey(),
                            e.getValue().asDouble()));
                }
            } catch (IOException | RuntimeException e) {
                // a damaged cache is only a cache: start afresh
            }
        }
        return c;
    }

    public void save() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("machine", machine);
        ObjectNode t = root.putObject("tasks");
        tasks.forEach((k, v) -> t.putObject(k).put("fbMs", v[0]).put("evalMs", v[1]));
        ObjectNode o = root.putObject("optimizers");
        optimizers.forEach(o::put);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            m.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // estimates are a convenience; failing to cache them is not an error
        }
    }

    /** Refines the calibration from finished cells (median timings of completed runs). */
    public void learn(List<CellRecord> cells) {
        for (CellRecord c : cells) {
            if (c.outcome() != Outcome.completed || c.timing() == null) {
                continue;
            }
            String task = c.task().replaceAll("-h\\d+x$", "");
            double fb = c.timing().medianForwardBackwardMs();
            double evalMs = c.evals().size() > 0 ? 1000 * c.timing().evalSeconds() / c.evals().size() : 0;
            if (Double.isFinite(fb)) {
                tasks.put(task, new double[] {fb, evalMs});
            }
            double up = c.timing().medianUpdateMs();
            if (Double.isFinite(up) && c.numParams() > 0) {
                optimizers.put(c.optimizerBase(), 1e6 * up / c.numParams());
            }
        }
    }

    /**
     * Measures what is missing for {@code cells}: each task's step and evaluation time, each optimizer's update
     * cost per parameter (on fmnist8-mlp32's parameters when its data is there, else on a quadratic's).
     */
    public void measureMissing(List<CellSpec> cells, DataContext data, Consumer<String> log) {
        Map<String, Task> needTasks = new LinkedHashMap<>();
        Map<String, TypedOptimizerSpec> needOpts = new LinkedHashMap<>();
        for (CellSpec c : cells) {
            String name = c.task().name().replaceAll("-h\\d+x$", "");
            if (!tasks.containsKey(name)) {
                needTasks.putIfAbsent(name, c.task());
            }
            if (!optimizers.containsKey(c.spec().base())) {
                needOpts.putIfAbsent(c.spec().base(), c.spec());
            }
        }
        for (Map.Entry<String, Task> e : needTasks.entrySet()) {
            log.accept("calibrating " + e.getKey());
            try {
                tasks.put(e.getKey(), probeTask(e.getValue(), data));
            } catch (UserError ex) {
                log.accept("  cannot calibrate " + e.getKey() + ": " + ex.getMessage());
            }
        }
        for (Map.Entry<String, TypedOptimizerSpec> e : needOpts.entrySet()) {
            log.accept("calibrating " + e.getKey());
            try {
                optimizers.put(e.getKey(), probeOptimizer(e.getValue(), data));
            } catch (UserError ex) {
                log.accept("  cannot calibrate " + e.getKey() + ": " + ex.getMessage());
            }
        }
    }

    private static double[] probeTask(Task task, DataContext data) {
        try (NDManager m = NDManager.newBaseManager(); TaskInstance inst = task.instantiate(m, 0, data)) {
            long[] t = new long[TIMED];
            for (int i = 0; i < WARMUP + TIMED; i++) {
                long a = System.nanoTime();
                inst.trainStep();
                if (i >= WARMUP) {
                    t[i - WARMUP] = System.nanoTime() - a;
                }
            }
            long a = System.nanoTime();
            inst.evaluate();
            double evalMs = (System.nanoTime() - a) / 1e6;
            return new double[] {median(t) / 1e6, evalMs};
        }
    }

    private static double probeOptimizer(TypedOptimizerSpec spec, DataContext data) {
        Task task;
        try {
            task = TaskRegistry.get("fmnist-mlp128x128");
            task.instantiate(NDManager.newBaseManager(), 0, data).close();
        } catch (UserError e) {
            task = TaskRegistry.fromParameters("quadratic", Map.of("dim", 100000, "rows", 100));
        }
        try (NDManager m = NDManager.newBaseManager(); TaskInstance inst = task.instantiate(m, 0, data)) {
            Optimizer opt = spec.build(1000);
            try (OptState state = opt.init(inst.params())) {
                long[] t = new long[TIMED];
                for (int i = 0; i < WARMUP + TIMED; i++) {
                    float loss = inst.trainStep();
                    long a = System.nanoTime();
                    opt.update(inst.params(), inst.grads(), loss, i, state);
                    if (i >= WARMUP) {
                        t[i - WARMUP] = System.nanoTime() - a;
                    }
                }
                return median(t) / inst.numParams();
            }
        }
    }

    private static double median(long[] a) {
        long[] c = a.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2.0;
    }

    /** Estimated wall seconds of the cells, or NaN when something is not calibrated. */
    public double estimateSeconds(List<CellSpec> cells) {
        double s = 0;
        for (CellSpec c : cells) {
            s += estimateSeconds(c);
        }
        return s;
    }

    /**
     * Estimated wall seconds of one cell: steps x (forward+backward ms of its task + update ns per parameter of its
     * optimizer x parameters) + evaluations x evaluation ms; NaN when its task or optimizer is not calibrated.
     */
    public double estimateSeconds(CellSpec c) {
        double[] t = tasks.get(c.task().name().replaceAll("-h\\d+x$", ""));
        Double up = optimizers.get(c.spec().base());
        if (t == null || up == null) {
            return Double.NaN;
        }
        int evals = 1 + (c.evalEvery() > 0 ? c.steps() / c.evalEvery() : 0);
        return (c.steps() * (t[0] + up * c.task().numParams() / 1e6) + evals * t[1]) / 1000;
    }
}
