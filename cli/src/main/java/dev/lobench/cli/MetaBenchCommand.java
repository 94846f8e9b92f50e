package dev.lobench.cli;

import dev.lobench.bench.RunEnvironment;
import dev.lobench.meta.MetaArch;
import dev.lobench.meta.PopulationBenchmark;
import dev.lobench.meta.TaskMlpProblem;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.tasks.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "meta-bench", mixinStandardHelpOptions = true,
        description = {"Benchmark meta-training's population batching: inner steps per second of all particles' inner "
                + "runs advanced together (one batched forward/backward and one batched optimizer update per step) "
                + "against a Java loop over one-run populations (the same problem, optimizers and steps).",
            "Each particle pair is two inner runs (antithetic +/- theta), as in meta-train. Optimizers: the "
                + "meta-training start of each learned architecture, perturbed per run by sigma 0.01."})
final class MetaBenchCommand implements Callable<Integer> {
    /** The architectures meta-train knows ({@link dev.lobench.meta.MetaArchFactory}) and none (no update). */
    static List<String> archs() {
        List<String> l = new ArrayList<>(dev.lobench.meta.MetaArchFactory.names());
        l.add("none");
        return l;
    }

    @Option(names = "--arch", split = ",", defaultValue = "star,small-fc,velo-style",
            description = "Architectures to time; none = no update (forward/backward only) (default: ${DEFAULT-VALUE}).")
    List<String> archs;

    @Option(names = {"-t", "--task"}, defaultValue = "fmnist8-mlp32", description = "MLP task (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--particles", defaultValue = "8", description = "Antithetic particle pairs (default: ${DEFAULT-VALUE}).")
    int particles;

    @Option(names = "--steps", defaultValue = "200", description = "Timed inner steps per run (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "50", description = "Untimed inner steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--repeats", defaultValue = "3",
            description = "Alternating batched/looped measurements; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--threads", description = "libtorch intra-op threads (default: -Dai.djl.pytorch.num_threads, else all cores).")
    Integer threads;

    @Option(names = "--json", description = "Also write the numbers to this JSON file (refused before measuring when "
            + "it is an existing lobench record, such as an earlier meta-bench JSON).")
    Path json;

    @picocli.CommandLine.Mixin
    DataOptions dataOptions = new DataOptions();

    @Override
    public Integer call() throws Exception {
        for (String a : archs) {
            if (!archs().contains(a)) {
                throw new UserError("--arch: unknown learned optimizer architecture '" + a + "'; valid: "
                        + String.join(", ", archs()));
            }
        }
        if (particles < 1 || steps < 1 || warmup < 0 || repeats < 1) {
            throw new UserError("--particles, --steps and --repeats must be >= 1 and --warmup >= 0");
        }
        if (threads != null && threads < 1) {
            throw new UserError("--threads must be >= 1, got " + threads);
        }
        // before any measurement: an earlier record (or other lobench data) at --json is never replaced
        OutputGuard.check("--json", json, OutputGuard.Kind.OTHER, List.of());
        if (threads != null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        int t = threads != null ? threads : RunEnvironment.threads();
        TaskMlpProblem problem = new TaskMlpProblem(task, dataOptions.context());
        dev.lobench.tasks.preflight.DataPreflight.check(List.of(dev.lobench.tasks.TaskRegistry.get(task)),
                dataOptions.context());
        int slots = 2 * particles;
        System.out.printf(Locale.ROOT, "%s: %d particle pairs = %d inner runs, %d timed steps each, median of %d, "
                + "%d thread(s)%n", task, particles, slots, steps, repeats, t);
        dev.lobench.results.TextTable table = new dev.lobench.results.TextTable().compactRule().left("arch")
                .left("batched inner-steps/s").left("per-particle loop inner-steps/s").left("speedup");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String a : archs) {
            Optimizer[] opts = new Optimizer[slots];
            if (a.equals("none")) {
                java.util.Arrays.fill(opts, PopulationBenchmark.noop());
            } else {
                fill(a, t, opts);
            }
            PopulationBenchmark.Numbers nb = PopulationBenchmark.measure(problem, opts, steps, warmup, repeats);
            String[] cells = {a, String.format(Locale.ROOT, "%.0f", nb.batched()),
                String.format(Locale.ROOT, "%.0f", nb.looped()), String.format(Locale.ROOT, "%.2fx", nb.speedup())};
            // progress on stderr while the next architecture runs; the table goes to stdout when all are measured
            System.err.println("meta-bench: " + String.join(", ", cells));
            table.row(cells);
            rows.add(row(a, nb));
        }
        System.out.print(table.markdown());
        if (json != null) {
            writeJson(json, document(task, slots, steps, warmup, repeats, t, RunEnvironment.cpuModel(),
                    RunEnvironment.gitCommit(), rows));
        }
        return 0;
    }

    /** One architecture's numbers in the {@code --json} document. */
    static Map<String, Object> row(String arch, PopulationBenchmark.Numbers nb) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("arch", arch);
        row.put("batchedInnerStepsPerSecond", nb.batched());
        row.put("loopedInnerStepsPerSecond", nb.looped());
        row.put("speedup", nb.speedup());
        return row;
    }

    /**
     * The {@code --json} document (camelCase keys, named as in the results records: {@code cpuModel},
     * {@code gitCommit}; files written before issue 15 have snake_case keys and {@code cpu}, {@code lobench_commit}).
     */
    static Map<String, Object> document(String task, int innerRuns, int steps, int warmup, int repeats, int threads,
            String cpuModel, String gitCommit, List<Map<String, Object>> rows) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("task", task);
        doc.put("innerRuns", innerRuns);
        doc.put("steps", steps);
        doc.put("warmup", warmup);
        doc.put("repeats", repeats);
        doc.put("threads", threads);
        doc.put("cpuModel", cpuModel);
        doc.put("gitCommit", gitCommit);
        doc.put("results", rows);
        return doc;
    }

    /** One optimizer per inner run: the arch's meta-training start, antithetically perturbed per particle pair. */
    private void fill(String a, int t, Optimizer[] opts) {
        MetaArch arch = dev.lobench.meta.MetaArchFactory.get(a)
                .create(dev.lobench.meta.MetaArchFactory.Settings.defaults(t, 2000));
        float[] theta = arch.initTheta(0);
        java.util.Random r = new java.util.Random(1);
        for (int j = 0; j < particles; j++) {
            float[] plus = theta.clone();
            float[] minus = theta.clone();
            for (int i = 0; i < theta.length; i++) {
                float e = (float) (0.01 * r.nextGaussian());
                plus[i] += e;
                minus[i] -= e;
            }
            opts[2 * j] = arch.build(plus);
            opts[2 * j + 1] = arch.build(minus);
        }
    }

    static void writeJson(Path json, Map<String, Object> doc) throws java.io.IOException {
        Path parent = json.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), doc);
    }
}
