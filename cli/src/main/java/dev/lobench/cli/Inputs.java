package dev.lobench.cli;

import dev.lobench.results.CellRecord;
import dev.lobench.results.JsonLines;
import dev.lobench.results.ResultStore;
import dev.lobench.results.ResultsFile;
import dev.lobench.results.RunHeader;
import dev.lobench.results.StabilityRecord;
import dev.lobench.results.StabilityStore;
import dev.lobench.tasks.UserError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Results given on the command line: their cells (de-duplicated by cell key) and the first run header; with
 * {@link #readWithStability}, also the stability records of {@code stability.jsonl} files (given directly or inside a
 * directory). {@code unfinished} names the results files that have no end record (their run did not finish).
 */
record Inputs(RunHeader header, List<CellRecord> cells, List<StabilityRecord> stability, List<String> unfinished) {

    static Inputs read(List<Path> paths) {
        return read(paths, false);
    }

    /** Cells and stability records; either may be empty but not both. */
    static Inputs readWithStability(List<Path> paths) {
        return read(paths, true);
    }

    private static Inputs read(List<Path> paths, boolean withStability) {
        List<StabilityRecord> stability = new ArrayList<>();
        List<CellRecord> cells = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        java.util.Map<String, Seen> seen = new java.util.HashMap<>();
        RunHeader header = null;
        List<String> unfinished = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new UserError("no such results file or directory: " + p);
            }
            String other = notResults(p);
            if (other != null) {
                throw new UserError(p + " is " + other);
            }
            Path stab = StabilityStore.find(p);
            if (withStability && stab != null) {
                stability.addAll(StabilityStore.read(stab).records());
                if (!Files.isDirectory(p) || !hasResultsFiles(p)) {
                    continue;
                }
            }
            List<ResultsFile> files = Files.isDirectory(p) ? ResultStore.readDirectory(p) : List.of(ResultStore.read(p));
            for (ResultsFile f : files) {
                f.warnings().forEach(w -> System.err.println("lobench: warning: " + w));
                if (header == null) {
                    header = f.header();
                }
                if (f.end() == null) {
                    unfinished.add(f.path().toString());
                }
                for (CellRecord c : f.cells()) {
                    if (keys.add(c.cellKey())) {
                        String named = c.task() + " | " + c.optimizer() + " | seed " + c.seed();
                        Seen prev = seen.putIfAbsent(named, new Seen(c, f.path()));
                        if (prev != null) {
                            throw new UserError("the cell " + named + " is in both " + prev.file() + " and "
                                    + f.path() + " as different runs (" + ResultStore.runDifference(prev.cell(), c)
                                    + "); they would be pooled as one optimizer's seeds: report them separately");
                        }
                        cells.add(c);
                    }
                }
            }
        }
        if (cells.isEmpty() && stability.isEmpty()) {
            throw new UserError("no result cells in " + paths);
        }
        return new Inputs(header, cells, stability, List.copyOf(unfinished));
    }

    private record Seen(CellRecord cell, Path file) {}

    /**
     * What {@code p} is when it is another kind of lobench output than results (weights, a meta-training log or run
     * directory, an overhead run), with the command that reads it; null otherwise.
     */
    static String notResults(Path p) {
        if (Files.isDirectory(p)) {
            if (OverheadReport.isOverheadRun(p)) {
                return "a 'lobench overhead' run, not results (its cost table: 'lobench report " + p + "'; with "
                        + "results: 'lobench report RESULTS --overhead " + p + "')";
            }
            List<Path> logs = new ArrayList<>();
            boolean other = false;
            try (java.util.stream.Stream<Path> s = Files.list(p)) {
                for (Path f : (Iterable<Path>) s.sorted()::iterator) {
                    if (!JsonLines.isJsonLines(f)) {
                        continue;
                    }
                    if (ResultStore.isMetaTrainingLog(f)) {
                        logs.add(f);
                    } else {
                        other = true;
                    }
                }
            } catch (java.io.IOException e) {
                return null; // reading the directory reports the problem
            }
            return !other && !logs.isEmpty() ? "a meta-training run directory, not results (compare meta-training "
                    + "runs with 'lobench meta-report " + logs.get(0) + "')" : null;
        }
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        if (OverheadReport.isOverheadRun(p)) {
            return "a 'lobench overhead' record, not results (its cost table: 'lobench report " + p + "')";
        }
        if (name.endsWith(".safetensors")) {
            return "a learned optimizer's weights file, not results (inspect it with 'lobench lopt info " + p + "')";
        }
        if (ResultStore.isMetaTrainingLog(p)) {
            return "a meta-training log, not results (compare meta-training runs with 'lobench meta-report " + p
                    + "')";
        }
        return null;
    }

    /**
     * One warning per task whose cells ran different numbers of steps (runs of several lengths given together):
     * its rows are still reported, but every comparison across them (x Adam, speedups, win rates, profiles) sets
     * one horizon against another.
     */
    static List<String> mixedLengths(List<CellRecord> cells) {
        java.util.Map<String, java.util.TreeMap<Integer, java.util.TreeSet<String>>> byTask = new java.util.TreeMap<>();
        for (CellRecord c : cells) {
            byTask.computeIfAbsent(c.task(), k -> new java.util.TreeMap<>())
                    .computeIfAbsent(c.steps(), k -> new java.util.TreeSet<>()).add(c.optimizer());
        }
        List<String> out = new ArrayList<>();
        byTask.forEach((task, bySteps) -> {
            if (bySteps.size() > 1) {
                List<String> parts = new ArrayList<>();
                bySteps.forEach((steps, opts) -> parts.add(steps + " steps: " + String.join(", ", opts)));
                out.add("task " + task + " has runs of different lengths (" + String.join("; ", parts) + "); its "
                        + "comparisons across them set one horizon against another: report each length apart");
            }
        });
        return out;
    }

    private static boolean hasResultsFiles(Path dir) {
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(f -> JsonLines.isJsonLines(f) && !JsonLines.plainName(f).equals(StabilityRecord.FILE));
        } catch (java.io.IOException e) {
            throw new UserError("cannot list " + dir + ": " + dev.lobench.results.IoErrors.reason(e), e);
        }
    }
}
