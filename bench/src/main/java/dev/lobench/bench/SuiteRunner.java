package dev.lobench.bench;

import dev.lobench.optimizers.Optimizer;
import dev.lobench.results.CellMetrics;
import dev.lobench.results.CellRecord;
import dev.lobench.results.ResultStore;
import dev.lobench.results.ResultWriter;
import dev.lobench.results.ResultsFile;
import dev.lobench.results.RunHeader;
import dev.lobench.results.RunLock;
import dev.lobench.results.Schema;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.UserError;
import dev.lobench.tasks.preflight.DataPreflight;

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
 *
 * <p>The run directory's {@link RunLock} is held from before the results file is opened until it is closed, so a
 * second writer of the same directory is refused. The header records the plan ({@code extra.plan}: its
 * fingerprint, a hash of the plan's cell keys in order, its cell count and the arguments that defined it); a
 * resume whose plan has another fingerprint, or (for files written before fingerprints) that would keep cells
 * not in its plan, is refused naming what differs. One results directory holds one {@code lossEvery}
 * ({@code run --loss-every}): a resume whose cells would record their losses at another stride than the file's is
 * refused first, in one line.
 *
 * <p>Before the first cell trains, every dataset the cells to run read is found or fetched ({@link DataPreflight}),
 * else the run stops with one message naming all missing datasets: before the run directory is created for a new run,
 * before any further cell for a resume (whose file keeps its finished cells).
 */
public final class SuiteRunner {
    public static final String RESULTS_FILE = "results.jsonl";

    private final RunPlan plan;
    private final DataContext data;
    private final Path dir;
    private final String commandLine;
    private final boolean resume;
    private final Progress progress;
    private final Map<String, Object> arguments;
    private String device = "cpu";

    public record Summary(Path resultsFile, List<CellRecord> records, int ran, int skipped) {}

    public SuiteRunner(RunPlan plan, DataContext data, Path dir, String commandLine) {
        this(plan, data, dir, commandLine, false, Progress.stderr());
    }

    public SuiteRunner(RunPlan plan, DataContext data, Path dir, String commandLine, boolean resume,
            Progress progress) {
        this(plan, data, dir, commandLine, resume, progress, Map.of());
    }

    /**
     * @param arguments the options that defined the plan (e.g. {@code --steps -> 300}), recorded in the header and
     *     named when a resume's plan differs
     */
    public SuiteRunner(RunPlan plan, DataContext data, Path dir, String commandLine, boolean resume,
            Progress progress, Map<String, Object> arguments) {
        this.arguments = new java.util.TreeMap<>(arguments);
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
        // every optimizer spec was validated when the plan was made (RunPlan): cells hold typed specs
        if (plan.cells().isEmpty()) {
            throw new UserError("the plan has no cells (no optimizer or no task given); nothing to run");
        }
        if (!resume) {
            // every dataset of the plan is found (or fetched) before the run directory or its results file exists,
            // so missing data stops the run before anything is trained or written
            DataPreflight.check(plan.cells().stream().map(CellSpec::task).toList(), data);
        }
        Path file = dir.resolve(RESULTS_FILE);
        try (RunLock lock = lock()) {
            return run(file, version, dev);
        }
    }

    private RunLock lock() {
        if (resume) {
            if (!Files.isDirectory(dir)) {
                throw new UserError("--resume: no run directory " + dir);
            }
        } else {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UserError("cannot create results directory " + dir + ": "
                        + dev.lobench.results.IoErrors.reason(e), e);
            }
        }
        return RunLock.acquire(dir, commandLine);
    }

    private Summary run(Path file, String version, ai.djl.Device dev) {
        ResultWriter writer = openWriter(file, version);
        // a cell whose key is already in the file was run (resume) or is the same cell named twice in this plan
        // (e.g. lion and a lion-tuned grid point at lion's default lr): its record is already there
        Set<String> done = new java.util.HashSet<>(writer.cellKeys());
        int ran = 0;
        int skipped = 0;
        List<CellSpec> cells = plan.cells();
        try (writer) {
            boolean[] skip = new boolean[cells.size()];
            List<dev.lobench.tasks.Task> toRun = new ArrayList<>();
            for (int i = 0; i < cells.size(); i++) {
                skip[i] = !done.add(cells.get(i).key(version));
                if (!skip[i]) {
                    toRun.add(cells.get(i).task());
                }
            }
            if (resume) {
                // the data of the cells still to run, before any of them trains; the file keeps every finished cell
                DataPreflight.check(toRun, data);
            }
            // the skipped cells are known before the first cell runs, so the ETA never counts them as work left
            progress.start(Eta.of(cells, Calibration.load(Calibration.defaultFile())));
            for (int i = 0; i < cells.size(); i++) {
                if (skip[i]) {
                    progress.skip(i);
                }
            }
            for (int i = 0; i < cells.size(); i++) {
                CellSpec cell = cells.get(i);
                if (skip[i]) {
                    skipped++;
                    continue;
                }
                // the cell's one optimizer, built from its typed spec
                Optimizer opt = Devices.forDevice(cell.spec(), cell.spec().build(cell.steps()), dev);
                int index = i;
                CellRecord rec = TrainingLoop.run(cell, opt, dev, data, version,
                        MetaTrainingSet.contains(cell.spec().base(), cell.spec().params(), cell.task(),
                                cell.steps()), (step, loss) -> progress.step(index, cell.label(), step, cell.steps(),
                                loss));
                writer.writeCell(rec);
                ran++;
                progress.cellDone(i, String.format("cell %d/%d %-40s %-10s final train loss %s  %.1fs", i + 1,
                        cells.size(), cell.label(), rec.outcome(), finalTrainLoss(rec), rec.timing().wallSeconds()));
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
        {
            Path gz = dir.resolve(RESULTS_FILE + ".gz");
            if (resume) {
                if (!Files.exists(file) && Files.exists(gz)) {
                    throw new UserError("--resume: " + dir + " holds " + RESULTS_FILE + ".gz, a compressed record,"
                            + " which cannot be resumed (gunzip it first to continue that run)");
                }
                if (!Files.exists(file)) {
                    throw new UserError("--resume: no " + RESULTS_FILE + " in " + dir);
                }
                ResultsFile existing = ResultStore.read(file);
                checkSamePlan(existing, version);
                if (existing.end() != null) {
                    throw new UserError("--resume: the run in " + dir + " is already finished ("
                            + existing.cells().size() + " cells, ended " + existing.end().endTime()
                            + "); nothing to resume (see 'lobench report " + dir + "')");
                }
                return ResultWriter.resume(file);
            }
            if (Files.exists(file)) {
                throw new UserError("results already exist in " + dir
                        + " (use --resume to continue that run, or another --out)");
            }
            if (Files.exists(gz)) {
                // a second results file beside the compressed one would be read with it as one run
                throw new UserError("results already exist in " + dir + " (" + RESULTS_FILE + ".gz; use another --out)");
            }
            return ResultWriter.create(file, header(version));
        }
    }

    /** Refuses to resume {@code existing} with a plan other than its own, naming what differs. */
    private void checkSamePlan(ResultsFile existing, String version) {
        RunHeader h = existing.header();
        // one results directory holds one lossEvery: say so first (the fingerprint differs too)
        java.util.SortedSet<Integer> had = new java.util.TreeSet<>();
        for (CellRecord c : existing.cells()) {
            had.add(dev.lobench.results.LossCurve.every(c));
        }
        java.util.SortedSet<Integer> planned = new java.util.TreeSet<>();
        for (CellSpec c : plan.cells()) {
            planned.add(c.lossEvery());
        }
        if (!had.isEmpty() && !had.equals(planned)) {
            throw new UserError("--resume " + dir + ": its cells record training losses every " + join(had)
                    + " step(s) (lossEvery), this run every " + join(planned) + " (--loss-every); one results directory"
                    + " holds one lossEvery: resume with --loss-every " + had.first() + " or run into another --out");
        }
        Object p = h.extra() == null ? null : h.extra().get("plan");
        List<String> diffs = new ArrayList<>();
        if (p instanceof Map<?, ?> recorded) {
            if (!fingerprint(version).equals(String.valueOf(recorded.get("fingerprint")))) {
                Map<String, Object> was = new java.util.TreeMap<>();
                if (recorded.get("arguments") instanceof Map<?, ?> a) {
                    a.forEach((k, v) -> was.put(String.valueOf(k), v));
                }
                java.util.Set<String> names = new java.util.TreeSet<>(was.keySet());
                names.addAll(arguments.keySet());
                for (String n : names) {
                    String before = String.valueOf(was.get(n));
                    String now = String.valueOf(arguments.get(n));
                    if (!before.equals(now)) {
                        diffs.add(n + " " + before + " (run) vs " + now + " (now)");
                    }
                }
                if (h.lobenchVersion() != null && !h.lobenchVersion().equals(version)) {
                    diffs.add("lobench version " + h.lobenchVersion() + " (run) vs " + version + " (now)");
                }
                if (diffs.isEmpty()) {
                    diffs.add("the same arguments define other cells now (a task spec file, a task definition or"
                            + " learned weights changed): " + recorded.get("cells") + " cells (run) vs "
                            + plan.cells().size() + " (now)");
                }
            }
        }
        if (diffs.isEmpty()) {
            Set<String> keys = new java.util.HashSet<>();
            for (CellSpec c : plan.cells()) {
                keys.add(c.key(version));
            }
            long foreign = existing.cells().stream().filter(c -> !keys.contains(c.cellKey())).count();
            if (foreign > 0) {
                diffs.add(foreign + " of its " + existing.cells().size() + " cells are not in this plan");
            }
        }
        if (!diffs.isEmpty()) {
            throw new UserError("--resume " + dir + ": not the plan of that run: " + String.join("; ", diffs)
                    + " (resume with that run's arguments: " + h.commandLine() + ")");
        }
    }

    /** SHA-256 of the plan's cell keys in order: equal iff the same cells run in the same order. */
    String fingerprint(String version) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (CellSpec c : plan.cells()) {
                md.update((c.key(version) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private RunHeader header(String version) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("cells", plan.cells().size());
        Map<String, Object> planInfo = new LinkedHashMap<>();
        planInfo.put("fingerprint", fingerprint(version));
        planInfo.put("cells", plan.cells().size());
        planInfo.put("arguments", arguments);
        extra.put("plan", planInfo);
        extra.put("maxDirectMemory", Runtime.getRuntime().maxMemory());
        extra.put("glibcTunables", System.getenv("GLIBC_TUNABLES"));
        extra.put("device", device);
        extra.put("libtorch", Devices.libtorchDescription());
        return new RunHeader(RunHeader.TYPE, Schema.VERSION, UUID.randomUUID().toString(), plan.name(), version,
                RunEnvironment.gitCommit(), RunEnvironment.jvm(), RunEnvironment.djlVersion(),
                RunEnvironment.libtorchVersion(), RunEnvironment.cpuModel(), RunEnvironment.threads(),
                RunEnvironment.os(), Instant.now().toString(), commandLine, extra);
    }

    /**
     * The cell's final train loss as {@code lobench report}'s train_loss column computes it
     * ({@link CellMetrics#finalTrainLoss}: the mean of the last min(max(1, steps/10), 20) losses), written as the
     * Markdown table writes it, "-" when the cell did not complete (the report leaves such cells out of that column)
     * or the value is not finite.
     */
    static String finalTrainLoss(CellRecord r) {
        double v = r.outcome() == dev.lobench.results.Outcome.completed ? CellMetrics.finalTrainLoss(r) : Double.NaN;
        return Double.isFinite(v) ? dev.lobench.results.Report.formatNumber(v) : "-";
    }

    private static String join(java.util.Set<Integer> s) {
        return String.join("/", s.stream().map(String::valueOf).toList());
    }

    static List<String> names(List<CellSpec> cells) {
        List<String> l = new ArrayList<>();
        for (CellSpec c : cells) {
            l.add(c.label());
        }
        return l;
    }
}
