package dev.lobench.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tables of stability records ('lobench stability', 'lobench report' of a stability run) in each report
 * format, all written by {@link TextTable}:
 * <ul>
 *   <li>Markdown and LaTeX: one table per optimizer (per curvature: radius, its range over probes, prediction,
 *       empirical outcome, final loss, noise floor), then the summary per optimizer ({@link StabilitySummary}) and
 *       the note {@link #NOTE};</li>
 *   <li>CSV: one table, a row per record, numbers at full precision (NaN, a null in the record, empty);</li>
 *   <li>JSON: the records as one array.</li>
 * </ul>
 */
public final class StabilityTables {
    private StabilityTables() {}

    /** Footnote of the stability tables (also under the stability plot of the HTML report). */
    public static final String NOTE = "Radius: spectral radius of the Jacobian of the joint update map over "
            + "(parameters, optimizer state) on 1/2 h |phi - xi|^2, by central finite differences, linearised at a "
            + "noisy steady state (burn-in with target noise s, then the noise-free map; iteration counter held fixed), "
            + "median over probes. Predicted stable: radius <= 1 + tolerance. Runs: the same noisy quadratic for the "
            + "given steps; diverged = loss NaN/Inf or EMA (beta 0.9) of the noise-free loss 1/2 h |phi|^2 > 10x "
            + "the expected initial training loss "
            + "1/2 h (|phi0|^2 + dim s^2) (lobench run's 10x rule, on the noise-free loss). "
            + "Squares: run completed; X: run diverged.";

    /** The header of the CSV table (also the file header {@code report --csv-dir} checks). */
    public static final String CSV_HEADER = "optimizer,curvature,radius,radius_min,radius_max,predicted_stable,outcome,"
            + "diverged_at_step,final_loss,mean_train_loss,noise_floor";

    public static String render(List<StabilityRecord> records, FullReport.Format format) {
        return switch (format) {
            case JSON -> json(records);
            case CSV -> csv(records);
            case MARKDOWN -> markdown(records);
            case LATEX -> latex(records);
        };
    }

    static String json(List<StabilityRecord> records) {
        try {
            return ResultsJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(records) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the stability records", e);
        }
    }

    static String csv(List<StabilityRecord> records) {
        TextTable t = new TextTable();
        for (String h : CSV_HEADER.split(",")) {
            t.left(h);
        }
        for (StabilityRecord r : records) {
            t.row(r.optimizer(), csvNum(r.curvature()), csvNum(r.radius()), csvNum(r.radiusMin()),
                    csvNum(r.radiusMax()), Boolean.toString(r.predictedStable()), r.outcome(),
                    Integer.toString(r.divergedAtStep()), csvNum(r.finalLoss()), csvNum(r.meanTrainLoss()),
                    csvNum(r.noiseFloor()));
        }
        return t.csv();
    }

    /** A CSV number as in the report's CSV tables: NaN (a null in the record) empty, infinities as Java writes them. */
    private static String csvNum(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    /** The records of each optimizer, in the order of first appearance. */
    private static Map<String, List<StabilityRecord>> byOptimizer(List<StabilityRecord> records) {
        Map<String, List<StabilityRecord>> by = new LinkedHashMap<>();
        records.forEach(r -> by.computeIfAbsent(r.optimizer(), k -> new ArrayList<>()).add(r));
        return by;
    }

    /** The per-curvature table of one optimizer's records. */
    private static TextTable curvatureTable(List<StabilityRecord> records) {
        TextTable t = new TextTable().right("curvature").right("radius").right("radius min..max").left("stable?")
                .left("empirical").right("final loss").right("noise floor");
        for (StabilityRecord r : records) {
            t.row(Report.formatNumber(r.curvature()), String.format(Locale.ROOT, "%.4f", r.radius()),
                    String.format(Locale.ROOT, "%.4f..%.4f", r.radiusMin(), r.radiusMax()),
                    r.predictedStable() ? "yes" : "NO",
                    r.diverged() ? "diverged@" + r.divergedAtStep() : "completed",
                    Report.formatNumber(r.finalLoss()), Report.formatNumber(r.noiseFloor()));
        }
        return t;
    }

    private static TextTable summaryTable(List<StabilityRecord> records) {
        TextTable summary = new TextTable().left("optimizer").left("predicted stable [h range]")
                .left("runs completed [h range]").right("agree");
        for (StabilitySummary.Row r : StabilitySummary.rows(records)) {
            summary.row(r.optimizer(), range(r.predictedStable(), r.stableMin(), r.stableMax()),
                    range(r.completed(), r.completedMin(), r.completedMax()), r.agree() + "/" + r.points());
        }
        return summary;
    }

    /** The settings of an optimizer's records (those of its first record), as written after its name. */
    private static String settings(StabilityRecord f) {
        return String.format(Locale.ROOT, "noise s=%s, dim=%d, %d steps, z size %d", Report.formatNumber(f.noise()),
                f.dim(), f.steps(), f.stateSize());
    }

    static String markdown(List<StabilityRecord> records) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<StabilityRecord>> e : byOptimizer(records).entrySet()) {
            sb.append("### ").append(e.getKey()).append("  (").append(settings(e.getValue().get(0))).append(")\n\n");
            sb.append(curvatureTable(e.getValue()).markdown()).append('\n');
        }
        sb.append("### Summary\n\n").append(summaryTable(records).markdown());
        sb.append('\n').append(NOTE).append('\n');
        return sb.toString();
    }

    static String latex(List<StabilityRecord> records) {
        StringBuilder sb = new StringBuilder("% lobench stability records; requires \\usepackage{booktabs}\n");
        for (Map.Entry<String, List<StabilityRecord>> e : byOptimizer(records).entrySet()) {
            tableFloat(sb, curvatureTable(e.getValue()), "Stability of " + e.getKey() + " on the noisy quadratic ("
                    + settings(e.getValue().get(0)) + ").");
        }
        tableFloat(sb, summaryTable(records), "Stability summary per optimizer. " + NOTE);
        return sb.toString();
    }

    /** A table float around {@code t}, after a blank line, with {@code caption} escaped, as in the LaTeX report. */
    private static void tableFloat(StringBuilder sb, TextTable t, String caption) {
        FullReport.tableFloat(sb.append('\n'), t, TextTable.tex(caption));
    }

    private static String range(int n, double lo, double hi) {
        return n == 0 ? "0" : n + " [" + Report.formatNumber(lo) + ", " + Report.formatNumber(hi) + "]";
    }
}
