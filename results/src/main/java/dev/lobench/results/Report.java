package dev.lobench.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * The results report: one row per (task, optimizer), aggregated over seeds, as a Tablesaw {@link Table} and
 * rendered as Markdown, CSV or JSON.
 *
 * <p>Per row: seeds (cells), outcome counts, then for each quality metric of {@link CellMetrics} (final train
 * loss, final test loss, final test accuracy) its {@link Stats} over seeds (n, median, Q1, Q3, mean, sample std)
 * and its ratio to Adam ({@code <metric>_vs_adam} = this median / the Adam reference median on the same task),
 * then the median over seeds of each run's median step time and optimizer-update time.
 *
 * <p>The one rule for non-completed runs: a cell whose outcome is not {@code completed} (diverged, timeout,
 * out_of_memory, error) counts in {@code seeds} and in its outcome column but gives no value (NaN) to any
 * metric or timing column; so medians, means and ratios are over completed seeds only, and {@code <metric>_n}
 * says how many values there were.
 *
 * <p>Adam reference: the optimizers of the task whose {@link CellRecord#optimizerBase} is {@code adam} (not
 * adamw, nadam, ...); of several, the one with the lowest median final train loss (ties:
 * first by name). Its name is in {@code adam_reference}; with no Adam on the task the ratios are NaN.
 *
 * <p>In CSV a NaN is an empty field, in JSON it is {@code null}; both keep full precision. Markdown rounds to 4
 * significant digits ({@link #formatNumber}), writes "—" for a missing value and for the std of a single
 * value, and ends with footnotes stating these rules.
 */
public final class Report {
    public enum Format {
        MARKDOWN,
        CSV,
        JSON
    }

    /** Quality metrics of the report, in column order: column prefix, Markdown title, per-cell value. */
    private enum Metric {
        TRAIN_LOSS("train_loss", "Final train loss", CellMetrics::finalTrainLoss),
        TEST_LOSS("test_loss", "Test loss", CellMetrics::finalTestLoss),
        TEST_ACC("test_acc", "Test accuracy", CellMetrics::finalTestAccuracy);

        final String prefix;
        final String title;
        final ToDoubleFunction<CellRecord> value;

        Metric(String prefix, String title, ToDoubleFunction<CellRecord> value) {
            this.prefix = prefix;
            this.title = title;
            this.value = value;
        }
    }

    /** The {@link CellRecord#optimizerBase} of Adam, the reference optimizer. */
    public static final String ADAM = "adam";

    private Report() {}

    /** Whether a cell ran Adam: its {@link CellRecord#optimizerBase} is {@code adam} (not adamw, nadam, ...). */
    public static boolean isAdam(CellRecord c) {
        return c != null && ADAM.equals(c.optimizerBase());
    }

    /** The optimizer names (as in the report's optimizer column) of the cells that ran Adam. */
    static java.util.Set<String> adamNames(List<CellRecord> cells) {
        java.util.Set<String> s = new java.util.HashSet<>();
        for (CellRecord c : cells) {
            if (isAdam(c)) {
                s.add(c.optimizer());
            }
        }
        return s;
    }

    public static String render(List<CellRecord> cells, Format format) {
        return render(null, cells, format);
    }

    /**
     * Renders the report; {@code header} (may be null) gives the summary line on top of the Markdown and is not
     * used by the other formats.
     */
    public static String render(RunHeader header, List<CellRecord> cells, Format format) {
        Table t = table(cells);
        return switch (format) {
            case MARKDOWN -> markdown(header, t, adamNames(cells));
            case CSV -> csv(t);
            case JSON -> json(t);
        };
    }

    /** The report table (see the class comment for its columns), rows sorted by task then optimizer. */
    public static Table table(List<CellRecord> cells) {
        java.util.Set<String> adam = adamNames(cells);
        Map<String, Map<String, List<CellRecord>>> groups = new TreeMap<>();
        for (CellRecord c : cells) {
            groups.computeIfAbsent(c.task(), k -> new TreeMap<>())
                    .computeIfAbsent(c.optimizer(), k -> new ArrayList<>())
                    .add(c);
        }
        StringColumn task = StringColumn.create("task");
        StringColumn optimizer = StringColumn.create("optimizer");
        IntColumn seeds = IntColumn.create("seeds");
        Map<Outcome, IntColumn> outcomes = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, IntColumn.create(o.name()));
        }
        Map<Metric, IntColumn> n = new LinkedHashMap<>();
        Map<Metric, DoubleColumn[]> stat = new LinkedHashMap<>();
        Map<Metric, DoubleColumn> vsAdam = new LinkedHashMap<>();
        for (Metric m : Metric.values()) {
            n.put(m, IntColumn.create(m.prefix + "_n"));
            stat.put(m, new DoubleColumn[] {
                DoubleColumn.create(m.prefix + "_median"), DoubleColumn.create(m.prefix + "_q1"),
                DoubleColumn.create(m.prefix + "_q3"), DoubleColumn.create(m.prefix + "_mean"),
                DoubleColumn.create(m.prefix + "_std")
            });
            vsAdam.put(m, DoubleColumn.create(m.prefix + "_vs_adam"));
        }
        StringColumn adamRef = StringColumn.create("adam_reference");
        DoubleColumn stepMs = DoubleColumn.create("step_ms_median");
        DoubleColumn updateMs = DoubleColumn.create("update_ms_median");

        for (var byTask : groups.entrySet()) {
            Map<String, Map<Metric, Stats>> stats = new LinkedHashMap<>();
            for (var byOpt : byTask.getValue().entrySet()) {
                List<CellRecord> done = byOpt.getValue().stream()
                        .filter(c -> c.outcome() == Outcome.completed).toList();
                Map<Metric, Stats> s = new LinkedHashMap<>();
                for (Metric m : Metric.values()) {
                    s.put(m, Stats.of(done.stream().mapToDouble(m.value).toArray()));
                }
                stats.put(byOpt.getKey(), s);
            }
            String ref = stats.keySet().stream().filter(adam::contains)
                    .min(Comparator.<String>comparingDouble(o -> nanLast(stats.get(o).get(Metric.TRAIN_LOSS).median()))
                            .thenComparing(Comparator.naturalOrder()))
                    .orElse(null);
            for (var byOpt : byTask.getValue().entrySet()) {
                List<CellRecord> group = byOpt.getValue();
                Map<Metric, Stats> s = stats.get(byOpt.getKey());
                task.append(byTask.getKey());
                optimizer.append(byOpt.getKey());
                seeds.append(group.size());
                for (Outcome o : Outcome.values()) {
                    outcomes.get(o).append((int) group.stream().filter(c -> c.outcome() == o).count());
                }
                for (Metric m : Metric.values()) {
                    Stats st = s.get(m);
                    n.get(m).append(st.n());
                    DoubleColumn[] cols = stat.get(m);
                    cols[0].append(st.median());
                    cols[1].append(st.q1());
                    cols[2].append(st.q3());
                    cols[3].append(st.mean());
                    cols[4].append(st.std());
                    vsAdam.get(m).append(ref == null ? Double.NaN : ratio(st.median(), stats.get(ref).get(m).median()));
                }
                adamRef.append(ref == null ? "" : ref);
                List<CellRecord> done = group.stream()
                        .filter(c -> c.outcome() == Outcome.completed && c.timing() != null).toList();
                stepMs.append(Stats.of(done.stream().mapToDouble(c -> c.timing().medianStepMs()).toArray()).median());
                updateMs.append(
                        Stats.of(done.stream().mapToDouble(c -> c.timing().medianUpdateMs()).toArray()).median());
            }
        }
        Table t = Table.create("lobench report", task, optimizer, seeds);
        outcomes.values().forEach(t::addColumns);
        for (Metric m : Metric.values()) {
            t.addColumns(n.get(m));
            t.addColumns(stat.get(m));
            t.addColumns(vsAdam.get(m));
        }
        t.addColumns(adamRef, stepMs, updateMs);
        return t;
    }

    private static double nanLast(double v) {
        return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    }

    private static double ratio(double a, double b) {
        if (!Double.isFinite(a) || !Double.isFinite(b) || b == 0) {
            return Double.NaN;
        }
        return a / b;
    }

    // ---- formats ------------------------------------------------------------------------------------------

    private static String csv(Table t) {
        StringWriter w = new StringWriter();
        t.write().csv(w);
        return w.toString();
    }

    private static String json(Table t) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int r = 0; r < t.rowCount(); r++) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (Column<?> c : t.columns()) {
                Object v = c.get(r);
                if (c.type() == ColumnType.STRING && "".equals(v)) {
                    v = null;
                }
                row.put(c.name(), v);
            }
            rows.add(row);
        }
        try {
            return ResultsJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(rows) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the report", e);
        }
    }

    /** One-line summary of where and how a run ran, in Markdown. */
    public static String headerLine(RunHeader h) {
        List<String> parts = new ArrayList<>();
        parts.add("**lobench " + orDash(h.lobenchVersion()) + "** (commit " + orDash(h.gitCommit()) + ")");
        if (h.suite() != null) {
            parts.add("suite `" + h.suite() + "`");
        }
        if (h.runId() != null) {
            parts.add("run `" + h.runId() + "`");
        }
        parts.add(orDash(h.cpuModel()) + ", " + h.threads() + (h.threads() == 1 ? " thread" : " threads"));
        if (h.os() != null) {
            parts.add(h.os());
        }
        if (h.jvm() != null) {
            parts.add("JVM " + h.jvm());
        }
        if (h.startTime() != null) {
            parts.add("started " + h.startTime());
        }
        return String.join(" · ", parts);
    }

    private static String markdown(RunHeader header, Table t, java.util.Set<String> adam) {
        StringBuilder sb = new StringBuilder();
        if (header != null) {
            sb.append(TextTable.md(headerLine(header))).append("\n\n");
        }
        List<String> head = new ArrayList<>(List.of("Task", "Optimizer", "Seeds", "Outcomes"));
        for (Metric m : Metric.values()) {
            head.add(m.title + " median [Q1, Q3]");
            head.add(m.title + " mean ± std");
            head.add(m.title + " × Adam");
        }
        head.add("Step ms");
        head.add("Update ms");
        row(sb, head);
        List<String> sep = new ArrayList<>(List.of("---", "---"));
        while (sep.size() < head.size()) {
            sep.add("---:");
        }
        row(sb, sep);
        Map<String, List<String>> adamVariants = new TreeMap<>();
        for (int r = 0; r < t.rowCount(); r++) {
            String task = t.stringColumn("task").get(r);
            String opt = t.stringColumn("optimizer").get(r);
            if (adam.contains(opt)) {
                adamVariants.computeIfAbsent(task, k -> new ArrayList<>()).add(opt);
            }
            int seeds = t.intColumn("seeds").getInt(r);
            List<String> cells = new ArrayList<>(List.of(task, opt, Integer.toString(seeds), outcomes(t, r)));
            for (Metric m : Metric.values()) {
                int n = t.intColumn(m.prefix + "_n").getInt(r);
                double med = t.doubleColumn(m.prefix + "_median").getDouble(r);
                String nNote = n > 0 && n < seeds ? " (n=" + n + ")" : "";
                cells.add(n == 0 ? "—" : formatNumber(med) + " [" + formatNumber(t.doubleColumn(m.prefix + "_q1")
                        .getDouble(r)) + ", " + formatNumber(t.doubleColumn(m.prefix + "_q3").getDouble(r)) + "]"
                        + nNote);
                cells.add(n == 0 ? "—" : formatNumber(t.doubleColumn(m.prefix + "_mean").getDouble(r)) + " ± "
                        + formatNumber(t.doubleColumn(m.prefix + "_std").getDouble(r)));
                cells.add(formatNumber(t.doubleColumn(m.prefix + "_vs_adam").getDouble(r)));
            }
            cells.add(formatNumber(t.doubleColumn("step_ms_median").getDouble(r)));
            cells.add(formatNumber(t.doubleColumn("update_ms_median").getDouble(r)));
            row(sb, cells);
        }
        sb.append('\n');
        sb.append("Final train loss: per seed, the mean of the last k = min(max(1, ⌊0.1·len⌋), 20) recorded training"
                + " losses (len = steps run). Test loss and accuracy: the last evaluation point.\n\n");
        sb.append("Over seeds: median [Q1, Q3] (quartiles by linear interpolation) and mean ± sample std (n−1);"
                + " \"—\" = no value, or std of a single value.\n\n");
        sb.append("Non-completed runs (diverged, timeout, out_of_memory, error) count in Seeds and Outcomes but give"
                + " no value (NaN, excluded) to any metric or timing column; (n=k) marks a metric over k < Seeds"
                + " values.\n\n");
        sb.append("× Adam: this median / the Adam reference median on the same task (loss: < 1 is better;"
                + " accuracy: > 1 is better).");
        List<String> refs = new ArrayList<>();
        for (int r = 0; r < t.rowCount(); r++) {
            String task = t.stringColumn("task").get(r);
            String ref = t.stringColumn("adam_reference").get(r);
            String line = TextTable.md(task) + ": " + (ref.isEmpty() ? "no Adam run" : TextTable.md(ref)
                    + (adamVariants.getOrDefault(task, List.of()).size() > 1
                            ? " (lowest median final train loss of " + adamVariants.get(task).size()
                                    + " Adam variants)"
                            : ""));
            if (!refs.contains(line)) {
                refs.add(line);
            }
        }
        sb.append(" Adam reference per task: ").append(String.join("; ", refs)).append(".\n\n");
        sb.append("Step ms / Update ms: median over completed seeds of each run's median full-step /"
                + " optimizer-update wall time.\n");
        return sb.toString();
    }

    private static String outcomes(Table t, int r) {
        List<String> parts = new ArrayList<>();
        for (Outcome o : Outcome.values()) {
            int k = t.intColumn(o.name()).getInt(r);
            if (k > 0) {
                parts.add(k + " " + o.name());
            }
        }
        return parts.isEmpty() ? "—" : String.join(", ", parts);
    }

    private static void row(StringBuilder sb, List<String> cells) {
        sb.append('|');
        for (String c : cells) {
            sb.append(' ').append(TextTable.md(c)).append(" |");
        }
        sb.append('\n');
    }

    /** A name or message made safe for one Markdown table cell or line ({@link TextTable#md}). */
    public static String markdownText(String s) {
        return TextTable.md(s);
    }

    private static String orDash(String s) {
        return s == null || s.isBlank() ? "—" : s;
    }

    /**
     * Four significant digits (half-up on the shortest decimal form of the double), trailing zeros dropped;
     * scientific notation ({@code 1.235e-05}) for magnitudes below 1e-3 or from 1e5 on; "—" for NaN or
     * infinity.
     */
    public static String formatNumber(double v) {
        if (!Double.isFinite(v)) {
            return "—";
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal d = BigDecimal.valueOf(v).round(new MathContext(4, RoundingMode.HALF_UP));
        double a = Math.abs(d.doubleValue());
        if (a >= 1e-3 && a < 1e5) {
            String s = d.stripTrailingZeros().toPlainString();
            return s;
        }
        int exp = d.precision() - d.scale() - 1;
        BigDecimal mant = d.movePointLeft(exp).stripTrailingZeros();
        return String.format(Locale.ROOT, "%se%s%02d", mant.toPlainString(), exp < 0 ? "-" : "+", Math.abs(exp));
    }
}
