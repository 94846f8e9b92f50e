package dev.lobench.bench.overhead;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;

/**
 * JMH output: one progress line per benchmark on the console; everything JMH and the forks print goes to a log file.
 */
final class ProgressFormat implements OutputFormat {
    private final PrintStream console;
    private final OutputStream log;
    private final int total;
    private int index;
    private String kind = "";
    private long start;

    ProgressFormat(PrintStream console, Path logFile, int total) {
        this.console = console;
        this.total = total;
        try {
            this.log = Files.newOutputStream(logFile);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(logFile + ": " + e.getMessage(), e);
        }
    }

    void kind(String kind) {
        this.kind = kind;
    }

    private static String label(BenchmarkParams p) {
        String m = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.') + 1);
        String task = p.getParam("task");
        String opt = p.getParam("optimizer");
        return task == null ? m : task + " " + opt;
    }

    @Override
    public void startBenchmark(BenchmarkParams p) {
        index++;
        start = System.nanoTime();
        console.printf(Locale.ROOT, "[%d/%d] %-14s %-32s ...%n", index, total, kind, label(p));
        console.flush();
        println("# benchmark " + p.getBenchmark() + " " + p.getParamsKeys().stream()
                .map(k -> k + "=" + p.getParam(k)).toList());
    }

    @Override
    public void endBenchmark(BenchmarkResult r) {
        double secs = (System.nanoTime() - start) / 1e9;
        if (r == null || r.getPrimaryResult() == null) {
            console.printf(Locale.ROOT, "[%d/%d] %-14s FAILED (see jmh.log)  %.0fs%n", index, total, kind, secs);
            return;
        }
        var s = r.getPrimaryResult().getStatistics();
        console.printf(Locale.ROOT, "[%d/%d] %-14s %-32s median %.1f %s (mean %.1f ± %.1f, n=%d)  %.0fs%n", index,
                total, kind, label(r.getParams()), s.getPercentile(50), r.getPrimaryResult().getScoreUnit(),
                s.getMean(), s.getMeanErrorAt(0.999), s.getN(), secs);
        console.flush();
    }

    @Override
    public void iteration(BenchmarkParams b, IterationParams i, int n) {}

    @Override
    public void iterationResult(BenchmarkParams b, IterationParams i, int n, IterationResult r) {
        println("  iteration " + n + ": " + r.getPrimaryResult());
    }

    @Override
    public void startRun() {}

    @Override
    public void endRun(Collection<RunResult> results) {}

    @Override
    public void print(String s) {
        try {
            log.write(s.getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // the log is best effort
        }
    }

    @Override
    public void println(String s) {
        print(s + "\n");
    }

    @Override
    public void flush() {
        try {
            log.flush();
        } catch (IOException ignored) {
            // best effort
        }
    }

    @Override
    public void close() {
        flush();
    }

    void closeLog() {
        try {
            log.close();
        } catch (IOException ignored) {
            // best effort
        }
    }

    @Override
    public void verbosePrintln(String s) {
        println(s);
    }

    @Override
    public void write(int b) {
        try {
            log.write(b);
        } catch (IOException ignored) {
            // best effort
        }
    }

    @Override
    public void write(byte[] b) throws IOException {
        log.write(b);
    }
}
