package dev.lobench.results;

import static dev.lobench.results.TestCells.cell;
import static dev.lobench.results.TestCells.evals;
import static dev.lobench.results.TestCells.timing;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/**
 * The Tablesaw-built summary ({@link Report#table}) against a plain-Java recomputation of the documented
 * definitions (docs/metrics.md: group by task and optimizer, non-completed cells give no value, type-7 quartiles,
 * mean = sum / n in ascending order, sample std, the Adam reference and the ratios to it) on generated records;
 * numbers must agree exactly, since the report prints them at full precision.
 */
class ReportSummaryTest {
    private static final String[] TASKS = {"quad", "mlp,wide", "t|x"};
    private static final String[] OPTS = {"adam(lr=1e-3)", "adam(lr=1e-2)", "adamw", "sgd", "lopt \"q\""};

    static List<CellRecord> generate(long seed) {
        Random rnd = new Random(seed);
        List<CellRecord> cells = new ArrayList<>();
        for (String task : TASKS) {
            for (String opt : OPTS) {
                if (rnd.nextInt(5) == 0) {
                    continue; // not every optimizer on every task
                }
                int seeds = 1 + rnd.nextInt(6);
                for (int s = 0; s < seeds; s++) {
                    Outcome o = rnd.nextInt(4) == 0 ? Outcome.values()[1 + rnd.nextInt(4)] : Outcome.completed;
                    int steps = 20 + rnd.nextInt(40);
                    float[] curve = new float[steps];
                    for (int i = 0; i < steps; i++) {
                        curve[i] = (float) (rnd.nextDouble() * 3);
                    }
                    if (rnd.nextInt(8) == 0) {
                        curve[steps - 1] = Float.NaN;
                    }
                    // a few ties in the final test loss, and missing accuracies
                    double testLoss = rnd.nextInt(4) == 0 ? 0.5 : rnd.nextDouble();
                    double acc = rnd.nextInt(3) == 0 ? Double.NaN : rnd.nextDouble();
                    Timing t = rnd.nextInt(6) == 0 ? null : timing(1 + rnd.nextDouble() * 20, rnd.nextDouble());
                    cells.add(cell(task, opt, s, steps, o, curve, evals(steps, testLoss, acc), t));
                }
            }
        }
        java.util.Collections.shuffle(cells, rnd);
        return cells;
    }

    /** Type 7, written from its definition: h = (n-1)p, x[⌊h⌋] + (h - ⌊h⌋)(x[⌊h⌋+1] - x[⌊h⌋]). */
    private static double type7(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        return lo + 1 >= sorted.length ? sorted[lo] : sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
    }

    private static double[] finiteSorted(List<CellRecord> group, ToDoubleFunction<CellRecord> f) {
        return group.stream().filter(c -> c.outcome() == Outcome.completed).mapToDouble(f)
                .filter(Double::isFinite).sorted().toArray();
    }

    private static double median(double[] x) {
        return x.length == 0 ? Double.NaN : type7(x, 0.5);
    }

    @RepeatedTest(5)
    void summaryEqualsAPlainJavaRecomputation(RepetitionInfo info) {
        List<CellRecord> cells = generate(1000 + info.getCurrentRepetition());
        Table t = Report.table(cells);
        Map<String, Map<String, List<CellRecord>>> groups = new TreeMap<>();
        for (CellRecord c : cells) {
            groups.computeIfAbsent(c.task(), k -> new TreeMap<>()).computeIfAbsent(c.optimizer(), k -> new ArrayList<>())
                    .add(c);
        }
        List<ToDoubleFunction<CellRecord>> metrics = List.of(CellMetrics::finalTrainLoss, CellMetrics::finalTestLoss,
                CellMetrics::finalTestAccuracy);
        List<String> prefixes = List.of("train_loss", "test_loss", "test_acc");
        int r = 0;
        for (var byTask : groups.entrySet()) {
            // the Adam reference: optimizerBase adam, lowest median final train loss (NaN last), ties by name
            String ref = null;
            double refMed = Double.POSITIVE_INFINITY;
            for (var byOpt : byTask.getValue().entrySet()) {
                if (!byOpt.getValue().get(0).optimizerBase().equals("adam")) {
                    continue;
                }
                double m = median(finiteSorted(byOpt.getValue(), CellMetrics::finalTrainLoss));
                double key = Double.isNaN(m) ? Double.POSITIVE_INFINITY : m;
                if (ref == null || key < refMed) {
                    ref = byOpt.getKey();
                    refMed = key;
                }
            }
            for (var byOpt : byTask.getValue().entrySet()) {
                List<CellRecord> g = byOpt.getValue();
                String where = byTask.getKey() + "/" + byOpt.getKey();
                assertEquals(byTask.getKey(), t.stringColumn("task").get(r));
                assertEquals(byOpt.getKey(), t.stringColumn("optimizer").get(r));
                assertEquals(g.size(), t.intColumn("seeds").getInt(r), where);
                for (Outcome o : Outcome.values()) {
                    assertEquals(g.stream().filter(c -> c.outcome() == o).count(), t.intColumn(o.name()).getInt(r),
                            where + " " + o);
                }
                for (int m = 0; m < metrics.size(); m++) {
                    double[] x = finiteSorted(g, metrics.get(m));
                    String p = prefixes.get(m);
                    double sum = 0;
                    for (double v : x) {
                        sum += v;
                    }
                    double mean = x.length == 0 ? Double.NaN : sum / x.length;
                    double ss = 0;
                    for (double v : x) {
                        ss += (v - mean) * (v - mean);
                    }
                    assertEquals(x.length, t.intColumn(p + "_n").getInt(r), where + " " + p);
                    assertEquals(median(x), t.doubleColumn(p + "_median").getDouble(r), 0, where + " " + p);
                    assertEquals(x.length == 0 ? Double.NaN : type7(x, 0.25), t.doubleColumn(p + "_q1").getDouble(r), 0);
                    assertEquals(x.length == 0 ? Double.NaN : type7(x, 0.75), t.doubleColumn(p + "_q3").getDouble(r), 0);
                    assertEquals(mean, t.doubleColumn(p + "_mean").getDouble(r), 0, where + " " + p);
                    assertEquals(x.length < 2 ? Double.NaN : Math.sqrt(ss / (x.length - 1)),
                            t.doubleColumn(p + "_std").getDouble(r), 0, where + " " + p);
                    double refM = ref == null ? Double.NaN
                            : median(finiteSorted(byTask.getValue().get(ref), metrics.get(m)));
                    double ratio = Double.isFinite(median(x)) && Double.isFinite(refM) && refM != 0
                            ? median(x) / refM : Double.NaN;
                    assertEquals(ratio, t.doubleColumn(p + "_vs_adam").getDouble(r), 0, where + " " + p);
                }
                assertEquals(ref == null ? "" : ref, t.stringColumn("adam_reference").get(r), where);
                List<CellRecord> timed = g.stream().filter(c -> c.outcome() == Outcome.completed && c.timing() != null)
                        .toList();
                assertEquals(median(timed.stream().mapToDouble(c -> c.timing().medianStepMs()).sorted().toArray()),
                        t.doubleColumn("step_ms_median").getDouble(r), 0, where);
                assertEquals(median(timed.stream().mapToDouble(c -> c.timing().medianUpdateMs()).sorted().toArray()),
                        t.doubleColumn("update_ms_median").getDouble(r), 0, where);
                r++;
            }
        }
        assertEquals(r, t.rowCount());
    }

    @Test
    void csvIsWhatTablesawsOwnWriterWroteButForQuotes() {
        // the summary CSV was Tablesaw's writer's; the same bytes where no name holds a quote, which Tablesaw's
        // writer left unquoted (lopt "q", not RFC 4180) and TextTable quotes ("lopt ""q""")
        List<CellRecord> cells = generate(7).stream().filter(c -> !c.optimizer().contains("\"")).toList();
        StringWriter w = new StringWriter();
        Report.table(cells).write().csv(w);
        assertEquals(w.toString(), Report.render(cells, Report.Format.CSV));
    }

    @Test
    void csvReadsBack() {
        List<CellRecord> cells = generate(7);
        Table t = Report.table(cells);
        String csv = Report.render(cells, Report.Format.CSV);
        List<List<String>> rows = TextTableTest.parseCsv(csv);
        assertEquals(t.columnNames(), rows.get(0));
        assertEquals(t.rowCount() + 1, rows.size());
        for (int r = 0; r < t.rowCount(); r++) {
            for (int c = 0; c < t.columnCount(); c++) {
                Object v = t.column(c).get(r);
                String field = rows.get(r + 1).get(c);
                if (t.column(c) instanceof tech.tablesaw.api.DoubleColumn col) {
                    // a missing value (NaN) is an empty field
                    assertEquals(col.getDouble(r), field.isEmpty() ? Double.NaN : Double.parseDouble(field), 0);
                } else {
                    assertEquals(String.valueOf(v), field);
                }
            }
        }
        assertEquals(Arrays.asList(TASKS).stream().sorted().toList(),
                rows.stream().skip(1).map(x -> x.get(0)).distinct().toList());
    }
}
