package dev.lobench.ci;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lobench.results.CellMetrics;
import dev.lobench.results.CellRecord;
import dev.lobench.results.OptimizerNames;
import dev.lobench.results.Outcome;
import dev.lobench.results.Report;
import dev.lobench.results.ResultsError;
import dev.lobench.results.ResultsJson;
import dev.lobench.results.RunHeader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.Table;

/**
 * A CI baseline: per (task, optimizer) the seed-level final train losses and outcomes, the median step and
 * optimizer-update times, and the overhead ratios to the Adam reference of the same task measured in the same
 * run, plus the machine the run ran on (from its {@link RunHeader}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Baseline(int schemaVersion, String suite, String runId, Machine machine, List<Entry> entries) {
    public static final int SCHEMA_VERSION = 1;

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Machine(String cpuModel, int threads, String os, String jvm, String lobenchVersion,
            String gitCommit) {
        /** Same CPU model and thread count: the condition for comparing timings. */
        public boolean comparableTo(Machine o) {
            return o != null && cpuModel != null && cpuModel.equals(o.cpuModel) && threads == o.threads;
        }

        public String describe() {
            return (cpuModel == null ? "?" : cpuModel) + ", " + threads + " threads";
        }

        public static Machine of(RunHeader h) {
            return h == null ? null
                    : new Machine(h.cpuModel(), h.threads(), h.os(), h.jvm(), h.lobenchVersion(), h.gitCommit());
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Seed(long seed, Outcome outcome, Double finalLoss) {}

    /**
     * One (task, optimizer): {@code stepRatioToAdam} = this median step ms / the Adam reference's (same task,
     * same run), {@code updateRatioToAdam} likewise for the optimizer update alone; null when not measurable.
     * {@code steps} (training steps per cell) and {@code taskDefinition} (family and parameters) say what was
     * measured: a candidate that differs in either is not comparable. Both are null in baselines recorded before
     * lobench wrote them, and are then not checked.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Entry(String task, String optimizer, String baseOptimizer, List<Seed> seeds, Double stepMsMedian,
            Double updateMsMedian, String adamReference, Double stepRatioToAdam, Double updateRatioToAdam,
            Integer steps, String taskDefinition) {

        /** Finite final losses of the completed seeds. */
        public double[] completedLosses() {
            return seeds.stream().filter(s -> s.outcome() == Outcome.completed && s.finalLoss() != null
                    && Double.isFinite(s.finalLoss())).mapToDouble(Seed::finalLoss).toArray();
        }
    }

    private static Double box(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Builds the entries for a set of cells (one run); {@code header} may be null. */
    public static Baseline of(RunHeader header, List<CellRecord> cells) {
        Table t = Report.table(cells);
        Map<String, Integer> rowOf = new HashMap<>();
        for (int r = 0; r < t.rowCount(); r++) {
            rowOf.put(t.stringColumn("task").get(r) + "\u0000" + t.stringColumn("optimizer").get(r), r);
        }
        List<Entry> entries = new ArrayList<>();
        for (int r = 0; r < t.rowCount(); r++) {
            String task = t.stringColumn("task").get(r);
            String opt = t.stringColumn("optimizer").get(r);
            List<Seed> seeds = cells.stream().filter(c -> c.task().equals(task) && c.optimizer().equals(opt))
                    .sorted(Comparator.comparingLong(CellRecord::seed))
                    .map(c -> new Seed(c.seed(), c.outcome(),
                            c.outcome() == Outcome.completed ? box(CellMetrics.finalTrainLoss(c)) : null))
                    .toList();
            double step = t.doubleColumn("step_ms_median").getDouble(r);
            double update = t.doubleColumn("update_ms_median").getDouble(r);
            CellRecord first = cells.stream().filter(c -> c.task().equals(task) && c.optimizer().equals(opt))
                    .findFirst().orElseThrow();
            String ref = t.stringColumn("adam_reference").get(r);
            Double stepRatio = null;
            Double updateRatio = null;
            if (!ref.isEmpty()) {
                int rr = rowOf.get(task + "\u0000" + ref);
                stepRatio = box(step / t.doubleColumn("step_ms_median").getDouble(rr));
                updateRatio = box(update / t.doubleColumn("update_ms_median").getDouble(rr));
            }
            entries.add(new Entry(task, opt, first.optimizerBase(), seeds, box(step), box(update),
                    ref.isEmpty() ? null : ref, stepRatio, updateRatio, first.steps(), CellRecord.taskDefinition(first)));
        }
        return new Baseline(SCHEMA_VERSION, header == null ? null : header.suite(),
                header == null ? null : header.runId(), Machine.of(header), entries);
    }

    public void write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, ResultsJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(this)
                    + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ResultsError(file + ": cannot write the baseline: " + dev.lobench.results.IoErrors.reason(e), e);
        }
    }

    public static Baseline read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ResultsError("no such baseline file: " + file);
        }
        Baseline b;
        try {
            b = ResultsJson.mapper().readValue(Files.readString(file, StandardCharsets.UTF_8), Baseline.class);
        } catch (JsonProcessingException e) {
            throw new ResultsError(file + ": not a lobench baseline: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ResultsError(file + ": cannot read: " + dev.lobench.results.IoErrors.reason(e), e);
        }
        if (b == null || b.entries() == null) {
            throw new ResultsError(file + ": not a lobench baseline (no \"entries\")");
        }
        if (b.schemaVersion() > SCHEMA_VERSION) {
            throw new ResultsError(file + ": baseline schema version " + b.schemaVersion()
                    + " is newer than this lobench reads (" + SCHEMA_VERSION + ")");
        }
        if (b.entries().isEmpty()) {
            throw new ResultsError(file + ": the baseline has no entries; a check against it would check nothing");
        }
        for (Entry e : b.entries()) {
            if (e == null || e.task() == null || e.optimizer() == null || e.seeds() == null
                    || e.seeds().contains(null)) {
                throw new ResultsError(file + ": baseline entry without task, optimizer or seeds");
            }
            if (e.seeds().isEmpty()) {
                throw new ResultsError(file + ": baseline entry " + e.task() + " / " + e.optimizer() + " has no seeds");
            }
        }
        // an entry without its base name (a hand-made baseline: lobench always writes it) gets it
        // from its name here, where the file is read
        List<Entry> entries = new ArrayList<>();
        for (Entry e : b.entries()) {
            entries.add(e.baseOptimizer() != null ? e : new Entry(e.task(), e.optimizer(),
                    OptimizerNames.base(e.optimizer()), e.seeds(), e.stepMsMedian(), e.updateMsMedian(),
                    e.adamReference(), e.stepRatioToAdam(), e.updateRatioToAdam(), e.steps(), e.taskDefinition()));
        }
        return new Baseline(b.schemaVersion(), b.suite(), b.runId(), b.machine(), List.copyOf(entries));
    }
}
