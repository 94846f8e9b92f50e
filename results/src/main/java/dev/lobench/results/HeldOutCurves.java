package dev.lobench.results;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Held-out evaluation curves of meta-training snapshots (claim C2 of experiments/star-paper-task): the run
 * directories {@code EVAL/ARM-sS/outerN} (results.jsonl or .jsonl.gz of {@code lobench run}, one per snapshot of arm
 * ARM, meta-seed S, outer step N; folders not named ARM-sS are ignored), summarised per arm and outer step.
 *
 * <p>The rule, for each metric: per meta-seed, the median over its evaluation cells, a cell that did not complete
 * (diverged, timeout, out_of_memory, error) counting as worse than any value ("fail" when the median is such a
 * cell); then per arm and outer step the median [min, max] over meta-seeds, with the count of evaluation cells that
 * did not complete. Nothing is dropped: unlike {@code lobench report}, which leaves failed cells out of its medians,
 * here a failure is an outcome that ranks last. The per-cell values are {@link CellMetrics}'s (final train loss as
 * in {@code lobench report}, mean train loss over the whole run, test accuracy of the last evaluation).
 */
public final class HeldOutCurves {
    /** The name of a snapshot's folder's parent: ARM-sS. */
    static final Pattern ARM_SEED = Pattern.compile("(.+)-s(\\d+)");
    /** The name of a snapshot's run directory: outerN. */
    static final Pattern OUTER = Pattern.compile("outer(\\d+)");

    public enum Metric {
        FINAL_TRAIN_LOSS("final training loss", "Held-out final training loss (lobench report's train_loss: mean of "
                + "the last min(max(1, steps/10), 20) recorded losses)", CellMetrics::finalTrainLoss, false),
        MEAN_TRAIN_LOSS("mean training loss", "Held-out mean training loss over the whole run",
                CellMetrics::meanTrainLoss, false),
        TEST_ACCURACY("test accuracy", "Held-out test accuracy (last evaluation)", CellMetrics::finalTestAccuracy,
                true);

        public final String label;
        public final String title;
        private final ToDoubleFunction<CellRecord> value;
        public final boolean higherIsBetter;

        Metric(String label, String title, ToDoubleFunction<CellRecord> value, boolean higherIsBetter) {
            this.label = label;
            this.title = title;
            this.value = value;
            this.higherIsBetter = higherIsBetter;
        }

        /** The cell's value; a cell that did not complete gets the worst value (+inf for a loss, -inf for accuracy). */
        public double of(CellRecord c) {
            if (c.outcome() != Outcome.completed) {
                return higherIsBetter ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            return value.applyAsDouble(c);
        }
    }

    /**
     * The evaluation of one snapshot: the cells of {@code dir} = EVAL/ARM-sS/outerN.
     *
     * @param complete whether its results file has an end record (false: still running, or killed)
     * @param planned the number of cells the run planned (its header's {@code extra.cells}), or -1 when not recorded
     */
    public record Snapshot(String arm, int metaSeed, long outer, Path dir, List<CellRecord> cells, boolean complete,
            int planned) {
        /** The median over the evaluation cells (failures worst); NaN when no cell gives a value. */
        public double value(Metric m) {
            return median(cells.stream().mapToDouble(m::of).toArray());
        }

        public String name() {
            return arm + "-s" + metaSeed + "/outer" + outer;
        }
    }

    /** One arm at one outer step: per meta-seed values (in meta-seed order) and the outcomes of all their cells. */
    public record Point(String arm, long outer, List<Snapshot> snapshots, double[] values, Map<Outcome, Integer> outcomes,
            int cells) {
        /** The median over meta-seeds (failures worst), NaN when none has a value. */
        public double median() {
            return HeldOutCurves.median(values);
        }

        public boolean unfinished() {
            return snapshots.stream().anyMatch(s -> !s.complete());
        }
    }

    /** The cells of one reference optimizer (e.g. adam(lr=0.001) of eval/adam-reference) on the evaluation task. */
    public record Reference(String optimizer, List<CellRecord> cells) {
        public double value(Metric m) {
            return median(cells.stream().mapToDouble(m::of).toArray());
        }
    }

    private final Path evalDir;
    private final String task;
    private final List<Snapshot> snapshots;
    private final Path referenceDir;
    private final List<Reference> references;

    private HeldOutCurves(Path evalDir, String task, List<Snapshot> snapshots, Path referenceDir,
            List<Reference> references) {
        this.evalDir = evalDir;
        this.task = task;
        this.snapshots = snapshots;
        this.referenceDir = referenceDir;
        this.references = references;
    }

    public Path evalDir() {
        return evalDir;
    }

    /** The evaluation task, or null when no snapshot has a cell yet. */
    public String task() {
        return task;
    }

    public List<Snapshot> snapshots() {
        return snapshots;
    }

    public List<Reference> references() {
        return references;
    }

    /**
     * Reads {@code evalDir}'s ARM-sS/outerN run directories and, when {@code referenceDir} is not null, that run
     * directory (or results file) as reference optimizers on the same task.
     *
     * @throws ResultsError when a folder is missing, there is no ARM-sS/outerN directory, a results file is bad, a
     *     cell names another snapshot than its folder, the cells span several tasks, or the reference has no cell of
     *     the evaluation task
     */
    public static HeldOutCurves read(Path evalDir, Path referenceDir) {
        if (!Files.isDirectory(evalDir)) {
            throw new ResultsError("held-out evaluation folder " + evalDir + ": no such directory");
        }
        List<Snapshot> snaps = new ArrayList<>();
        for (Path armSeed : children(evalDir)) {
            Matcher am = ARM_SEED.matcher(armSeed.getFileName().toString());
            if (!Files.isDirectory(armSeed) || !am.matches()) {
                continue;
            }
            for (Path run : children(armSeed)) {
                Matcher om = OUTER.matcher(run.getFileName().toString());
                if (Files.isDirectory(run) && om.matches()) {
                    snaps.add(snapshot(am.group(1), Integer.parseInt(am.group(2)), Long.parseLong(om.group(1)), run));
                }
            }
        }
        if (snaps.isEmpty()) {
            throw new ResultsError("held-out evaluation folder " + evalDir + ": no ARM-sS/outerN run directories "
                    + "(as written by experiments/star-paper-task/evaluate.sh)");
        }
        snaps.sort(Comparator.comparing(Snapshot::arm).thenComparingInt(Snapshot::metaSeed)
                .thenComparingLong(Snapshot::outer));
        TreeSet<String> tasks = new TreeSet<>();
        for (Snapshot s : snaps) {
            s.cells().forEach(c -> tasks.add(c.task()));
        }
        if (tasks.size() > 1) {
            throw new ResultsError("held-out evaluation folder " + evalDir + ": cells of several tasks " + tasks
                    + "; expected one evaluation task");
        }
        String task = tasks.isEmpty() ? null : tasks.first();
        List<Reference> refs = new ArrayList<>();
        if (referenceDir != null) {
            if (!Files.exists(referenceDir)) {
                throw new ResultsError("reference " + referenceDir + ": no such file or directory");
            }
            Map<String, List<CellRecord>> byOpt = new TreeMap<>();
            List<String> other = new ArrayList<>();
            for (CellRecord c : PaperClaims.readTree(referenceDir)) {
                if (c.task().equals(task)) {
                    byOpt.computeIfAbsent(c.optimizer(), k -> new ArrayList<>()).add(c);
                } else {
                    other.add(c.task());
                }
            }
            if (byOpt.isEmpty()) {
                throw new ResultsError("reference " + referenceDir + ": no cell of the evaluation task " + task
                        + (other.isEmpty() ? "" : " (it has " + new TreeSet<>(other) + ")"));
            }
            byOpt.forEach((o, cs) -> refs.add(new Reference(o, List.copyOf(cs))));
        }
        return new HeldOutCurves(evalDir, task, List.copyOf(snaps), referenceDir, List.copyOf(refs));
    }

    private static List<Path> children(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(out::add);
        } catch (IOException e) {
            throw new ResultsError(dir + ": cannot list: " + IoErrors.reason(e), e);
        }
        out.sort(null);
        return out;
    }

    private static Snapshot snapshot(String arm, int seed, long outer, Path dir) {
        boolean hasFile;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.{jsonl,jsonl.gz}")) {
            hasFile = ds.iterator().hasNext();
        } catch (IOException e) {
            throw new ResultsError(dir + ": cannot list: " + IoErrors.reason(e), e);
        }
        if (!hasFile) {
            return new Snapshot(arm, seed, outer, dir, List.of(), false, -1); // created, nothing written yet
        }
        List<ResultsFile> files = ResultStore.readDirectory(dir);
        List<CellRecord> cells = ResultStore.readCells(dir);
        boolean complete = files.stream().anyMatch(ResultsFile::complete);
        int planned = -1;
        for (ResultsFile f : files) {
            Map<String, Object> extra = f.header().extra();
            if (extra != null && extra.get("cells") instanceof Number n) {
                planned = Math.max(planned, n.intValue());
            }
        }
        for (CellRecord c : cells) {
            Matcher m = PaperClaims.SNAPSHOT.matcher(c.optimizer());
            if (m.find() && !(m.group(1).equals(arm) && Integer.parseInt(m.group(2)) == seed
                    && Long.parseLong(m.group(3)) == outer)) {
                throw new ResultsError(dir + ": cell " + c.cellKey() + " evaluates the snapshot " + m.group()
                        + ", not " + arm + "-s" + seed + "-outer" + outer + " as its folder says");
            }
        }
        return new Snapshot(arm, seed, outer, dir, List.copyOf(cells), complete, planned);
    }

    /** The arms, sorted by name. */
    public List<String> arms() {
        return snapshots.stream().map(Snapshot::arm).distinct().sorted().toList();
    }

    /** The outer steps evaluated for any arm, ascending. */
    public List<Long> outerSteps() {
        return snapshots.stream().map(Snapshot::outer).distinct().sorted().toList();
    }

    /** Per arm (sorted), per outer step (ascending): the point of {@code m}. */
    public Map<String, SortedMap<Long, Point>> points(Metric m) {
        Map<String, SortedMap<Long, List<Snapshot>>> groups = new TreeMap<>();
        for (Snapshot s : snapshots) {
            groups.computeIfAbsent(s.arm(), k -> new TreeMap<>()).computeIfAbsent(s.outer(), k -> new ArrayList<>())
                    .add(s);
        }
        Map<String, SortedMap<Long, Point>> out = new TreeMap<>();
        groups.forEach((arm, byOuter) -> {
            SortedMap<Long, Point> pts = new TreeMap<>();
            byOuter.forEach((outer, snaps) -> {
                double[] v = new double[snaps.size()];
                Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
                int cells = 0;
                for (int i = 0; i < v.length; i++) {
                    v[i] = snaps.get(i).value(m);
                    for (CellRecord c : snaps.get(i).cells()) {
                        outcomes.merge(c.outcome(), 1, Integer::sum);
                        cells++;
                    }
                }
                pts.put(outer, new Point(arm, outer, List.copyOf(snaps), v, outcomes, cells));
            });
            out.put(arm, pts);
        });
        return out;
    }

    /** Per meta-seed curve of one arm: meta-seed -> outer step -> value. */
    public Map<Integer, SortedMap<Long, Double>> seedCurves(String arm, Metric m) {
        Map<Integer, SortedMap<Long, Double>> out = new TreeMap<>();
        for (Snapshot s : snapshots) {
            if (s.arm().equals(arm)) {
                out.computeIfAbsent(s.metaSeed(), k -> new TreeMap<>()).put(s.outer(), s.value(m));
            }
        }
        return out;
    }

    /**
     * The median of the non-NaN values, where +inf / -inf (failed cells) sort last / first like any value; with an
     * even count, the mean of the middle two, or the infinite one when one of them is infinite. NaN when there is
     * no value.
     */
    public static double median(double[] values) {
        double[] x = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        int n = x.length;
        if (n == 0) {
            return Double.NaN;
        }
        if (n % 2 == 1) {
            return x[n / 2];
        }
        double a = x[n / 2 - 1];
        double b = x[n / 2];
        if (a == b) {
            return a;
        }
        if (Double.isInfinite(a)) {
            return a;
        }
        if (Double.isInfinite(b)) {
            return b;
        }
        return (a + b) / 2;
    }

    /** A value as in the table: 4 significant digits, "fail" for a failed cell, "—" for none. */
    public static String format(double v) {
        return Double.isInfinite(v) ? "fail" : Report.formatNumber(v);
    }

    private static final Map<Outcome, String> SHORT = Map.of(Outcome.diverged, "div", Outcome.timeout, "timeout",
            Outcome.out_of_memory, "oom", Outcome.error, "error");

    /** "median [min, max] (n=k)" over meta-seeds, then the cells that did not complete, e.g. "; div 3/3". */
    public static String summary(Point p) {
        return spread(p.values()) + outcomes(p.outcomes(), p.cells()) + (p.unfinished() ? " ‡" : "");
    }

    /** "median [min, max] (n=k)" of the non-NaN values (failures worst), "v (n=1)" for one, "—" for none. */
    static String spread(double[] values) {
        double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).toArray();
        if (v.length == 0) {
            return "—";
        }
        StringBuilder sb = new StringBuilder(format(median(v)));
        if (v.length > 1) {
            sb.append(" [").append(format(Arrays.stream(v).min().orElseThrow())).append(", ")
                    .append(format(Arrays.stream(v).max().orElseThrow())).append(']');
        }
        return sb.append(" (n=").append(v.length).append(')').toString();
    }

    private static String outcomes(Map<Outcome, Integer> outcomes, int cells) {
        StringBuilder sb = new StringBuilder();
        for (Outcome o : Outcome.values()) {
            int k = outcomes.getOrDefault(o, 0);
            if (o != Outcome.completed && k > 0) {
                sb.append("; ").append(SHORT.get(o)).append(' ').append(k).append('/').append(cells);
            }
        }
        return sb.toString();
    }

    /** Whether any completed evaluation cell recorded a test accuracy. */
    public boolean hasTestAccuracy() {
        return snapshots.stream().flatMap(s -> s.cells().stream()).anyMatch(c -> c.outcome() == Outcome.completed
                && Double.isFinite(CellMetrics.finalTestAccuracy(c)));
    }

    /** The metrics shown: both training losses, and test accuracy when recorded. */
    public List<Metric> metrics() {
        return hasTestAccuracy() ? List.of(Metric.values()) : List.of(Metric.FINAL_TRAIN_LOSS, Metric.MEAN_TRAIN_LOSS);
    }

    /** The Markdown tables: per metric, rows = outer step, one column per arm; then the reference and the rules. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        TreeSet<Long> seeds = new TreeSet<>();
        TreeSet<Integer> steps = new TreeSet<>();
        for (Snapshot s : snapshots) {
            for (CellRecord c : s.cells()) {
                seeds.add(c.seed());
                steps.add(c.steps());
            }
        }
        sb.append("Held-out evaluation of meta-training snapshots: ").append(evalDir).append(" (")
                .append(snapshots.size()).append(" run directories ARM-sS/outerN; task ")
                .append(task == null ? "—" : task).append(", ").append(join(steps)).append(" steps, evaluation seeds ")
                .append(join(seeds)).append(")\n");
        List<String> arms = arms();
        for (Metric m : metrics()) {
            sb.append('\n').append(m.title).append(", per outer step:\n\n");
            TextTable t = new TextTable().right("outer step");
            arms.forEach(t::left);
            Map<String, SortedMap<Long, Point>> pts = points(m);
            for (long outer : outerSteps()) {
                String[] row = new String[arms.size() + 1];
                row[0] = Long.toString(outer);
                for (int i = 0; i < arms.size(); i++) {
                    Point p = pts.get(arms.get(i)).get(outer);
                    row[i + 1] = p == null ? "" : summary(p);
                }
                t.row(row);
            }
            sb.append(t.markdown());
        }
        if (referenceDir != null) {
            sb.append("\nReference: ").append(referenceDir).append(" (same task; median [min, max] over its seeds):\n\n");
            TextTable t = new TextTable().left("optimizer").right("steps");
            for (Metric m : metrics()) {
                t.left(m.label);
            }
            for (Reference r : references) {
                List<String> row = new ArrayList<>();
                row.add(r.optimizer());
                row.add(join(new TreeSet<>(r.cells().stream().map(CellRecord::steps).toList())));
                Map<Outcome, Integer> oc = new EnumMap<>(Outcome.class);
                r.cells().forEach(c -> oc.merge(c.outcome(), 1, Integer::sum));
                for (Metric m : metrics()) {
                    row.add(spread(r.cells().stream().mapToDouble(m::of).toArray()) + outcomes(oc, r.cells().size()));
                }
                t.row(row.toArray(String[]::new));
            }
            sb.append(t.markdown());
        }
        sb.append("\nPer meta-seed: the median over its evaluation seeds, a cell that did not complete (diverged, timeout, "
                + "out_of_memory, error) counting as worse than any value; each entry is the median over meta-seeds "
                + "[min, max] (n = meta-seeds with a value), \"fail\" where that is a cell that did not complete, then the "
                + "evaluation cells of that outer step that did not complete (e.g. \"div 3/3\"). Final training loss as in "
                + "lobench report (docs/metrics.md); mean training loss: mean of every recorded training loss.\n");
        List<String> unfinished = new ArrayList<>();
        for (Snapshot s : snapshots) {
            if (!s.complete()) {
                unfinished.add(s.name() + " (" + s.cells().size() + (s.planned() >= 0 ? " of " + s.planned() : "")
                        + " cells)");
            }
        }
        if (!unfinished.isEmpty()) {
            sb.append("‡ unfinished runs (no end record: still running or killed), shown with the cells they have: ")
                    .append(String.join(", ", unfinished)).append(".\n");
        }
        return sb.toString();
    }

    private static String join(Collection<?> values) {
        if (values.isEmpty()) {
            return "—";
        }
        List<String> s = values.stream().map(Object::toString).toList();
        return String.join(", ", s);
    }
}
