package dev.lobench.cli;

import dev.lobench.results.CellMetrics;
import dev.lobench.results.CellRecord;
import dev.lobench.results.Report;
import dev.lobench.results.ResultStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What 'lobench run' writes on stderr while it trains: per-cell lines, and redraw frames only on a terminal. */
class RunProgressTest {
    private static final Pattern CELL_LINE = Pattern.compile("cell 1/1 .* completed +final train loss (\\S+) ");

    /** Runs 30 steps of adam on the quadratic; returns stderr. */
    private static String runWithStderr(Path out, String stderrTty) {
        PrintStream oldErr = System.err;
        String old = System.getProperty("lobench.stderrTty");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            if (stderrTty == null) {
                System.clearProperty("lobench.stderrTty");
            } else {
                System.setProperty("lobench.stderrTty", stderrTty);
            }
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CliTest.Result r = CliTest.run("run", "-t", "quadratic-d100-k100", "--optimizer", "adam", "--steps", "30",
                    "-o", out.toString(), "--format", "csv");
            assertEquals(0, r.code(), r.err() + err);
        } finally {
            System.setErr(oldErr);
            if (old == null) {
                System.clearProperty("lobench.stderrTty");
            } else {
                System.setProperty("lobench.stderrTty", old);
            }
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutTheLauncherSayingStderrIsATerminalThereAreNoRedrawFrames(@TempDir Path dir) {
        String err = runWithStderr(dir.resolve("a"), null);
        assertFalse(err.contains("\r"), "no \\r in a log: " + err);
        assertTrue(CELL_LINE.matcher(err).find(), err);
    }

    @Test
    void onATerminalTheStatusLineIsRedrawn(@TempDir Path dir) {
        String err = runWithStderr(dir.resolve("b"), "true");
        assertTrue(err.contains("\r"), err);
        assertTrue(err.contains("step 30/30"), err);
    }

    @Test
    void theCellLineShowsTheReportsFinalTrainLoss(@TempDir Path dir) {
        Path out = dir.resolve("c");
        String err = runWithStderr(out, "false");
        Matcher m = CELL_LINE.matcher(err);
        assertTrue(m.find(), err);
        List<CellRecord> cells = ResultStore.readCells(out.resolve("results.jsonl"));
        assertEquals(1, cells.size());
        CellRecord c = cells.get(0);
        // the report's train_loss of a 1-seed row, as the Markdown table writes it
        String table = Report.render(cells, Report.Format.MARKDOWN);
        String shown = Report.formatNumber(CellMetrics.finalTrainLoss(c));
        assertEquals(shown, m.group(1));
        assertTrue(table.contains("| " + shown + " [" + shown + ", " + shown + "] |"), table);
        // 30 steps: the mean of the last 3 losses, not the last loss (which is what the line showed before)
        float[] l = c.trainLoss();
        assertNotEquals(Report.formatNumber(l[l.length - 1]), m.group(1));
    }
}
