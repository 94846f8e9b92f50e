package dev.lobench.results;

import static dev.lobench.results.TestCells.cell;
import static dev.lobench.results.TestCells.curve;
import static dev.lobench.results.TestCells.evals;
import static dev.lobench.results.TestCells.header;
import static dev.lobench.results.TestCells.timing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * Fixture: 2 tasks x 3 optimizers x 3 seeds, 30 steps per run, so the final train loss of a seed is the mean of
 * its last k = min(max(1, 30/10), 20) = 3 losses. Every expected aggregate below is computed by hand.
 */
class ReportTest {
    private static final double EPS = 1e-9;
    private static final int T = 30;
    private static List<CellRecord> cells;
    private static Table table;

    private static CellRecord done(String task, String opt, long seed, float tail, double testLoss, double acc,
            double stepMs, double updateMs) {
        return cell(task, opt, seed, T, Outcome.completed, curve(T, tail, tail, tail), evals(T, testLoss, acc),
                timing(stepMs, updateMs));
    }

    @BeforeAll
    static void build(@TempDir Path dir) {
        List<CellRecord> c = new ArrayList<>();
        // quad, adam(lr=1e-3): tails {1,2,3}->2, {3,4,5}->4, {6,6,9}->7 (means of the last 3)
        c.add(cell("quad", "adam(lr=1e-3)", 0, T, Outcome.completed, curve(T, 1, 2, 3), evals(T, 3, 0.5), timing(8, 1)));
        c.add(cell("quad", "adam(lr=1e-3)", 1, T, Outcome.completed, curve(T, 3, 4, 5), evals(T, 4, 0.6), timing(9, 1)));
        c.add(cell("quad", "adam(lr=1e-3)", 2, T, Outcome.completed, curve(T, 6, 6, 9), evals(T, 5, 0.7), timing(10, 1)));
        // quad, adam(lr=1e-2): final train losses 1, 2, 3
        c.add(done("quad", "adam(lr=1e-2)", 0, 1, 2.0, 0.8, 10, 1));
        c.add(done("quad", "adam(lr=1e-2)", 1, 2, 2.5, 0.9, 12, 3));
        c.add(done("quad", "adam(lr=1e-2)", 2, 3, 3.0, 0.7, 11, 2));
        // quad, lopt: two completed (0.5; tail {1,1.5,2} -> 1.5) and one diverged (cut at 12 steps, NaN last)
        c.add(done("quad", "lopt", 0, 0.5f, 1.0, 0.84, 20, 5));
        c.add(cell("quad", "lopt", 1, T, Outcome.completed, curve(T, 1, 1.5f, 2), evals(T, 2.0, 0.88), timing(30, 7)));
        c.add(cell("quad", "lopt", 2, T, Outcome.diverged, curve(12, 40, Float.NaN),
                List.of(new EvalPoint(10, 50, 0.1, Double.NaN)), timing(1000, 900)));
        // mlp (no accuracy: NaN), adam(lr=1e-3): final train losses 0.125, 0.25, 0.375
        c.add(done("mlp", "adam(lr=1e-3)", 0, 0.125f, 0.5, Double.NaN, 10, 2));
        c.add(done("mlp", "adam(lr=1e-3)", 1, 0.25f, 0.75, Double.NaN, 10, 2));
        c.add(done("mlp", "adam(lr=1e-3)", 2, 0.375f, 1.0, Double.NaN, 10, 2));
        // mlp, adam(lr=1e-2): 0.5, 0.625, 0.75
        c.add(done("mlp", "adam(lr=1e-2)", 0, 0.5f, 1.0, Double.NaN, 10, 2));
        c.add(done("mlp", "adam(lr=1e-2)", 1, 0.625f, 1.0, Double.NaN, 10, 2));
        c.add(done("mlp", "adam(lr=1e-2)", 2, 0.75f, 1.0, Double.NaN, 10, 2));
        // mlp, lopt: one completed (0.0625), one timeout, one error
        c.add(done("mlp", "lopt", 0, 0.0625f, 0.25, Double.NaN, 40, 9));
        c.add(cell("mlp", "lopt", 1, T, Outcome.timeout, curve(15, 0.01f), evals(10, 0.01, Double.NaN),
                timing(500, 400)));
        c.add(cell("mlp", "lopt", 2, T, Outcome.error, new float[0], List.of(), null));

        // go through a results file, so the report reads what the store wrote (NaN as null and back)
        Path f = dir.resolve("results.jsonl");
        try (ResultWriter w = ResultWriter.create(f, header("run-1"))) {
            c.forEach(w::writeCell);
        }
        cells = ResultStore.readCells(f);
        assertEquals(18, cells.size());
        table = Report.table(cells);
    }

    private static int row(String task, String opt) {
        for (int r = 0; r < table.rowCount(); r++) {
            if (table.stringColumn("task").get(r).equals(task) && table.stringColumn("optimizer").get(r).equals(opt)) {
                return r;
            }
        }
        throw new AssertionError("no row " + task + "/" + opt);
    }

    private static double d(String col, int r) {
        return table.doubleColumn(col).getDouble(r);
    }

    private static int i(String col, int r) {
        return table.intColumn(col).getInt(r);
    }

    @Test
    void rowsAreSortedByTaskThenOptimizer() {
        assertEquals(List.of("mlp", "mlp", "mlp", "quad", "quad", "quad"), table.stringColumn("task").asList());
        assertEquals(List.of("adam(lr=1e-2)", "adam(lr=1e-3)", "lopt", "adam(lr=1e-2)", "adam(lr=1e-3)", "lopt"),
                table.stringColumn("optimizer").asList());
    }

    @Test
    void quadAdamVariantsAggregates() {
        int r = row("quad", "adam(lr=1e-3)");
        // sorted {2, 4, 7}: median 4; Q1 = 2 + 0.5*(4-2) = 3; Q3 = 4 + 0.5*(7-4) = 5.5
        assertEquals(3, i("train_loss_n", r));
        assertEquals(4.0, d("train_loss_median", r), EPS);
        assertEquals(3.0, d("train_loss_q1", r), EPS);
        assertEquals(5.5, d("train_loss_q3", r), EPS);
        // mean 13/3; squared deviations 49/9 + 1/9 + 64/9 = 114/9 = 38/3; / (n-1=2) = 19/3
        assertEquals(13.0 / 3, d("train_loss_mean", r), EPS);
        assertEquals(Math.sqrt(19.0 / 3), d("train_loss_std", r), EPS);
        // the Adam reference on quad is adam(lr=1e-2) (median 2 < 4): 4 / 2 = 2
        assertEquals("adam(lr=1e-2)", table.stringColumn("adam_reference").get(r));
        assertEquals(2.0, d("train_loss_vs_adam", r), EPS);
        // test loss {3,4,5} median 4 vs 2.5 -> 1.6; accuracy {0.5,0.6,0.7} median 0.6 vs 0.8 -> 0.75
        assertEquals(1.6, d("test_loss_vs_adam", r), EPS);
        assertEquals(0.75, d("test_acc_vs_adam", r), EPS);
        assertEquals(9.0, d("step_ms_median", r), EPS); // {8, 9, 10}
        assertEquals(1.0, d("update_ms_median", r), EPS);

        int a = row("quad", "adam(lr=1e-2)");
        // {1,2,3}: median 2, Q1 1.5, Q3 2.5, mean 2, std sqrt((1+0+1)/2) = 1
        assertEquals(2.0, d("train_loss_median", a), EPS);
        assertEquals(1.5, d("train_loss_q1", a), EPS);
        assertEquals(2.5, d("train_loss_q3", a), EPS);
        assertEquals(2.0, d("train_loss_mean", a), EPS);
        assertEquals(1.0, d("train_loss_std", a), EPS);
        assertEquals(1.0, d("train_loss_vs_adam", a), EPS);
        // test loss = the LAST eval point (the earlier one says 99): {2.0, 2.5, 3.0}: median 2.5,
        // Q1 2.25, Q3 2.75, mean 2.5, std sqrt((0.25+0+0.25)/2) = 0.5
        assertEquals(2.5, d("test_loss_median", a), EPS);
        assertEquals(2.25, d("test_loss_q1", a), EPS);
        assertEquals(2.75, d("test_loss_q3", a), EPS);
        assertEquals(2.5, d("test_loss_mean", a), EPS);
        assertEquals(0.5, d("test_loss_std", a), EPS);
        // accuracy sorted {0.7, 0.8, 0.9}: median 0.8, Q1 0.75, Q3 0.85, mean 0.8, std sqrt((0.01+0+0.01)/2) = 0.1
        assertEquals(0.8, d("test_acc_median", a), EPS);
        assertEquals(0.75, d("test_acc_q1", a), EPS);
        assertEquals(0.85, d("test_acc_q3", a), EPS);
        assertEquals(0.8, d("test_acc_mean", a), EPS);
        assertEquals(0.1, d("test_acc_std", a), EPS);
        assertEquals(11.0, d("step_ms_median", a), EPS); // {10, 12, 11}
        assertEquals(2.0, d("update_ms_median", a), EPS); // {1, 3, 2}
    }

    @Test
    void quadLoptExcludesTheDivergedSeedButCountsIt() {
        int r = row("quad", "lopt");
        assertEquals(3, i("seeds", r));
        assertEquals(2, i("completed", r));
        assertEquals(1, i("diverged", r));
        assertEquals(0, i("error", r));
        // completed seeds only: {0.5, 1.5}: median 1, Q1 = 0.5 + 0.25*1 = 0.75, Q3 = 0.5 + 0.75*1 = 1.25,
        // mean 1, std sqrt((0.25+0.25)/1) = sqrt(0.5)
        assertEquals(2, i("train_loss_n", r));
        assertEquals(1.0, d("train_loss_median", r), EPS);
        assertEquals(0.75, d("train_loss_q1", r), EPS);
        assertEquals(1.25, d("train_loss_q3", r), EPS);
        assertEquals(1.0, d("train_loss_mean", r), EPS);
        assertEquals(Math.sqrt(0.5), d("train_loss_std", r), EPS);
        assertEquals(0.5, d("train_loss_vs_adam", r), EPS); // 1 / 2
        // test loss {1, 2}: median 1.5, vs 2.5 -> 0.6; accuracy {0.84, 0.88}: median 0.86, vs 0.8 -> 1.075
        assertEquals(2, i("test_loss_n", r));
        assertEquals(1.5, d("test_loss_median", r), EPS);
        assertEquals(0.6, d("test_loss_vs_adam", r), EPS);
        assertEquals(0.86, d("test_acc_median", r), EPS);
        assertEquals(0.85, d("test_acc_q1", r), EPS); // 0.84 + 0.25*0.04
        assertEquals(Math.sqrt(0.0008), d("test_acc_std", r), EPS); // (0.02^2 + 0.02^2) / 1
        assertEquals(1.075, d("test_acc_vs_adam", r), EPS);
        // timings of the diverged seed (1000 ms) are excluded: {20, 30} -> 25, {5, 7} -> 6
        assertEquals(25.0, d("step_ms_median", r), EPS);
        assertEquals(6.0, d("update_ms_median", r), EPS);
    }

    @Test
    void mlpPicksTheOtherAdamAndHandlesSingleValuesAndMissingAccuracy() {
        int a = row("mlp", "adam(lr=1e-3)");
        // {0.125, 0.25, 0.375}: median 0.25, Q1 0.1875, Q3 0.3125, mean 0.25, std sqrt((2*0.125^2)/2) = 0.125
        assertEquals(0.25, d("train_loss_median", a), EPS);
        assertEquals(0.1875, d("train_loss_q1", a), EPS);
        assertEquals(0.3125, d("train_loss_q3", a), EPS);
        assertEquals(0.125, d("train_loss_std", a), EPS);
        // adam(lr=1e-3) median 0.25 < adam(lr=1e-2) median 0.625 -> reference on mlp
        assertEquals("adam(lr=1e-3)", table.stringColumn("adam_reference").get(a));
        assertEquals(0.625 / 0.25, d("train_loss_vs_adam", row("mlp", "adam(lr=1e-2)")), EPS);
        assertEquals(0, i("test_acc_n", a));
        assertTrue(Double.isNaN(d("test_acc_median", a)));

        int r = row("mlp", "lopt");
        assertEquals(3, i("seeds", r));
        assertEquals(1, i("completed", r));
        assertEquals(1, i("timeout", r));
        assertEquals(1, i("error", r));
        assertEquals(1, i("train_loss_n", r));
        assertEquals(0.0625, d("train_loss_median", r), EPS);
        assertEquals(0.0625, d("train_loss_q1", r), EPS);
        assertEquals(0.0625, d("train_loss_mean", r), EPS);
        assertTrue(Double.isNaN(d("train_loss_std", r)), "std of one value is undefined");
        assertEquals(0.25, d("train_loss_vs_adam", r), EPS); // 0.0625 / 0.25
        assertEquals(1.0 / 3, d("test_loss_vs_adam", r), EPS); // 0.25 / median{0.5, 0.75, 1.0} = 0.25 / 0.75
        assertTrue(Double.isNaN(d("test_acc_vs_adam", r)));
        assertEquals(40.0, d("step_ms_median", r), EPS);
        assertEquals(9.0, d("update_ms_median", r), EPS);
    }

    @Test
    void markdownTableStructureAndRows() {
        String md = Report.render(header("run-1"), cells, Report.Format.MARKDOWN);
        List<String> lines = md.lines().toList();
        assertEquals("**lobench 0.1.0** (commit abc1234) · suite `smoke` · run `run-1` · Test CPU @ 2GHz, 2 threads"
                + " · Linux 6.1 · JVM 17.0.12 · started 2026-01-01T00:00:00Z", lines.get(0));
        assertEquals("", lines.get(1));
        List<String> tableLines = lines.stream().filter(l -> l.startsWith("|")).toList();
        assertEquals(8, tableLines.size()); // header, separator, 6 rows
        // 15 columns -> 16 unescaped pipes in every line
        for (String l : tableLines) {
            assertEquals(16, l.chars().filter(ch -> ch == '|').count(), l);
            assertTrue(l.endsWith(" |"), l);
        }
        assertTrue(tableLines.get(0).startsWith("| Task | Optimizer | Seeds | Outcomes | Final train loss median"
                + " [Q1, Q3] | Final train loss mean ± std | Final train loss × Adam |"), tableLines.get(0));
        assertEquals("| --- | --- |" + " ---: |".repeat(13), tableLines.get(1));
        assertTrue(tableLines.contains("| quad | lopt | 3 | 2 completed, 1 diverged | 1 [0.75, 1.25] (n=2)"
                + " | 1 ± 0.7071 | 0.5 | 1.5 [1.25, 1.75] (n=2) | 1.5 ± 0.7071 | 0.6 | 0.86 [0.85, 0.87] (n=2)"
                + " | 0.86 ± 0.02828 | 1.075 | 25 | 6 |"), md);
        assertTrue(tableLines.contains("| mlp | lopt | 3 | 1 completed, 1 timeout, 1 error | 0.0625 [0.0625, 0.0625]"
                + " (n=1) | 0.0625 ± — | 0.25 | 0.25 [0.25, 0.25] (n=1) | 0.25 ± — | 0.3333 | — | — | — | 40 | 9 |"),
                md);
        // 13/3 = 4.3333.., sqrt(19/3) = 2.5166..
        assertTrue(tableLines.contains("| quad | adam(lr=1e-3) | 3 | 3 completed | 4 [3, 5.5] | 4.333 ± 2.517 | 2"
                + " | 4 [3.5, 4.5] | 4 ± 1 | 1.6 | 0.6 [0.55, 0.65] | 0.6 ± 0.1 | 0.75 | 9 | 1 |"), md);
        assertTrue(md.contains("Adam reference per task: mlp: adam(lr=1e-3) (lowest median final train loss of 2"
                + " Adam variants); quad: adam(lr=1e-2) (lowest median final train loss of 2 Adam variants)."), md);
        assertTrue(md.contains("Non-completed runs (diverged, timeout, out_of_memory, error) count in Seeds and"
                + " Outcomes but give no value"), md);
        assertFalse(Report.render(cells, Report.Format.MARKDOWN).startsWith("**lobench"));
    }

    @Test
    void csvParsesBack() {
        String csv = Report.render(cells, Report.Format.CSV);
        assertTrue(csv.startsWith("task,optimizer,seeds,completed,diverged,timeout,out_of_memory,error,train_loss_n,"
                + "train_loss_median,train_loss_q1,train_loss_q3,train_loss_mean,train_loss_std,train_loss_vs_adam,"), csv);
        Table back = Table.read().usingOptions(CsvReadOptions.builder(new StringReader(csv)).build());
        assertEquals(6, back.rowCount());
        assertEquals(table.columnNames(), back.columnNames());
        int r = 5; // quad / lopt
        assertEquals("quad", back.getString(r, "task"));
        assertEquals("lopt", back.getString(r, "optimizer"));
        assertEquals(1.0, ((Number) back.column("train_loss_median").get(r)).doubleValue(), EPS);
        assertEquals(Math.sqrt(0.5), ((Number) back.column("train_loss_std").get(r)).doubleValue(), EPS);
        assertEquals(1.075, ((Number) back.column("test_acc_vs_adam").get(r)).doubleValue(), EPS);
        assertEquals(1, ((Number) back.column("diverged").get(r)).intValue());
        // mlp / lopt: std of one value and accuracy are missing
        assertTrue(back.column("train_loss_std").isMissing(2));
        assertTrue(back.column("test_acc_median").isMissing(2));
        assertEquals(0.0625, ((Number) back.column("train_loss_median").get(2)).doubleValue(), EPS);
    }

    @Test
    void jsonIsAnArrayOfRowObjectsWithNullForMissing() throws Exception {
        String json = Report.render(cells, Report.Format.JSON);
        List<Map<String, Object>> rows = ResultsJson.mapper().readValue(json, new TypeReference<>() {});
        assertEquals(6, rows.size());
        Map<String, Object> q = rows.get(5);
        assertEquals("quad", q.get("task"));
        assertEquals("lopt", q.get("optimizer"));
        assertEquals(3, q.get("seeds"));
        assertEquals(2, q.get("completed"));
        assertEquals(1.0, ((Number) q.get("trainLossMedian")).doubleValue(), EPS);
        assertEquals("adam(lr=1e-2)", q.get("adamReference"));
        Map<String, Object> m = rows.get(2);
        assertTrue(m.containsKey("trainLossStd"));
        assertNull(m.get("trainLossStd"));
        assertNull(m.get("testAccMedian"));
        // the keys are the summary's CSV columns in camelCase, in the same order
        assertEquals(table.columnNames().size(), q.size());
        for (String key : q.keySet()) {
            assertTrue(key.matches("[a-z][A-Za-z0-9]*"), "camelCase key: " + key);
        }
        assertTrue(q.containsKey("outOfMemory"));
        assertTrue(q.containsKey("stepMsMedian"));
    }

    @Test
    void jsonKeysAreTheColumnNamesInCamelCase() {
        assertEquals("trainLossMedian", Report.jsonKey("train_loss_median"));
        assertEquals("speedupT", Report.jsonKey("speedup_T"));
        assertEquals("seeds", Report.jsonKey("seeds"));
        assertEquals("outOfMemory", Report.jsonKey("out_of_memory"));
    }

    @Test
    void noAdamOnATaskGivesNoRatios() {
        List<CellRecord> only = List.of(done("t", "sgd", 0, 1, 1, 0.5, 1, 1), done("t", "adamw", 0, 1, 1, 0.5, 1, 1));
        Table t = Report.table(only);
        assertEquals("", t.stringColumn("adam_reference").get(0));
        assertTrue(Double.isNaN(t.doubleColumn("train_loss_vs_adam").getDouble(0)));
        assertTrue(Report.render(only, Report.Format.MARKDOWN).contains("Adam reference per task: t: no Adam run."));
    }

    @Test
    void pipesInNamesAreEscapedInMarkdown() {
        String md = Report.render(List.of(done("a|b", "adam", 0, 1, 1, 0.5, 1, 1)), Report.Format.MARKDOWN);
        String row = md.lines().filter(l -> l.startsWith("| a")).findFirst().orElseThrow();
        assertTrue(row.startsWith("| a\\|b | adam | 1 | 1 completed |"), row);
        // 16 column separators plus the escaped pipe
        assertEquals(17, row.chars().filter(ch -> ch == '|').count(), row);
    }

    @Test
    void adamNames() {
        // Adam is the optimizer base name, whatever the canonical name looks like
        for (String yes : List.of("adam", "adam(lr=1e-3)", "adam(beta1=0.8)")) {
            assertTrue(Report.isAdam(TestCells.cell("t", yes, 0, 2, Outcome.completed, new float[] {1, 1}, List.of(),
                    null)), yes);
        }
        for (String no : List.of("adamw", "adamax", "nadam", "sgd", "adam-lr", "lopt(adam)")) {
            assertFalse(Report.isAdam(TestCells.cell("t", no, 0, 2, Outcome.completed, new float[] {1, 1}, List.of(),
                    null)), no);
        }
        CellRecord named = TestCells.cell("t", "adam", 0, 2, Outcome.completed, new float[] {1, 1}, List.of(), null);
        CellRecord other = new CellRecord(named.type(), named.schemaVersion(), named.cellKey(), named.task(),
                named.taskFamily(), named.taskParams(), false, "adam", "plugin-adam", Map.of(), null, 0, 2, 1,
                Outcome.completed, null, 1, new float[] {1, 1}, List.of(), null, Map.of());
        assertFalse(Report.isAdam(other), "a name is not a base");
        assertFalse(Report.isAdam(null));
    }

    @Test
    void numberFormatting() {
        assertEquals("123.5", Report.formatNumber(123.456));
        assertEquals("0.01235", Report.formatNumber(0.012345)); // half-up on the decimal form
        assertEquals("0.5", Report.formatNumber(0.5));
        assertEquals("1", Report.formatNumber(1.0));
        assertEquals("12350", Report.formatNumber(12345.0));
        assertEquals("-2.5", Report.formatNumber(-2.5));
        assertEquals("1.235e-05", Report.formatNumber(1.23456e-5));
        assertEquals("1e-07", Report.formatNumber(1e-7));
        assertEquals("1.235e+06", Report.formatNumber(1234567));
        assertEquals("0.001", Report.formatNumber(0.001));
        assertEquals("0", Report.formatNumber(0.0));
        assertEquals("—", Report.formatNumber(Double.NaN));
        assertEquals("—", Report.formatNumber(Double.POSITIVE_INFINITY));
    }
}
