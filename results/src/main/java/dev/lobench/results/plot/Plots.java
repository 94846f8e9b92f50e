package dev.lobench.results.plot;

import dev.lobench.results.Analysis;
import dev.lobench.results.CellRecord;
import dev.lobench.results.Curves;
import dev.lobench.results.LossCurve;
import dev.lobench.results.Outcome;
import dev.lobench.results.PerformanceProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The report's plots, each a function drawing onto a {@link Canvas} (so the same code makes the inline SVG of
 * the HTML report and the PNG files):
 * <ul>
 *   <li>loss curves per task: per optimizer, the EMA-smoothed (beta 0.9) training loss of each completed seed;
 *       line = point-wise median over seeds, band = min..max over seeds; log y when all losses are positive and
 *       span more than a factor 3; at most 400 points per line (evenly thinned);</li>
 *   <li>performance profiles rho_s(tau) per task group (step functions, log x);</li>
 *   <li>speedup over tuned Adam at T per task and optimizer (bars, dashed line at 1).</li>
 * </ul>
 */
public final class Plots {
    public static final int WIDTH = 900;
    public static final int HEIGHT = 420;
    private static final int MAX_POINTS = 400;

    /** A named plot: file-name stem, title, drawing code. */
    public record Plot(String id, String title, Consumer<Canvas> draw) {
        /** The plot as an SVG element (inline in HTML: the page's CSS scales it by its viewBox). */
        public String svg() {
            SvgCanvas c = new SvgCanvas(WIDTH, HEIGHT);
            draw.accept(c);
            return c.svg();
        }

        /** The plot as a stand-alone SVG document (XML declaration, UTF-8). */
        public String svgDocument() {
            return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg();
        }
    }

    /** Writes each plot as {@code DIR/<id>.png}; returns the files in the order of the plots. */
    public static List<Path> writePngs(Path dir, List<Plot> plots) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (Plot p : plots) {
            PngCanvas c = new PngCanvas(WIDTH, HEIGHT);
            p.draw().accept(c);
            Path f = dir.resolve(p.id() + ".png");
            c.write(f);
            out.add(f);
        }
        return out;
    }

    /** Writes each plot as {@code DIR/<id>.svg} (the PNG's name, same drawing); returns the files. */
    public static List<Path> writeSvgs(Path dir, List<Plot> plots) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (Plot p : plots) {
            Path f = dir.resolve(p.id() + ".svg");
            Files.writeString(f, p.svgDocument(), StandardCharsets.UTF_8);
            out.add(f);
        }
        return out;
    }

    private Plots() {}

    public static List<Plot> all(List<CellRecord> cells, Analysis a) {
        List<Plot> out = new ArrayList<>(lossCurves(cells));
        for (Analysis.Group g : a.groups()) {
            if (!g.profile().tasks().isEmpty()) {
                out.add(profile(g));
            }
        }
        out.add(speedupBars(a));
        return out;
    }

    static String slug(String s) {
        return s.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("^-|-$", "");
    }

    public static List<Plot> lossCurves(List<CellRecord> cells) {
        Map<String, Map<String, List<CellRecord>>> byTask = new TreeMap<>();
        for (CellRecord c : cells) {
            byTask.computeIfAbsent(c.task(), k -> new TreeMap<>()).computeIfAbsent(c.optimizer(),
                    k -> new ArrayList<>()).add(c);
        }
        List<Plot> out = new ArrayList<>();
        for (var t : byTask.entrySet()) {
            List<LineChart.Series> series = new ArrayList<>();
            int k = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (var o : t.getValue().entrySet()) {
                List<double[]> curves = o.getValue().stream()
                        .filter(c -> c.outcome() == Outcome.completed && c.trainLoss() != null
                                && LossCurve.stepsRun(c) > 0)
                        .map(c -> Curves.ema(LossCurve.perStep(c))).toList();   // in steps, strided or not
                int color = LineChart.PALETTE[k++ % LineChart.PALETTE.length];
                long failed = o.getValue().stream().filter(c -> c.outcome() != Outcome.completed).count();
                String name = o.getKey() + (failed > 0 ? " (" + failed + " failed)" : "");
                if (curves.isEmpty()) {
                    series.add(new LineChart.Series(name, color, new double[0], new double[0], null, null));
                    continue;
                }
                int len = curves.stream().mapToInt(c -> c.length).min().orElse(0);
                int stride = Math.max(1, (int) Math.ceil(len / (double) MAX_POINTS));
                int n = (len - 1) / stride + 1;
                double[] x = new double[n];
                double[] med = new double[n];
                double[] lo = new double[n];
                double[] hi = new double[n];
                for (int j = 0; j < n; j++) {
                    int i = Math.min(len - 1, j * stride);
                    double[] v = new double[curves.size()];
                    for (int s = 0; s < v.length; s++) {
                        v[s] = curves.get(s)[i];
                    }
                    Arrays.sort(v);
                    x[j] = i;
                    med[j] = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
                    lo[j] = v[0];
                    hi[j] = v[v.length - 1];
                    if (Double.isFinite(lo[j])) {
                        min = Math.min(min, lo[j]);
                    }
                    if (Double.isFinite(hi[j])) {
                        max = Math.max(max, hi[j]);
                    }
                }
                series.add(new LineChart.Series(name, color, x, med, lo, hi));
            }
            boolean log = min > 0 && max / min > 3;
            LineChart chart = new LineChart("Training loss: " + t.getKey(), "step",
                    "train loss (EMA 0.9; median, min–max band)", false, log);
            series.forEach(chart::add);
            out.add(new Plot("loss-" + slug(t.getKey()), "Loss curves: " + t.getKey(), chart::draw));
        }
        return out;
    }

    public static Plot profile(Analysis.Group g) {
        PerformanceProfile.Profile p = g.profile();
        double[] bp = p.breakpoints();
        double tauMax = Math.max(2, bp.length == 0 ? 2 : bp[bp.length - 1] * 1.25);
        LineChart chart = new LineChart("Performance profile (" + g.name() + ", " + p.tasks().size() + " tasks)",
                "τ (cost ratio to the best, log scale)", "ρ(τ): share of tasks", true, false);
        chart.xRange(1, tauMax).yRange(0, 1.05);
        for (int s = 0; s < p.solvers().size(); s++) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            xs.add(1.0);
            ys.add(p.rho(s, 1));
            for (double b : bp) {
                if (b > 1) {
                    xs.add(b);
                    ys.add(p.rho(s, Math.nextDown(b)));
                    xs.add(b);
                    ys.add(p.rho(s, b));
                }
            }
            xs.add(tauMax);
            ys.add(p.rho(s, tauMax));
            // nudge lines apart so that identical profiles stay visible
            double off = s * 0.006;
            chart.add(new LineChart.Series(p.solvers().get(s), LineChart.PALETTE[s % LineChart.PALETTE.length],
                    xs.stream().mapToDouble(Double::doubleValue).toArray(),
                    ys.stream().mapToDouble(v -> v + off).toArray(), null, null));
        }
        return new Plot("profile-" + slug(g.name()), "Performance profile: " + g.name(), chart::draw);
    }

    public static Plot speedupBars(Analysis a) {
        List<String> tasks = a.rows().stream().map(Analysis.StepRow::task).distinct().toList();
        List<String> opts = a.rows().stream().map(Analysis.StepRow::optimizer).distinct().sorted().toList();
        double[][] v = new double[opts.size()][tasks.size()];
        for (double[] row : v) {
            Arrays.fill(row, Double.NaN);
        }
        Map<String, Integer> ti = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            ti.put(tasks.get(i), i);
        }
        for (Analysis.StepRow r : a.rows()) {
            v[opts.indexOf(r.optimizer())][ti.get(r.task())] = r.speedupT();
        }
        BarChart chart = new BarChart("Speedup over tuned Adam at T (median over seeds)", "speedup (> 1: fewer steps)",
                tasks, opts, v, 1.0);
        return new Plot("speedup", "Speedup over tuned Adam", chart::draw);
    }
}
