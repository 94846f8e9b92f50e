package dev.lobench.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a run on stderr: one permanent line per finished cell, and, only when stderr is a terminal, a status
 * line ("[bar] cell k/n  task optimizer seed  step s/T  loss  ETA") redrawn in place with {@code \r} and cut to the
 * terminal width. In a log file there are no redraw frames, only the per-cell lines.
 *
 * <p>Java cannot tell whether stderr is a terminal ({@code System.console()} looks at stdin and stdout), so the
 * {@code ./lobench} launcher passes {@code -Dlobench.stderrTty=true} when {@code [ -t 2 ]}; without it (tests,
 * {@code java -jar}) stderr is taken for a file. {@code LOBENCH_PROGRESS=0} turns the status line off on a
 * terminal too. The width is {@code $COLUMNS} (the launcher sets it from the terminal when the shell did not
 * export it), default {@value #DEFAULT_COLUMNS}. The ETA is {@link Eta}'s: calibrated per-cell costs scaled by the
 * speed measured so far.
 */
public final class Progress {
    public static final int DEFAULT_COLUMNS = 100;
    static final long REDRAW_NANOS = 100_000_000L;
    static final int BAR = 20;
    /** A label is shortened no further than this; below it the bar goes, then the line is cut. */
    static final int MIN_LABEL = 12;

    private final PrintStream out;
    private final boolean interactive;
    private final int columns;
    private final LongSupplier clock;
    private Eta eta;
    private long startNanos;
    private boolean drawn;
    private long lastDraw;
    private int lastLength;

    public Progress(PrintStream out, boolean interactive) {
        this(out, interactive, DEFAULT_COLUMNS, System::nanoTime);
    }

    Progress(PrintStream out, boolean interactive, int columns, LongSupplier clock) {
        this.out = out;
        this.interactive = interactive;
        this.columns = columns;
        this.clock = clock;
        this.startNanos = clock.getAsLong();
    }

    /** stderr; interactive iff -Dlobench.stderrTty=true and LOBENCH_PROGRESS is not "0"; width from $COLUMNS. */
    public static Progress stderr() {
        boolean tty = Boolean.getBoolean("lobench.stderrTty") && !"0".equals(System.getenv("LOBENCH_PROGRESS"));
        return new Progress(System.err, tty, columns(System.getenv("COLUMNS")), System::nanoTime);
    }

    /** The width from a $COLUMNS value: a positive integer, else {@value #DEFAULT_COLUMNS}. */
    static int columns(String env) {
        if (env != null) {
            try {
                int c = Integer.parseInt(env.trim());
                if (c > 0) {
                    return c;
                }
            } catch (NumberFormatException e) {
                // not a number: the default
            }
        }
        return DEFAULT_COLUMNS;
    }

    public boolean interactive() {
        return interactive;
    }

    /** The cells about to run, with their costs; the ETA's clock starts now. */
    public void start(Eta eta) {
        this.eta = eta;
        this.startNanos = clock.getAsLong();
    }

    /** Cell {@code cell} (0-based) is already done (resume) and will not run. */
    public void skip(int cell) {
        eta.skip(cell);
    }

    /** Step {@code step} of {@code steps} of cell {@code cell} (0-based) finished with training loss {@code loss}. */
    public void step(int cell, String label, int step, int steps, double loss) {
        long now = clock.getAsLong();
        // asked at every step, drawn or not: the first step is the origin of the speed measurement
        double left = eta.remainingSeconds(cell, step, elapsed(now));
        if (!interactive || drawn && now - lastDraw < REDRAW_NANOS && step != steps) {
            return;
        }
        drawn = true;
        lastDraw = now;
        double frac = eta.fractionDone(cell, step);
        int filled = (int) Math.floor(BAR * frac);
        String bar = "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "]";
        String head = "cell " + (cell + 1) + "/" + eta.cells() + " ";
        String tail = String.format(Locale.ROOT, " step %d/%d loss %.4g ETA %s", step, steps, loss, format(left));
        draw(fit(bar, head, label, tail, columns));
    }

    /** Cell {@code cell} (0-based) finished: {@code text} and the ETA of what is left become a permanent line. */
    public void cellDone(int cell, String text) {
        eta.finish(cell);
        double left = eta.remainingSeconds(elapsed(clock.getAsLong()));
        line(!eta.allSettled() && Double.isFinite(left) ? text + "  ETA " + format(left) : text);
    }

    /** A permanent line, printed in both modes. */
    public void line(String text) {
        if (interactive && lastLength > 0) {
            out.print("\r" + " ".repeat(lastLength) + "\r");
        }
        out.println(text);
        out.flush();
        lastLength = 0;
    }

    public void finish() {
        if (interactive && lastLength > 0) {
            out.print("\r" + " ".repeat(lastLength) + "\r");
            out.flush();
            lastLength = 0;
        }
    }

    private double elapsed(long now) {
        return (now - startNanos) / 1e9;
    }

    private void draw(String line) {
        String pad = line.length() < lastLength ? " ".repeat(lastLength - line.length()) : "";
        out.print("\r" + line + pad);
        out.flush();
        lastLength = line.length();
    }

    /**
     * "bar head label tail" in at most {@code columns - 1} characters (a line that fills the last column makes some
     * terminals wrap, and {@code \r} then returns to the wrong line). The label is shortened first (its middle
     * replaced by "..."), down to {@value #MIN_LABEL} characters; then the bar is left out; then the line is cut.
     */
    static String fit(String bar, String head, String label, String tail, int columns) {
        int max = Math.max(0, columns - 1);
        String full = bar + " " + head + label + tail;
        if (full.length() <= max) {
            return full;
        }
        int room = max - (bar.length() + 1) - head.length() - tail.length();
        if (room >= Math.min(MIN_LABEL, label.length())) {
            return bar + " " + head + shorten(label, room) + tail;
        }
        room = max - head.length() - tail.length();
        if (room >= Math.min(MIN_LABEL, label.length())) {
            return head + shorten(label, room) + tail;
        }
        String bare = head + shorten(label, Math.max(room, 0)) + tail;
        return bare.length() <= max ? bare : bare.substring(0, max);
    }

    /** {@code s} in at most {@code n} characters, its middle replaced by "..." when it is longer. */
    static String shorten(String s, int n) {
        if (s.length() <= n) {
            return s;
        }
        if (n <= 3) {
            return s.substring(0, Math.max(n, 0));
        }
        int keep = n - 3;
        int front = (keep + 1) / 2;
        return s.substring(0, front) + "..." + s.substring(s.length() - (keep - front));
    }

    /** 1m05s, 2h03m; "?" when unknown. */
    static String format(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        return format(Duration.ofSeconds(Math.round(seconds)));
    }

    static String format(Duration d) {
        long s = d.getSeconds();
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
