package dev.lobench.results.plot;

import dev.lobench.results.HeldOutCurves;
import dev.lobench.results.MetaLog;
import dev.lobench.results.TextTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Tables and a plot comparing meta-training logs (e.g. star vs small-fc at equal meta-compute). */
public final class MetaLogReport {
    private MetaLogReport() {}

    /** Markdown: a summary row per log, then mean meta-loss per window of {@code window} outer steps. */
    public static String markdown(List<MetaLog> logs, int window) {
        StringBuilder sb = new StringBuilder();
        TextTable summary = new TextTable().left("run").right("outer steps").right("inner steps").right("wall s")
                .right("meta-loss step 1").right("mean first " + window).right("mean last " + window).right("final")
                .right("min").right("NaN-gradient steps");
        for (MetaLog l : logs) {
            int n = l.size();
            double min = Double.NaN;
            for (double v : l.metaLoss()) {
                if (Double.isFinite(v) && !(v >= min)) {
                    min = v;
                }
            }
            summary.row(l.name(), Long.toString(l.outerStep()[n - 1]), Long.toString(l.innerSteps()[n - 1]),
                    String.format(Locale.ROOT, "%.0f", l.wallS()[n - 1]), f(l.metaLoss()[0]),
                    f(l.meanMetaLoss(0, window)), f(l.meanMetaLoss(n - window, n)), f(l.metaLoss()[n - 1]), f(min),
                    Integer.toString(l.stepsWithNan()));
        }
        sb.append(summary.markdown());
        int longest = 0;
        for (MetaLog l : logs) {
            longest = Math.max(longest, l.size());
        }
        int windows = (longest + window - 1) / window;
        sb.append("\nMean meta-loss per ").append(window).append(" outer steps:\n\n");
        TextTable means = new TextTable().left("run");
        for (int w = 0; w < windows; w++) {
            means.right((w * window + 1) + "-" + (w + 1) * window);
        }
        for (MetaLog l : logs) {
            String[] cells = new String[windows + 1];
            cells[0] = l.name();
            for (int w = 0; w < windows; w++) {
                cells[w + 1] = w * window < l.size() ? f(l.meanMetaLoss(w * window, (w + 1) * window)) : "-";
            }
            means.row(cells);
        }
        sb.append(means.markdown());
        sb.append("\nThe meta-loss of an outer step is the mean minibatch training loss over the unrolls of all particles "
                + "(docs/learned-optimizers.md section 3); it jumps when inner runs restart, so compare window means, at equal outer steps "
                + "x particles x truncation.\n");
        return sb.toString();
    }

    /** The meta-loss curves (trailing mean over {@code smooth} outer steps; log y) as one plot. */
    public static Plots.Plot plot(List<MetaLog> logs, int smooth) {
        return new Plots.Plot("meta-loss", "Meta-loss (trailing mean over " + smooth + " outer steps)", c -> {
            LineChart ch = new LineChart("Meta-loss (trailing mean over " + smooth + " outer steps)", "outer step",
                    "meta-loss", false, true);
            int k = 0;
            for (MetaLog l : logs) {
                List<double[]> pts = new ArrayList<>();
                java.util.ArrayDeque<Double> last = new java.util.ArrayDeque<>();
                double s = 0;
                for (int i = 0; i < l.size(); i++) {
                    double v = l.metaLoss()[i];
                    if (!Double.isFinite(v) || v <= 0) {
                        continue; // NaN steps and non-positive values have no place on a log axis
                    }
                    last.addLast(v);
                    s += v;
                    if (last.size() > smooth) {
                        s -= last.removeFirst();
                    }
                    pts.add(new double[] {l.outerStep()[i], s / last.size()});
                }
                double[] x = new double[pts.size()];
                double[] y = new double[pts.size()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = pts.get(i)[0];
                    y[i] = pts.get(i)[1];
                }
                ch.add(new LineChart.Series(l.name(), LineChart.PALETTE[k++ % LineChart.PALETTE.length], x, y, null,
                        null));
            }
            ch.draw(c);
        });
    }

    /** The plots of the logs (may be empty) and of the held-out evaluation (may be null), as in the HTML page. */
    public static List<Plots.Plot> plots(List<MetaLog> logs, int smooth, HeldOutCurves heldOut) {
        List<Plots.Plot> plots = new ArrayList<>();
        if (!logs.isEmpty()) {
            plots.add(plot(logs, smooth));
        }
        if (heldOut != null) {
            plots.add(HeldOutPlot.plot(heldOut, HeldOutCurves.Metric.FINAL_TRAIN_LOSS));
        }
        return plots;
    }

    /** A self-contained HTML page: the plot (inline SVG) and the tables as preformatted Markdown. */
    public static String html(List<MetaLog> logs, int window, int smooth) {
        return html(logs, window, smooth, null);
    }

    /**
     * A self-contained HTML page: for the logs (may be empty) the meta-loss plot and tables, then for the held-out
     * evaluation of the snapshots (may be null) its plot of the final training loss and its tables; plots as inline
     * SVG, tables as preformatted Markdown.
     */
    public static String html(List<MetaLog> logs, int window, int smooth, HeldOutCurves heldOut) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>lobench meta-training "
                + "report</title>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<style>" + HtmlStyle.CSS
                + "</style></head><body>\n"
                + "<h1>lobench meta-training report</h1>\n");
        if (!logs.isEmpty()) {
            sb.append("<p>Logs: ");
            for (int i = 0; i < logs.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(esc(logs.get(i).name())).append(" (")
                        .append(esc(logs.get(i).source().toString())).append(')');
            }
            sb.append("</p>\n").append(plot(logs, smooth).svg()).append("\n<pre>").append(esc(markdown(logs, window)))
                    .append("</pre>\n");
        }
        if (heldOut != null) {
            sb.append("<h2>Held-out evaluation of the snapshots</h2>\n<p>Thin lines: one per arm and meta-seed (median "
                    + "over its evaluation seeds); thick: the arm's median over meta-seeds; ×: a failure (the median "
                    + "evaluation cell did not complete); dashed: reference optimizers.</p>\n")
                    .append(HeldOutPlot.plot(heldOut, HeldOutCurves.Metric.FINAL_TRAIN_LOSS).svg())
                    .append("\n<pre>").append(esc(heldOut.markdown())).append("</pre>\n");
        }
        return sb.append("</body></html>\n").toString();
    }

    private static String esc(String s) {
        return dev.lobench.results.TextTable.html(s);
    }

    private static String f(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "NaN";
    }
}
