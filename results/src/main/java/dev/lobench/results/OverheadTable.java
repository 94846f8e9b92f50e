package dev.lobench.results;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The cost columns of an overhead run, one row per (task, optimizer): optimizer-only and full-step median time, each
 * with its error and its ratio to Adam measured in the same run (same machine, task, dtype and threads), and memory
 * (optimizer-state bytes per parameter; the learned optimizer's own weights).
 */
public final class OverheadTable {
    public static final String REFERENCE = "adam";

    /** One row; NaN where not measured. */
    public record Row(String task, String optimizer, long numParams, double optOnlyMs, double optOnlyRelError,
            double optOnlyRatio, double fullStepMs, double fullStepRelError, double fullStepRatio,
            double stateBytesPerParam, long weightBytes) {}

    private OverheadTable() {}

    /** a / b, NaN when either is missing or b is not positive. */
    public static double ratio(double a, double b) {
        return Double.isFinite(a) && Double.isFinite(b) && b > 0 ? a / b : Double.NaN;
    }

    public static List<Row> rows(OverheadRun run) {
        Set<String> tasks = new LinkedHashSet<>();
        Set<String> opts = new LinkedHashSet<>();
        for (OverheadRecord r : run.records()) {
            if (!r.kind().equals(OverheadRecord.CALIBRATION)) {
                tasks.add(r.task());
                opts.add(r.optimizer());
            }
        }
        List<Row> rows = new ArrayList<>();
        for (String task : tasks) {
            double adamOnly = ms(run.find(OverheadRecord.OPTIMIZER_ONLY, task, REFERENCE));
            double adamFull = ms(run.find(OverheadRecord.FULL_STEP, task, REFERENCE));
            for (String opt : opts) {
                Optional<OverheadRecord> only = run.find(OverheadRecord.OPTIMIZER_ONLY, task, opt);
                Optional<OverheadRecord> full = run.find(OverheadRecord.FULL_STEP, task, opt);
                if (only.isEmpty() && full.isEmpty()) {
                    continue;
                }
                OverheadRecord any = only.orElseGet(full::get);
                rows.add(new Row(task, opt, any.numParams(), ms(only), only.map(OverheadRecord::relativeError)
                        .orElse(Double.NaN), ratio(ms(only), adamOnly), ms(full), full.map(
                        OverheadRecord::relativeError).orElse(Double.NaN), ratio(ms(full), adamFull),
                        any.stateBytesPerParam(), any.weightBytes()));
            }
        }
        return rows;
    }

    static double ms(Optional<OverheadRecord> r) {
        return r.map(OverheadRecord::medianMs).orElse(Double.NaN);
    }

    /** Markdown: the calibration line, then the table, then failed benchmarks. */
    public static String markdown(OverheadRun run) {
        StringBuilder sb = new StringBuilder();
        RunHeader h = run.header();
        sb.append(String.format(Locale.ROOT, "Overhead on %s, %d threads, %s", h.cpuModel(), h.threads(), h.jvm()));
        Object flags = h.extra() == null ? null : h.extra().get("jvmFlags");
        if (flags != null) {
            sb.append(", JVM flags ").append(flags);
        }
        sb.append('\n');
        for (OverheadRecord c : run.calibration()) {
            sb.append(String.format(Locale.ROOT, "calibration %s: %s ms%n", c.optimizer(), fmtErr(c)));
        }
        sb.append('\n');
        TextTable t = new TextTable().left("task").left("optimizer").right("params").right("opt-only ms").right("±%")
                .right("opt-only x adam").right("full-step ms").right("±%").right("full-step x adam")
                .right("state B/param").right("opt weights B");
        for (Row r : rows(run)) {
            t.row(r.task(), r.optimizer(), Long.toString(r.numParams()), num(r.optOnlyMs()), pct(r.optOnlyRelError()),
                    ratioText(r.optOnlyRatio()), num(r.fullStepMs()), pct(r.fullStepRelError()),
                    ratioText(r.fullStepRatio()), num(r.stateBytesPerParam()), Long.toString(r.weightBytes()));
        }
        sb.append(t.markdown());
        for (OverheadRecord r : run.records()) {
            if (!r.ok()) {
                sb.append(String.format(Locale.ROOT, "FAILED %s %s %s: %s%n", r.kind(), r.task(), r.optimizer(),
                        r.detail()));
            }
        }
        return sb.toString();
    }

    static String fmtErr(OverheadRecord r) {
        return r.ok() ? String.format(Locale.ROOT, "%s (mean %s ± %s)", num(r.medianMs()), num(r.meanMs()),
                num(r.errorMs())) : "failed";
    }

    static String num(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : Math.abs(v) >= 1 ? "%.3f" : "%.4f", v);
    }

    static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", 100 * v) : "-";
    }

    static String ratioText(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "-";
    }
}
