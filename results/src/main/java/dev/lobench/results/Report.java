package dev.lobench.results;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import tech.tablesaw.aggregate.AggregateFunction;
import tech.tablesaw.aggregate.AggregateFunctions;
import tech.tablesaw.aggregate.NumericAggregateFunction;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Row;
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
            case MARKDOWN -> markdown(header, t, adamNames(cells), strides(cells));
            case CSV -> csv(t);
            case JSON -> json(t);
        };
    }

    /** The report table (see the class comment for its columns), rows sorted by task then optimizer. */
    public static Table table(List<CellRecord> cells) {
        java.util.Set<String> adam = adamNames(cells);
        Table perCell = perCell(cells);
        List<String> valueColumns = new ArrayList<>();
        for (Metric m : Metric.values()) {
            valueColumns.add(m.prefix);
        }
        valueColumns.add(STEP_MS);
        valueColumns.add(UPDATE_MS);
        for (Outcome o : Outcome.values()) {
            valueColumns.add(o.name());
        }
        // Tablesaw groups the cells by (task, optimizer) and applies every function to every value column
        Table s = perCell.summarize(valueColumns, N, MEDIAN, Q1, Q3, MEAN, STD, AggregateFunctions.sum,
                AggregateFunctions.countWithMissing).by("task", "optimizer")
                .sortOn(Comparator.<Row, String>comparing(r -> r.getString("task"))
                        .thenComparing(r -> r.getString("optimizer")));

        // the Adam reference per task: of the task's Adam rows, the lowest median final train loss (ties: by name)
        Map<String, Integer> refRow = new TreeMap<>();
        DoubleColumn trainMedian = agg(s, MEDIAN, Metric.TRAIN_LOSS.prefix);
        for (int r = 0; r < s.rowCount(); r++) {
            String task = s.stringColumn("task").get(r);
            if (!adam.contains(s.stringColumn("optimizer").get(r))) {
                continue;
            }
            Integer best = refRow.get(task);
            if (best == null || nanLast(trainMedian.getDouble(r)) < nanLast(trainMedian.getDouble(best))) {
                refRow.put(task, r); // rows are sorted by optimizer, so an equal median keeps the first name
            }
        }
        StringColumn task = s.stringColumn("task").copy();
        StringColumn optimizer = s.stringColumn("optimizer").copy();
        Table t = Table.create("lobench report", task, optimizer,
                agg(s, AggregateFunctions.countWithMissing, Metric.TRAIN_LOSS.prefix).asIntColumn().setName("seeds"));
        for (Outcome o : Outcome.values()) {
            t.addColumns(agg(s, AggregateFunctions.sum, o.name()).asIntColumn().setName(o.name()));
        }
        for (Metric m : Metric.values()) {
            t.addColumns(agg(s, N, m.prefix).asIntColumn().setName(m.prefix + "_n"),
                    agg(s, MEDIAN, m.prefix).copy().setName(m.prefix + "_median"),
                    agg(s, Q1, m.prefix).copy().setName(m.prefix + "_q1"),
                    agg(s, Q3, m.prefix).copy().setName(m.prefix + "_q3"),
                    agg(s, MEAN, m.prefix).copy().setName(m.prefix + "_mean"),
                    agg(s, STD, m.prefix).copy().setName(m.prefix + "_std"));
            DoubleColumn median = agg(s, MEDIAN, m.prefix);
            DoubleColumn vsAdam = DoubleColumn.create(m.prefix + "_vs_adam");
            for (int r = 0; r < s.rowCount(); r++) {
                Integer ref = refRow.get(task.get(r));
                vsAdam.append(ref == null ? Double.NaN : ratio(median.getDouble(r), median.getDouble(ref)));
            }
            t.addColumns(vsAdam);
        }
        StringColumn adamRef = StringColumn.create("adam_reference");
        for (int r = 0; r < s.rowCount(); r++) {
            Integer ref = refRow.get(task.get(r));
            adamRef.append(ref == null ? "" : optimizer.get(ref));
        }
        t.addColumns(adamRef, agg(s, MEDIAN, STEP_MS).copy().setName("step_ms_median"),
                agg(s, MEDIAN, UPDATE_MS).copy().setName("update_ms_median"));
        return t;
    }

    private static final String STEP_MS = "step_ms";
    private static final String UPDATE_MS = "update_ms";

    /**
     * One row per cell: task, optimizer, the value of each quality metric and the run's median step and update
     * times (missing, NaN, when the cell did not complete, when it has no timing or when the value is not
     * finite), and per outcome 1 or 0.
     */
    static Table perCell(List<CellRecord> cells) {
        StringColumn task = StringColumn.create("task");
        StringColumn optimizer = StringColumn.create("optimizer");
        Map<Metric, DoubleColumn> value = new LinkedHashMap<>();
        for (Metric m : Metric.values()) {
            value.put(m, DoubleColumn.create(m.prefix));
        }
        DoubleColumn stepMs = DoubleColumn.create(STEP_MS);
        DoubleColumn updateMs = DoubleColumn.create(UPDATE_MS);
        Map<Outcome, DoubleColumn> outcome = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            outcome.put(o, DoubleColumn.create(o.name()));
        }
        for (CellRecord c : cells) {
            boolean done = c.outcome() == Outcome.completed;
            task.append(c.task());
            optimizer.append(c.optimizer());
            for (Metric m : Metric.values()) {
                value.get(m).append(done ? finiteOrNaN(m.value.applyAsDouble(c)) : Double.NaN);
            }
            boolean timed = done && c.timing() != null;
            stepMs.append(timed ? finiteOrNaN(c.timing().medianStepMs()) : Double.NaN);
            updateMs.append(timed ? finiteOrNaN(c.timing().medianUpdateMs()) : Double.NaN);
            for (Outcome o : Outcome.values()) {
                outcome.get(o).append(c.outcome() == o ? 1 : 0);
            }
        }
        Table t = Table.create("cells", task, optimizer);
        value.values().forEach(t::addColumns);
        t.addColumns(stepMs, updateMs);
        outcome.values().forEach(t::addColumns);
        return t;
    }

    private static double finiteOrNaN(double v) {
        return Double.isFinite(v) ? v : Double.NaN;
    }

    /** The column of a summary that function {@code f} made of value column {@code column}. */
    private static DoubleColumn agg(Table summary, AggregateFunction<?, ?> f, String column) {
        Column<?> c = summary.column(f.functionName() + " [" + column + "]");
        return c instanceof DoubleColumn d ? d : ((IntColumn) c).asDoubleColumn();
    }

    /** A Tablesaw aggregate function giving one statistic of {@link Stats} over a group's values. */
    private static NumericAggregateFunction stat(String name, ToDoubleFunction<Stats> statistic) {
        return new NumericAggregateFunction(name) {
            @Override
            public Double summarize(NumericColumn<?> column) {
                return statistic.applyAsDouble(Stats.of(column.asDoubleArray()));
            }
        };
    }

    // over the finite values of a group (a missing value, NaN, is dropped by Stats.of)
    private static final NumericAggregateFunction N = stat("N", Stats::n);
    private static final NumericAggregateFunction MEDIAN = stat("Median", Stats::median);
    private static final NumericAggregateFunction Q1 = stat("Q1", Stats::q1);
    private static final NumericAggregateFunction Q3 = stat("Q3", Stats::q3);
    private static final NumericAggregateFunction MEAN = stat("Mean", Stats::mean);
    private static final NumericAggregateFunction STD = stat("Std", Stats::std);

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

    /**
     * The table as CSV ({@link TextTable}): a string as it is, an integer in decimal, a double as
     * {@link Double#toString} and NaN as an empty field (as Tablesaw's own CSV writer writes them).
     */
    static String csv(Table t) {
        TextTable out = new TextTable();
        t.columns().forEach(c -> out.left(c.name()));
        for (int r = 0; r < t.rowCount(); r++) {
            String[] cells = new String[t.columnCount()];
            for (int i = 0; i < cells.length; i++) {
                Object v = t.column(i).get(r);
                cells[i] = v == null || v instanceof Double d && d.isNaN() ? "" : String.valueOf(v);
            }
            out.row(cells);
        }
        return out.csv();
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
                row.put(jsonKey(c.name()), v);
            }
            rows.add(row);
        }
        try {
            return ResultsJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(rows) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the report", e);
        }
    }

    /**
     * The JSON key of a summary column: its CSV name in camelCase ({@code train_loss_median} -> {@code
     * trainLossMedian}, {@code speedup_T} -> {@code speedupT}), as every JSON key lobench writes.
     */
    static String jsonKey(String column) {
        StringBuilder b = new StringBuilder(column.length());
        boolean up = false;
        for (char ch : column.toCharArray()) {
            if (ch == '_') {
                up = b.length() > 0;
            } else {
                b.append(up ? Character.toUpperCase(ch) : ch);
                up = false;
            }
        }
        return b.toString();
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

    /** The {@code lossEvery} values above 1 among the cells (empty for per-step records only). */
    private static java.util.SortedSet<Integer> strides(List<CellRecord> cells) {
        java.util.SortedSet<Integer> s = new java.util.TreeSet<>();
        for (CellRecord c : cells) {
            if (LossCurve.every(c) > 1) {
                s.add(LossCurve.every(c));
            }
        }
        return s;
    }

    private static String markdown(RunHeader header, Table t, java.util.Set<String> adam,
            java.util.SortedSet<Integer> strides) {
        StringBuilder sb = new StringBuilder();
        if (header != null) {
            sb.append(TextTable.md(headerLine(header))).append("\n\n");
        }
        TextTable table = new TextTable().left("Task").left("Optimizer").right("Seeds").right("Outcomes");
        for (Metric m : Metric.values()) {
            table.right(m.title + " median [Q1, Q3]").right(m.title + " mean ± std").right(m.title + " × Adam");
        }
        table.right("Step ms").right("Update ms");
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
            table.row(cells.toArray(String[]::new));
        }
        sb.append(table.markdown());
        sb.append('\n');
        sb.append("Final train loss: per seed, the mean of the last k = min(max(1, ⌊0.1·len⌋), 20) recorded training"
                + " losses (len = steps run). Test loss and accuracy: the last evaluation point.\n\n");
        if (!strides.isEmpty()) {
            sb.append("Strided records (run --loss-every ").append(strides.stream().map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(", "))).append("): training losses recorded as means of"
                    + " blocks of that many steps; the final train loss is the mean over the same last k steps, each"
                    + " block mean weighted by its steps among them (docs/metrics.md, \"Strided records\").\n\n");
        }
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
