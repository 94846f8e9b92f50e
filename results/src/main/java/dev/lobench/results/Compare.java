package dev.lobench.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Head-to-head comparison of A and B per task (for {@code lobench compare}): A and B are either two optimizers
 * in one set of results, or one optimizer in a baseline run (A) and a candidate run (B).
 *
 * <p>Per task, over completed seeds (non-completed seeds give no value and are counted apart): the mean of the
 * metric for A and B, delta = mean(B) - mean(A), relative delta = delta / |mean(A)|, and a 95% bootstrap CI of
 * delta resampling the seeds of A and of B independently ({@link Bootstrap}: 2000 resamples, seed fixed per
 * task). Verdict per task, "better" meaning lower loss or higher accuracy:
 * <ul>
 *   <li>one side has completed seeds and the other none: the side with completed seeds wins; neither: tie;</li>
 *   <li>both sides with &gt;= 2 completed seeds: B better when the CI lies entirely on B's better side of 0 AND
 *       |relative delta| &gt; 1%; A better symmetrically; otherwise tie;</li>
 *   <li>a side with 1 seed (no CI): the 1% relative margin alone decides.</li>
 * </ul>
 */
public final class Compare {
    public static final double MARGIN = 0.01;

    public enum Metric {
        FINAL_TRAIN_LOSS("final-train-loss", "final train loss", true, CellMetrics::finalTrainLoss),
        FINAL_TEST_LOSS("final-test-loss", "final test loss", true, CellMetrics::finalTestLoss),
        TEST_ACCURACY("test-accuracy", "test accuracy", false, CellMetrics::finalTestAccuracy);

        public final String cliName;
        public final String title;
        public final boolean lowerIsBetter;
        final ToDoubleFunction<CellRecord> value;

        Metric(String cliName, String title, boolean lowerIsBetter, ToDoubleFunction<CellRecord> value) {
            this.cliName = cliName;
            this.title = title;
            this.lowerIsBetter = lowerIsBetter;
            this.value = value;
        }

        public static Metric parse(String s) {
            for (Metric m : values()) {
                if (m.cliName.equalsIgnoreCase(s)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown metric '" + s
                    + "'; valid: final-train-loss, final-test-loss, test-accuracy");
        }
    }

    /** One side-by-side pair of cell groups on one task. */
    public record Pair(String task, String a, String b, List<CellRecord> cellsA, List<CellRecord> cellsB) {}

    public enum Verdict {
        A_BETTER,
        TIE,
        B_BETTER
    }

    public record Row(String task, String a, String b, int seedsA, int seedsB, int nA, int nB, double meanA,
            double meanB, double delta, double ciLow, double ciHigh, double relDelta, Verdict verdict) {}

    private Compare() {}

    static double mean(double[] x, int[] idx) {
        double s = 0;
        for (int i : idx) {
            s += x[i];
        }
        return s / idx.length;
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return x.length == 0 ? Double.NaN : s / x.length;
    }

    static double[] values(List<CellRecord> cells, Metric m) {
        return cells.stream().filter(c -> c.outcome() == Outcome.completed).mapToDouble(m.value)
                .filter(Double::isFinite).toArray();
    }

    public static Row row(Pair p, Metric m) {
        double[] a = values(p.cellsA(), m);
        double[] b = values(p.cellsB(), m);
        double ma = mean(a);
        double mb = mean(b);
        double delta = mb - ma;
        double rel = Double.isFinite(delta) && ma != 0 ? delta / Math.abs(ma) : Double.NaN;
        double lo = Double.NaN;
        double hi = Double.NaN;
        Verdict v;
        if (a.length == 0 || b.length == 0) {
            v = a.length == b.length ? Verdict.TIE : a.length == 0 ? Verdict.B_BETTER : Verdict.A_BETTER;
        } else {
            // B's improvement in the metric's better direction
            double sign = m.lowerIsBetter ? -1 : 1;
            boolean big = Double.isFinite(rel) ? Math.abs(rel) > MARGIN : delta != 0;
            if (a.length >= 2 && b.length >= 2) {
                long seed = Bootstrap.DEFAULT_SEED ^ p.task().hashCode();
                java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
                double[] d = new double[Bootstrap.REPS];
                int[] ia = new int[a.length];
                int[] ib = new int[b.length];
                for (int r = 0; r < d.length; r++) {
                    for (int i = 0; i < ia.length; i++) {
                        ia[i] = rnd.nextInt(a.length);
                    }
                    for (int i = 0; i < ib.length; i++) {
                        ib[i] = rnd.nextInt(b.length);
                    }
                    d[r] = mean(b, ib) - mean(a, ia);
                }
                java.util.Arrays.sort(d);
                lo = Stats.quantile(d, 0.025);
                hi = Stats.quantile(d, 0.975);
                double imprLo = sign > 0 ? lo : -hi; // lower bound of B's improvement
                double imprHi = sign > 0 ? hi : -lo;
                v = big && imprLo > 0 ? Verdict.B_BETTER : big && imprHi < 0 ? Verdict.A_BETTER : Verdict.TIE;
            } else {
                v = !big ? Verdict.TIE : sign * delta > 0 ? Verdict.B_BETTER : Verdict.A_BETTER;
            }
        }
        return new Row(p.task(), p.a(), p.b(), p.cellsA().size(), p.cellsB().size(), a.length, b.length, ma, mb,
                delta, lo, hi, rel, v);
    }

    public static List<Row> rows(List<Pair> pairs, Metric m) {
        return pairs.stream().map(p -> row(p, m)).toList();
    }

    // ---- rendering ----------------------------------------------------------------------------------------

    private static String f(double v) {
        return Report.formatNumber(v);
    }

    private static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.1f%%", 100 * v) : "—";
    }

    public static String summary(List<Row> rows, Metric m, String nameA, String nameB) {
        long bw = rows.stream().filter(r -> r.verdict() == Verdict.B_BETTER).count();
        long aw = rows.stream().filter(r -> r.verdict() == Verdict.A_BETTER).count();
        long t = rows.size() - aw - bw;
        double medRel = Stats.of(rows.stream().mapToDouble(Row::relDelta).toArray()).median();
        return String.format(Locale.ROOT, "Over %d task(s), %s is better than %s on %d, worse on %d and tied on %d"
                + " (%s, %s; a task counts only when the 95%% bootstrap CI of the difference excludes 0 and the"
                + " change exceeds 1%% relative, or by the 1%% margin alone with a single seed). Median relative"
                + " change of %s vs %s: %s.", rows.size(), nameB, nameA, bw, aw, t, m.title,
                m.lowerIsBetter ? "lower is better" : "higher is better", nameB, nameA, pct(medRel));
    }

    public static String markdown(List<Row> rows, Metric m, String nameA, String nameB) {
        StringBuilder sb = new StringBuilder();
        sb.append("### lobench compare: ").append(TextTable.md(nameB)).append(" vs ")
                .append(TextTable.md(nameA)).append(" (").append(m.title).append(")\n\n");
        sb.append(summary(rows, m, TextTable.md(nameA), TextTable.md(nameB))).append("\n\n");
        TextTable t = new TextTable().left("Task").left("A").left("B").right("Seeds A/B").right("Mean A")
                .right("Mean B").right("Δ (B−A)").left("95% CI").right("Rel.").left("Verdict");
        for (Row r : rows) {
            String ci = Double.isFinite(r.ciLow()) ? "[" + f(r.ciLow()) + ", " + f(r.ciHigh()) + "]" : "—";
            String seeds = r.nA() + (r.nA() < r.seedsA() ? "(+" + (r.seedsA() - r.nA()) + " failed)" : "") + "/"
                    + r.nB() + (r.nB() < r.seedsB() ? "(+" + (r.seedsB() - r.nB()) + " failed)" : "");
            String verdict = switch (r.verdict()) {
                case A_BETTER -> "A better";
                case B_BETTER -> "B better";
                case TIE -> "tie";
            };
            t.row(r.task(), r.a(), r.b(), seeds, f(r.meanA()), f(r.meanB()), f(r.delta()), ci, pct(r.relDelta()),
                    verdict);
        }
        sb.append(t.markdown());
        long bw = rows.stream().filter(r -> r.verdict() == Verdict.B_BETTER).count();
        long aw = rows.stream().filter(r -> r.verdict() == Verdict.A_BETTER).count();
        sb.append("\nB wins / ties / B losses: ").append(bw).append(" / ").append(rows.size() - aw - bw).append(" / ")
                .append(aw).append(". Means over completed seeds; failed seeds give no value.\n");
        return sb.toString();
    }

    public static String csv(List<Row> rows) {
        TextTable t = new TextTable();
        for (String h : ("task,a,b,seeds_a,seeds_b,n_a,n_b,mean_a,mean_b,delta,ci_low,ci_high,rel_delta,verdict")
                .split(",")) {
            t.left(h);
        }
        for (Row r : rows) {
            List<String> cells = new ArrayList<>(List.of(r.task(), r.a(), r.b(), Integer.toString(r.seedsA()),
                    Integer.toString(r.seedsB()), Integer.toString(r.nA()), Integer.toString(r.nB())));
            for (double v : new double[] {r.meanA(), r.meanB(), r.delta(), r.ciLow(), r.ciHigh(), r.relDelta()}) {
                cells.add(Double.isFinite(v) ? Double.toString(v) : "");
            }
            cells.add(r.verdict().name().toLowerCase(Locale.ROOT));
            t.row(cells.toArray(String[]::new));
        }
        return t.csv();
    }

    public static String json(List<Row> rows, Metric m, String nameA, String nameB) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("a", nameA);
        root.put("b", nameB);
        root.put("metric", m.cliName);
        root.put("summary", summary(rows, m, nameA, nameB));
        List<Object> l = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("task", r.task());
            x.put("a", r.a());
            x.put("b", r.b());
            x.put("seedsA", r.seedsA());
            x.put("seedsB", r.seedsB());
            x.put("nA", r.nA());
            x.put("nB", r.nB());
            x.put("meanA", fin(r.meanA()));
            x.put("meanB", fin(r.meanB()));
            x.put("delta", fin(r.delta()));
            x.put("ciLow", fin(r.ciLow()));
            x.put("ciHigh", fin(r.ciHigh()));
            x.put("relDelta", fin(r.relDelta()));
            x.put("verdict", r.verdict().name().toLowerCase(Locale.ROOT));
            l.add(x);
        }
        root.put("tasks", l);
        try {
            return ResultsJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object fin(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
