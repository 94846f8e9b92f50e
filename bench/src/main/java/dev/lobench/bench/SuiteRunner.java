package dev.lobench.bench;

import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.optimizers.OptimizerSpec;
import dev.lobench.results.CellRecord;
import dev.lobench.results.ResultStore;
import dev.lobench.results.ResultWriter;
import dev.lobench.results.RunHeader;
import dev.lobench.results.Schema;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Runs the cells of a plan one after the other and appends each finished cell to {@code results.jsonl} in the
 * output directory (written and fsynced per cell, so a killed run keeps every finished cell). A diverged or
 * failed cell is recorded and the suite goes on. With {@code resume}, cells whose key is already in the file
 * are skipped.
 */
public final class SuiteRunner {
    public static final String RESULTS_FILE = "results.jsonl";

    private final RunPlan plan;
    private final DataContext data;
    private final Path dir;
    private final String commandLine;
    private final boolean resume;
    private final Progress progress;
    private String device = "cpu";

    public record Summary(Path resultsFile, List<CellRecord> records, int ran, int skipped) {}

    public SuiteRunner(RunPlan plan, DataContext data, Path dir, String commandLine) {
        this(plan, data, dir, commandLine, false, Progress.stderr());
    }

    public SuiteRunner(RunPlan plan, DataContext data, Path dir, String commandLine, boolean resume,
            Progress progress) {
        this.plan = plan;
        this.data = data;
        this.dir = dir;
        this.commandLine = commandLine;
        this.resume = resume;
        this.progress = progress;
    }

    /**
     * Runs the cells with tensors on {@code name} (cpu, the default, or gpu: see {@link Devices#of}); recorded in the
     * results header. Returns this runner.
     */
    public SuiteRunner onDevice(String name) {
        this.device = Devices.checkName(name);
        return this;
    }

    public Summary run() {
        ai.djl.Device dev = Devices.of(device);
        String version = RunEnvironment.lobenchVersion();
        // Validate every optimizer spec before training anything.
        Map<String, Optimizer> probe = new LinkedHashMap<>();
        for (CellSpec c : plan.cells()) {
            probe.computeIfAbsent(c.optimizer() + "@" + c.steps(), k -> OptimizerRegistry.create(c.optimizer(), c.steps()));
        }
        Path file = dir.resolve(RESULTS_FILE);
        ResultWriter writer = openWriter(file, version);
        Set<String> done = writer.cellKeys();
        int ran = 0;
        int skipped = 0;
        long totalSteps = plan.totalSteps();
        long[] doneSteps = {0};
        try (writer) {
            List<CellSpec> cells = plan.cells();
            for (int i = 0; i < cells.size(); i++) {
                CellSpec cell = cells.get(i);
                if (done.contains(cell.key(version))) {
                    skipped++;
                    doneSteps[0] += cell.steps();
                    continue;
                }
                Optimizer opt = Devices.forDevice(cell.optimizer(), OptimizerRegistry.create(cell.optimizer(),
                        cell.steps()), dev);
                int index = i + 1;
                long base = doneSteps[0];
                CellRecord rec = TrainingLoop.run(cell, opt, dev, data, version, optimizerParameters(cell),
                        MetaTrainingSet.contains(cell.task(), cell.steps()), (step, loss) -> progress.step(index, cells.size(), cell.label(), step, cell.steps(),
                                loss, base + step, totalSteps));
                writer.writeCell(rec);
                ran++;
                doneSteps[0] += cell.steps();
                progress.line(String.format("cell %d/%d %-40s %-10s final loss %s  %.1fs", index, cells.size(),
                        cell.label(), rec.outcome(), finalLoss(rec), rec.timing().wallSeconds()));
            }
            writer.writeEnd(Instant.now().toString());
        } finally {
            progress.finish();
        }
        List<CellRecord> records = ResultStore.readCells(file);
        Calibration cal = Calibration.load(Calibration.defaultFile());
        cal.learn(records);
        cal.save();
        return new Summary(file, records, ran, skipped);
    }

    private ResultWriter openWriter(Path file, String version) {
        try {
            if (resume) {
                if (!Files.exists(file)) {
                    throw new UserError("--resume: no " + RESULTS_FILE + " in " + dir);
                }
                return ResultWriter.resume(file);
            }
            if (Files.exists(file)) {
                throw new UserError("results already exist in " + dir
                        + " (use --resume to continue that run, or another --out)");
            }
            Files.createDirectories(dir);
            return ResultWriter.create(file, header(version));
        } catch (IOException e) {
            throw new UserError("cannot create results directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private RunHeader header(String version) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("cells", plan.cells().size());
        extra.put("maxDirectMemory", Runtime.getRuntime().maxMemory());
        extra.put("glibcTunables", System.getenv("GLIBC_TUNABLES"));
        extra.put("device", device);
        extra.put("libtorch", Devices.libtorchDescription());
        return new RunHeader(RunHeader.TYPE, Schema.VERSION, UUID.randomUUID().toString(), plan.name(), version,
                RunEnvironment.gitCommit(), RunEnvironment.jvm(), RunEnvironment.djlVersion(),
                RunEnvironment.libtorchVersion(), RunEnvironment.cpuModel(), RunEnvironment.threads(),
                RunEnvironment.os(), Instant.now().toString(), commandLine, extra);
    }

    private static String finalLoss(CellRecord r) {
        float[] l = r.trainLoss();
        if (l.length == 0) {
            return "-";
        }
        return String.format("%.4g", l[l.length - 1]);
    }

    /** The optimizer's hyperparameters: its registered defaults overridden by the spec's values. */
    static Map<String, Object> optimizerParameters(CellSpec cell) {
        OptimizerSpec spec = OptimizerSpec.parse(cell.optimizer());
        Map<String, Object> params = new LinkedHashMap<>(OptimizerRegistry.entry(spec.name()).defaults());
        params.putAll(spec.args());
        return params;
    }

    static List<String> names(List<CellSpec> cells) {
        List<String> l = new ArrayList<>();
        for (CellSpec c : cells) {
            l.add(c.label());
        }
        return l;
    }
}
