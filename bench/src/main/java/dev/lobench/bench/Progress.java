package dev.lobench.bench;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A one-line progress bar on stderr ("cell k/n  task  optimizer  seed  step s/T  loss  ETA"), redrawn in place
 * when stderr is a terminal and silent otherwise (CI logs get one line per finished cell instead).
 */
public final class Progress {
    private final PrintStream out;
    private final boolean interactive;
    private final long startNanos = System.nanoTime();
    private long lastDraw;
    private int lastLength;

    public Progress(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** Interactive iff a console is attached and LOBENCH_PROGRESS is not "0". */
    public static Progress stderr() {
        boolean tty = System.console() != null && !"0".equals(System.getenv("LOBENCH_PROGRESS"));
        return new Progress(System.err, tty);
    }

    public boolean interactive() {
        return interactive;
    }

    /**
     * @param doneWork work units finished over the whole suite (e.g. steps), used for the ETA
     * @param totalWork total work units of the suite
     */
    public void step(int cell, int cells, String label, int step, int steps, double loss, long doneWork, long totalWork) {
        if (!interactive) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && step != steps) {
            return;
        }
        lastDraw = now;
        String eta = "?";
        if (doneWork > 0) {
            double elapsed = (now - startNanos) / 1e9;
            eta = format(Duration.ofMillis((long) (1000 * elapsed * (totalWork - doneWork) / doneWork)));
        }
        int width = 20;
        int filled = totalWork == 0 ? 0 : (int) (width * doneWork / totalWork);
        String bar = "#".repeat(Math.min(width, filled)) + "-".repeat(Math.max(0, width - filled));
        String line = String.format("[%s] cell %d/%d %s step %d/%d loss %.4g ETA %s", bar, cell, cells, label, step,
                steps, loss, eta);
        draw(line);
    }

    /** A permanent line (cell finished), printed in both modes. */
    public void line(String text) {
        if (interactive) {
            draw("");
            out.print("\r");
        }
        out.println(text);
        lastLength = 0;
    }

    public void finish() {
        if (interactive && lastLength > 0) {
            out.print("\r" + " ".repeat(lastLength) + "\r");
            out.flush();
            lastLength = 0;
        }
    }

    private void draw(String line) {
        String pad = line.length() < lastLength ? " ".repeat(lastLength - line.length()) : "";
        out.print("\r" + line + pad);
        out.flush();
        lastLength = line.length();
    }

    static String format(Duration d) {
        long s = d.getSeconds();
        if (s >= 3600) {
            return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format("%dm%02ds", s / 60, s % 60);
    }
}
