package dev.lobench.results.plot;

import dev.lobench.results.Analysis;
import dev.lobench.results.CellRecord;
import dev.lobench.results.FullReport;
import dev.lobench.results.PerformanceProfile;
import dev.lobench.results.Report;
import dev.lobench.results.RunHeader;
import dev.lobench.results.StabilityRecord;
import dev.lobench.results.StabilitySummary;
import dev.lobench.results.StabilityTables;
import dev.lobench.results.WinRate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.Table;

/**
 * One self-contained HTML file: inline CSS, inline SVG plots ({@link Plots}), the tables; no script, no external
 * resource, so it opens offline.
 */
public final class HtmlReport {
    private HtmlReport() {}

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String f(double v) {
        return v == Double.POSITIVE_INFINITY ? "∞" : Report.formatNumber(v);
    }

    private static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.0f%%", 100 * v) : "—";
    }

    private static void table(StringBuilder sb, List<String> head, List<List<String>> rows) {
        sb.append("<div class=\"tw\"><table><thead><tr>");
        for (String h : head) {
            sb.append("<th>").append(esc(h)).append("</th>");
        }
        sb.append("</tr></thead><tbody>\n");
        for (List<String> r : rows) {
            sb.append("<tr>");
            for (int i = 0; i < r.size(); i++) {
                sb.append(i < 2 ? "<td>" : "<td class=\"n\">").append(esc(r.get(i))).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</tbody></table></div>\n");
    }

    public static String render(RunHeader header, List<CellRecord> cells) {
        return render(header, cells, List.of());
    }

    /**
     * The report of result cells and/or stability records ({@code lobench stability}); either list may be empty. The
     * stability section (map plot and per-optimizer ranges) appears when stability records are given.
     */
    public static String render(RunHeader header, List<CellRecord> cells, List<StabilityRecord> stability) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>lobench report</title>\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<style>" + HtmlStyle.CSS
                + "</style></head><body>\n");
        sb.append("<h1>lobench report</h1>\n");
        if (header != null) {
            sb.append("<p>").append(esc(Report.headerLine(header).replace("**", "").replace("`", ""))).append("</p>\n");
        }
        if (!cells.isEmpty()) {
            cellSections(sb, cells);
        }
        if (!stability.isEmpty()) {
            stabilitySection(sb, stability);
        }
        sb.append("</body></html>\n");
        return sb.toString();
    }

    private static void stabilitySection(StringBuilder sb, List<StabilityRecord> stability) {
        sb.append("<h2>Stability on the noisy quadratic</h2>\n<div class=\"plots\">\n")
                .append(StabilityChart.plot(stability).svg()).append("</div>\n");
        List<List<String>> rows = new ArrayList<>();
        for (StabilitySummary.Row r : StabilitySummary.rows(stability)) {
            rows.add(List.of(r.optimizer(), "s=" + f(r.noise()) + ", dim=" + r.dim(), Integer.toString(r.points()),
                    r.predictedStable() + (r.predictedStable() > 0 ? " [" + f(r.stableMin()) + ", " + f(r.stableMax())
                            + "]" : ""),
                    r.completed() + (r.completed() > 0 ? " [" + f(r.completedMin()) + ", " + f(r.completedMax()) + "]"
                            : ""),
                    r.agree() + "/" + r.points()));
        }
        table(sb, List.of("Optimizer", "Setting", "Curvatures", "Predicted stable [h range]",
                "Runs completed [h range]", "Agree"), rows);
        sb.append("<p class=\"note\">").append(esc(StabilityTables.NOTE)).append("</p>\n");
    }

    private static void cellSections(StringBuilder sb, List<CellRecord> cells) {
        Analysis a = Analysis.of(cells);
        List<Plots.Plot> plots = Plots.all(cells, a);
        sb.append("<h2>Loss curves</h2>\n<div class=\"plots\">\n");
        for (Plots.Plot p : plots) {
            if (p.id().startsWith("loss-")) {
                sb.append(p.svg());
            }
        }
        sb.append("</div>\n<h2>Speedup over tuned Adam</h2>\n<div class=\"plots\">\n");
        plots.stream().filter(p -> p.id().equals("speedup")).forEach(p -> sb.append(p.svg()));
        sb.append("</div>\n");
        // main table
        Table t = Report.table(cells);
        List<List<String>> rows = new ArrayList<>();
        for (int r = 0; r < t.rowCount(); r++) {
            String task = t.stringColumn("task").get(r);
            String opt = t.stringColumn("optimizer").get(r);
            Analysis.StepRow sr = a.rows().stream().filter(x -> x.task().equals(task) && x.optimizer().equals(opt))
                    .findFirst().orElseThrow();
            int failed = t.intColumn("seeds").getInt(r) - t.intColumn("completed").getInt(r);
            rows.add(List.of(task, opt, t.intColumn("seeds").getInt(r) + (failed > 0 ? " (" + failed + " failed)" : ""),
                    f(t.doubleColumn("train_loss_median").getDouble(r)) + " [" + f(t.doubleColumn("train_loss_q1")
                            .getDouble(r)) + ", " + f(t.doubleColumn("train_loss_q3").getDouble(r)) + "]",
                    f(t.doubleColumn("test_loss_median").getDouble(r)),
                    f(t.doubleColumn("test_acc_median").getDouble(r)),
                    f(t.doubleColumn("train_loss_vs_adam").getDouble(r)), f(sr.speedupT()), f(sr.speedupHalf()),
                    f(sr.normalisedLoss()), f(t.doubleColumn("step_ms_median").getDouble(r)),
                    f(t.doubleColumn("update_ms_median").getDouble(r))));
        }
        sb.append("<h2>Per task and optimizer</h2>\n");
        table(sb, List.of("Task", "Optimizer", "Seeds", "Final train loss median [Q1, Q3]", "Test loss",
                "Test acc.", "× Adam", "Speedup@T", "Speedup@T/2", "Norm. loss", "Step ms", "Update ms"), rows);
        sb.append("<p class=\"note\">").append(esc(FullReport.stepNotes())).append("</p>\n");
        for (Analysis.Group g : a.groups()) {
            sb.append("<h2>Cross-task: ").append(esc(g.name())).append(" (").append(g.tasks().size())
                    .append(" tasks)</h2>\n");
            List<List<String>> wr = new ArrayList<>();
            for (WinRate.Result r : g.winRates()) {
                wr.add(List.of(r.a(), r.b(), Integer.toString(r.pairs()), Integer.toString(r.wins()),
                        Integer.toString(r.ties()), Integer.toString(r.losses()), pct(r.rate()),
                        "[" + pct(r.ciLow()) + ", " + pct(r.ciHigh()) + "]"));
            }
            table(sb, List.of("A", "B", "Pairs", "Wins", "Ties", "Losses", "Win rate", "95% CI (tasks)"), wr);
            PerformanceProfile.Profile p = g.profile();
            List<String> head = new ArrayList<>(List.of("Optimizer", ""));
            for (double tau : Analysis.TAUS) {
                head.add("ρ(" + f(tau) + ")");
            }
            head.add("ρ(∞)");
            head.add("Median speedup@T");
            List<List<String>> pr = new ArrayList<>();
            for (int s = 0; s < p.solvers().size(); s++) {
                List<String> row = new ArrayList<>(List.of(p.solvers().get(s), ""));
                for (double tau : Analysis.TAUS) {
                    row.add(pct(p.rho(s, tau)));
                }
                row.add(pct(p.rho(s, Double.MAX_VALUE)));
                row.add(f(g.medianSpeedupT().getOrDefault(p.solvers().get(s), Double.NaN)));
                pr.add(row);
            }
            table(sb, head, pr);
            if (!p.tasks().isEmpty()) {
                sb.append("<div class=\"plots\">\n").append(Plots.profile(g).svg()).append("</div>\n");
            }
        }
        sb.append("<p class=\"note\">").append(esc(FullReport.crossNotes())).append("</p>\n");
    }

    public static void write(Path file, RunHeader header, List<CellRecord> cells) throws IOException {
        write(file, header, cells, List.of());
    }

    public static void write(Path file, RunHeader header, List<CellRecord> cells, List<StabilityRecord> stability)
            throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, render(header, cells, stability));
    }

    /** Writes every plot as {@code DIR/<id>.png}; returns the files. */
    public static List<Path> writePngs(Path dir, List<CellRecord> cells) throws IOException {
        return writePngs(dir, cells, List.of());
    }

    /** Writes every plot, the stability map included when there are stability records, as {@code DIR/<id>.png}. */
    public static List<Path> writePngs(Path dir, List<CellRecord> cells, List<StabilityRecord> stability)
            throws IOException {
        return Plots.writePngs(dir, plots(cells, stability));
    }

    /** Writes every plot, the stability map included, as {@code DIR/<id>.svg} (the names of the PNG files). */
    public static List<Path> writeSvgs(Path dir, List<CellRecord> cells, List<StabilityRecord> stability)
            throws IOException {
        return Plots.writeSvgs(dir, plots(cells, stability));
    }

    /** The report's plots: those of the cells ({@link Plots#all}), then the stability map when there are records. */
    public static List<Plots.Plot> plots(List<CellRecord> cells, List<StabilityRecord> stability) {
        List<Plots.Plot> plots = new ArrayList<>(cells.isEmpty() ? List.of() : Plots.all(cells, Analysis.of(cells)));
        if (!stability.isEmpty()) {
            plots.add(StabilityChart.plot(stability));
        }
        return plots;
    }
}
