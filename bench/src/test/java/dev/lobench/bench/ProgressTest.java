package dev.lobench.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {
    private static final String BAR = "[##########----------]";
    private static final String HEAD = "cell 12/240 ";
    private static final String LABEL = "fortunes-tf-w64-d2-german adam(lr=0.001,b1=0.9,b2=0.999) seed 2";
    private static final String TAIL = " step 1500/2000 loss 1.234 ETA 1h02m";

    @Test
    void aLineThatFitsIsLeftAlone() {
        String line = Progress.fit(BAR, HEAD, "quad adam seed 0", TAIL, 100);
        assertEquals(BAR + " " + HEAD + "quad adam seed 0" + TAIL, line);
    }

    @Test
    void theLabelIsShortenedInTheMiddleToTheWidth() {
        String line = Progress.fit(BAR, HEAD, LABEL, TAIL, 100);
        assertEquals(99, line.length(), line);
        assertTrue(line.startsWith(BAR + " " + HEAD + "fortunes-tf"), line);
        assertTrue(line.endsWith("seed 2" + TAIL), "the seed and the ETA stay: " + line);
        assertTrue(line.contains("..."), line);
    }

    @Test
    void narrowTerminalsLoseTheBarThenTheEnd() {
        String noBar = Progress.fit(BAR, HEAD, LABEL, TAIL, 70);
        assertTrue(noBar.length() <= 69, noBar);
        assertTrue(noBar.startsWith(HEAD) && noBar.endsWith(TAIL), noBar);
        String cut = Progress.fit(BAR, HEAD, LABEL, TAIL, 30);
        assertEquals(29, cut.length(), cut);
        assertTrue(cut.startsWith(HEAD), cut);
        assertEquals(0, Progress.fit(BAR, HEAD, LABEL, TAIL, 1).length());
    }

    @Test
    void shortenKeepsBothEnds() {
        assertEquals("abc...xyz", Progress.shorten("abcdefghijklmnopqrstuvwxyz", 9));
        assertEquals("abcd...xyz", Progress.shorten("abcdefghijklmnopqrstuvwxyz", 10));
        assertEquals("short", Progress.shorten("short", 9));
        assertEquals("ab", Progress.shorten("abcdef", 2));
    }

    @Test
    void widthComesFromColumnsWithADefault() {
        assertEquals(100, Progress.columns(null));
        assertEquals(100, Progress.columns("wide"));
        assertEquals(100, Progress.columns("0"));
        assertEquals(80, Progress.columns(" 80 "));
    }

    @Test
    void etaFormat() {
        assertEquals("?", Progress.format(Double.NaN));
        assertEquals("0m59s", Progress.format(59.4));
        assertEquals("27m40s", Progress.format(27 * 60 + 40));
        assertEquals("2h03m", Progress.format(2 * 3600 + 3 * 60 + 10));
    }

    /** Two cells of 100 steps, 10 ms a step on a fake clock; returns what was written. */
    private static String drive(boolean interactive, int columns) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long[] now = {0};
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), interactive, columns,
                () -> now[0]);
        p.start(new Eta(new double[] {1, 3}, new int[] {100, 100}, true));
        for (int cell = 0; cell < 2; cell++) {
            for (int step = 1; step <= 100; step++) {
                now[0] += 10_000_000L * (cell + 1);
                p.step(cell, LABEL, step, 100, 1.0 / step);
            }
            p.cellDone(cell, "cell " + (cell + 1) + "/2 " + LABEL + " completed final train loss 0.01");
        }
        p.finish();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutATerminalOnlyTheCellLinesAreWritten() {
        String out = drive(false, 100);
        assertFalse(out.contains("\r"), "no redraw frames in a log: " + out);
        String[] lines = out.split("\n");
        assertEquals(2, lines.length, out);
        // the first cell took 1 s for 1 s of estimate; 3 s of estimate are left
        assertEquals("cell 1/2 " + LABEL + " completed final train loss 0.01  ETA 0m03s", lines[0]);
        assertEquals("cell 2/2 " + LABEL + " completed final train loss 0.01", lines[1]);
    }

    @Test
    void onATerminalTheStatusLineIsRedrawnWithinTheWidth() {
        String out = drive(true, 80);
        assertTrue(out.contains("\r"), out);
        int frames = 0;
        for (String frame : out.split("[\r\n]")) {
            if (frame.startsWith("[")) {
                frames++;
                assertTrue(frame.strip().length() <= 79, frame);
            }
        }
        // redrawn at most every 100 ms (10 and 20 ms steps: 1 s and 2 s per cell) and at each cell's last step
        assertTrue(frames >= 20 && frames <= 40, frames + " frames");
        // a cell line replaces the status line (cleared, then the cursor back at the start)
        assertTrue(out.contains("\rcell 1/2 " + LABEL + " completed final train loss 0.01  ETA 0m03s\n"), out);
        assertTrue(out.endsWith("\rcell 2/2 " + LABEL + " completed final train loss 0.01\n"), out);
    }
}
