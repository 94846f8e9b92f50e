package dev.lobench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lobench.results.plot.HtmlReport;
import dev.lobench.results.plot.Plots;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Report formats (Markdown, CSV, JSON, LaTeX), the HTML report, PNG plots and Compare. */
class FullReportTest {

    static CellRecord c(String task, String opt, long seed, boolean inMeta, Outcome o, float... curve) {
        return new CellRecord("cell", 1, task + "|" + opt + "|" + seed, task, "fixture", Map.of(), inMeta, opt,
                OptimizerNames.base(opt), Map.of(), null, seed, curve.length, 10, o, null, 10.0, curve,
                List.of(new EvalPoint(curve.length, curve[curve.length - 1] + 0.5, 0.5 + seed * 0.1, Double.NaN)),
                new Timing(1, 1, 0.1, 0, 2, 1, 1, 0), Map.of());
    }

    /**
     * Task "in_1" (in the meta-training set of "lo"): adam [10, 0, 0] (EMA 10, 9, 8.1) and lo [10, -10, 0]
     * (EMA 10, 8, 7.2 -> speedup capped at T_ref/t = 2/2 = 1) with 2 seeds each; task "ood" with the same curves
     * but lo diverged. Final train losses (k = 1, last value): adam 0, lo 0 on in_1 -> tie.
     */
    static List<CellRecord> fixture() {
        List<CellRecord> l = new ArrayList<>();
        for (long s = 0; s < 2; s++) {
            l.add(c("in_1", "adam(lr=0.1)", s, false, Outcome.completed, 10, 0, 0));
            l.add(c("in_1", "lo", s, true, Outcome.completed, 10, -10, 0));
            l.add(c("ood", "adam(lr=0.1)", s, false, Outcome.completed, 10, 0, 0));
            l.add(c("ood", "lo", s, false, Outcome.diverged, 10, Float.NaN));
        }
        return l;
    }

    @Test
    void groupsSplitInDistributionAndOod() {
        Analysis a = Analysis.of(fixture());
        assertEquals(List.of("all", "in-distribution", "out-of-distribution"),
                a.groups().stream().map(Analysis.Group::name).toList());
        // adam vs lo: in_1 two ties (0 vs 0), ood two wins for adam (lo diverged) -> all: 2 wins / 4 pairs
        WinRate.Result all = a.groups().get(0).winRates().get(0);
        assertEquals("adam(lr=0.1)", all.a());
        assertEquals(2, all.wins());
        assertEquals(2, all.ties());
        assertEquals(0.5, all.rate(), 0);
        assertEquals(0.0, a.groups().get(1).winRates().get(0).rate(), 0);
        assertEquals(1.0, a.groups().get(2).winRates().get(0).rate(), 0);
        Analysis.StepRow lo = a.rows().stream().filter(r -> r.task().equals("in_1") && r.optimizer().equals("lo"))
                .findFirst().orElseThrow();
        assertEquals(1.0, lo.speedupT(), 1e-12);
        assertEquals(2.0, lo.speedupHalf(), 1e-12);
        assertTrue(lo.inDistribution());
        // lo diverged on ood: speedup 0 (non-completed rule)
        assertEquals(0.0, a.rows().stream().filter(r -> r.task().equals("ood") && r.optimizer().equals("lo"))
                .findFirst().orElseThrow().speedupT(), 0);
    }

    @Test
    void markdownCsvJsonLatex() throws Exception {
        String md = FullReport.render(null, fixture(), FullReport.Format.MARKDOWN);
        assertTrue(md.contains("## Cross-task: in-distribution (1 task)"), md);
        assertTrue(md.contains("| adam(lr=0.1) | lo | 4 | 2 | 2 | 0 | 50% |"), md);
        // CSV: the summary table alone (one header); every table as its own CSV in csvTables
        String csv = FullReport.render(null, fixture(), FullReport.Format.CSV);
        assertEquals(Report.render(fixture(), Report.Format.CSV), csv);
        java.util.Map<String, String> tables = FullReport.csvTables(fixture());
        assertEquals(List.of(FullReport.SUMMARY_CSV, FullReport.STEP_METRICS_CSV, FullReport.CROSS_TASK_CSV),
                List.copyOf(tables.keySet()));
        assertEquals(csv, tables.get(FullReport.SUMMARY_CSV));
        assertTrue(tables.get(FullReport.STEP_METRICS_CSV).startsWith(
                "task,optimizer,in_distribution,seeds,speedup_T,speedup_half,normalised_loss\n"));
        assertTrue(tables.get(FullReport.CROSS_TASK_CSV).contains("\nall,win_rate,adam(lr=0.1),lo,0.5,"),
                tables.get(FullReport.CROSS_TASK_CSV));
        for (java.util.Map.Entry<String, String> e : tables.entrySet()) {
            assertFalse(e.getValue().contains("\n\n"), e.getKey() + " holds one table: " + e.getValue());
        }
        // without cells every table is its header alone, the same header as with cells
        java.util.Map<String, String> empty = FullReport.csvTables(List.of());
        for (java.util.Map.Entry<String, String> e : empty.entrySet()) {
            String withCells = tables.get(e.getKey());
            assertEquals(withCells.substring(0, withCells.indexOf('\n') + 1), e.getValue(), e.getKey());
        }
        JsonNode j = ResultsJson.mapper().readTree(FullReport.render(null, fixture(), FullReport.Format.JSON));
        assertEquals(4, j.get("rows").size());
        assertEquals(0.5, j.get("crossTask").get(0).get("winRates").get(0).get("winRate").asDouble(), 0);
        // lo on in_1 reaches the target first (cost 1 vs adam's 2): rho(1) = 1/2 over the 2 tasks of "all"
        assertEquals(0.5, j.get("crossTask").get(0).get("performanceProfile").get("solvers").get("lo").get("rho")
                .get("1.0").asDouble(), 0);
        String tex = FullReport.render(null, fixture(), FullReport.Format.LATEX);
        assertTrue(tex.contains("\\toprule") && tex.contains("\\midrule") && tex.contains("\\bottomrule"));
        assertTrue(tex.contains("in\\_1 & adam(lr=0.1) & 2 &"), tex);
        assertFalse(tex.contains("in_1"));
        assertEquals("a\\&b\\_c\\%", TextTable.tex("a&b_c%"));
    }

    @Test
    void htmlIsSelfContainedWithBands(@TempDir Path dir) throws Exception {
        String html = HtmlReport.render(null, fixture());
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertFalse(html.contains("<script"));
        assertFalse(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "").contains("http"));
        // 4 loss-curve plots? no: 2 tasks, + profiles of 3 groups + speedup bars
        assertEquals(2 + 3 + 1, html.split("<svg ", -1).length - 1);
        // two seeds per optimizer: a min-max band polygon is drawn
        String loss = Plots.lossCurves(fixture()).get(0).svg();
        assertTrue(loss.contains("<polygon"), loss);
        List<Path> pngs = HtmlReport.writePngs(dir, fixture());
        assertEquals(6, pngs.size());
        BufferedImage img = ImageIO.read(pngs.get(0).toFile());
        assertEquals(Plots.WIDTH, img.getWidth());
        assertEquals(Plots.HEIGHT, img.getHeight());
        int coloured = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                int r = rgb >> 16;
                int b = rgb & 0xff;
                if (b > r + 60) { // the first palette colour is blue 0x1f77b4
                    coloured++;
                }
            }
        }
        assertTrue(coloured > 100, "blue line pixels: " + coloured);
    }

    static List<CellRecord> seeds(String task, String opt, float... finals) {
        List<CellRecord> l = new ArrayList<>();
        for (int s = 0; s < finals.length; s++) {
            l.add(c(task, opt, s, false, Outcome.completed, 10, finals[s]));
        }
        return l;
    }

    @Test
    void compareDeltasCisAndVerdicts() {
        // A {1.0, 1.2} mean 1.1; B {2.0, 2.2} mean 2.1: delta 1.0, rel 1.0/1.1. Resampled means lie in
        // {1.0, 1.1, 1.2} and {2.0, 2.1, 2.2}, so the CI is inside [0.8, 1.2], above 0: A better (lower loss).
        Compare.Row r = Compare.row(new Compare.Pair("t", "A", "B", seeds("t", "A", 1.0f, 1.2f),
                seeds("t", "B", 2.0f, 2.2f)), Compare.Metric.FINAL_TRAIN_LOSS);
        assertEquals(1.0, r.delta(), 1e-6);
        assertEquals(1.0 / 1.1, r.relDelta(), 1e-6);
        assertTrue(r.ciLow() >= 0.8 - 1e-6 && r.ciHigh() <= 1.2 + 1e-6 && r.ciLow() > 0, r.toString());
        assertEquals(Compare.Verdict.A_BETTER, r.verdict());
        // one seed a side: 1.005 vs 1.0 is +0.5% < 1% margin -> tie
        Compare.Row t = Compare.row(new Compare.Pair("t", "A", "B", seeds("t", "A", 1.0f), seeds("t", "B", 1.005f)),
                Compare.Metric.FINAL_TRAIN_LOSS);
        assertEquals(Compare.Verdict.TIE, t.verdict());
        assertTrue(Double.isNaN(t.ciLow()));
        // accuracy: higher is better. Eval accuracy = 0.5 + 0.1*seed -> A seeds {0}: 0.5; B seeds {0, 1}: mean 0.55
        Compare.Row acc = Compare.row(new Compare.Pair("t", "A", "B", seeds("t", "A", 1f), seeds("t", "B", 1f, 1f)),
                Compare.Metric.TEST_ACCURACY);
        assertEquals(0.05, acc.delta(), 1e-9);
        assertEquals(Compare.Verdict.B_BETTER, acc.verdict());
        // B all diverged: A better
        Compare.Row dv = Compare.row(new Compare.Pair("t", "A", "B", seeds("t", "A", 1f),
                List.of(c("t", "B", 0, false, Outcome.diverged, 10, Float.NaN))), Compare.Metric.FINAL_TRAIN_LOSS);
        assertEquals(Compare.Verdict.A_BETTER, dv.verdict());
        String md = Compare.markdown(List.of(r, t, dv), Compare.Metric.FINAL_TRAIN_LOSS, "A", "B");
        assertTrue(md.contains("Over 3 task(s), B is better than A on 0, worse on 2 and tied on 1"), md);
        assertTrue(md.contains("0(+1 failed)"), md);
    }
}
