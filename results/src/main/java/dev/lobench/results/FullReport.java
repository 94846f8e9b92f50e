package dev.lobench.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tech.tablesaw.api.Table;

/**
 * What {@code lobench report} prints: the per-(task, optimizer) table of {@link Report}, the step metrics of
 * {@link Analysis} (speedup over tuned Adam at T and T/2, normalised loss) and the cross-task section (win
 * rates with bootstrap CIs, performance-profile summary), per task group (all / in-distribution /
 * out-of-distribution).
 *
 * <p>Formats: Markdown; CSV as one table, the {@link Report} table (one header, so the output loads as one CSV),
 * with every table as its own CSV in {@link #csvTables} (the {@link Report} table, the step metrics, the cross-task
 * metrics in long form: group, metric, optimizer, other, value, ci_low, ci_high, n); JSON as one object
 * {@code {"rows", "stepMetrics", "crossTask"}} (NaN and infinity as null; plus {@code "stability"} when stability
 * records are reported with the cells, {@link #json(List, List)}); LaTeX as booktabs tables.
 */
public final class FullReport {
    public enum Format {
        MARKDOWN,
        CSV,
        JSON,
        LATEX
    }

    private FullReport() {}

    public static String render(RunHeader header, List<CellRecord> cells, Format format) {
        if (format == Format.CSV) {
            return Report.render(cells, Report.Format.CSV);
        }
        Analysis a = Analysis.of(cells);
        return switch (format) {
            case MARKDOWN -> Report.render(header, cells, Report.Format.MARKDOWN) + "\n" + markdown(a);
            case CSV -> throw new IllegalStateException("handled above");
            case JSON -> json(cells, a, List.of());
            case LATEX -> latex(cells, a);
        };
    }

    /** The file name of the {@link Report} table in {@link #csvTables}. */
    public static final String SUMMARY_CSV = "summary.csv";
    /** The file name of the step metrics (speedup, normalised loss) in {@link #csvTables}. */
    public static final String STEP_METRICS_CSV = "step-metrics.csv";
    /** The file name of the cross-task metrics (win rates, performance profile) in {@link #csvTables}. */
    public static final String CROSS_TASK_CSV = "cross-task.csv";

    /**
     * Every table of the report as its own CSV (one header each), by file name in a fixed order: {@link #SUMMARY_CSV},
     * {@link #STEP_METRICS_CSV}, {@link #CROSS_TASK_CSV}. Without cells each is its header line alone.
     */
    public static Map<String, String> csvTables(List<CellRecord> cells) {
        Map<String, String> tables = new LinkedHashMap<>();
        tables.put(SUMMARY_CSV, Report.render(cells, Report.Format.CSV));
        if (cells.isEmpty()) {
            tables.put(STEP_METRICS_CSV, stepTable().csv());
            tables.put(CROSS_TASK_CSV, crossTable().csv());
        } else {
            Analysis a = Analysis.of(cells);
            tables.put(STEP_METRICS_CSV, stepCsv(a));
            tables.put(CROSS_TASK_CSV, crossCsv(a));
        }
        return tables;
    }

    static String fmt(double v) {
        if (v == Double.POSITIVE_INFINITY) {
            return "∞";
        }
        return Report.formatNumber(v);
    }

    static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.0f%%", 100 * v) : "—";
    }

    // ---- Markdown -----------------------------------------------------------------------------------------

    static String markdown(Analysis a) {
        StringBuilder sb = new StringBuilder();
        sb.append("## Speedup over tuned Adam and normalised loss\n\n");
        TextTable steps = new TextTable().left("Task").left("Optimizer").left("Dist").right("Seeds").right("Speedup at T")
                .right("Speedup at T/2").right("Normalised loss");
        for (Analysis.StepRow r : a.rows()) {
            steps.row(r.task(), r.optimizer(), r.inDistribution() ? "in" : "OOD", Integer.toString(r.seeds()),
                    fmt(r.speedupT()), fmt(r.speedupHalf()), fmt(r.normalisedLoss()));
        }
        sb.append(steps.markdown()).append('\n').append(STEP_NOTES).append("\n\n");
        for (Analysis.Group g : a.groups()) {
            sb.append("## Cross-task: ").append(g.name()).append(" (").append(g.tasks().size())
                    .append(g.tasks().size() == 1 ? " task" : " tasks").append(")\n\n");
            sb.append("Win rates (A over B, per task × seed pair):\n\n");
            if (g.winRates().isEmpty()) {
                sb.append("_no optimizer pair shares a (task, seed)_\n\n");
            } else {
                TextTable wins = new TextTable().left("A").left("B").right("Pairs").right("Wins").right("Ties")
                        .right("Losses").right("Win rate").left("95% CI (tasks)");
                for (WinRate.Result r : g.winRates()) {
                    wins.row(r.a(), r.b(), Integer.toString(r.pairs()), Integer.toString(r.wins()),
                            Integer.toString(r.ties()), Integer.toString(r.losses()), pct(r.rate()),
                            "[" + pct(r.ciLow()) + ", " + pct(r.ciHigh()) + "]");
                }
                sb.append(wins.markdown()).append('\n');
            }
            PerformanceProfile.Profile p = g.profile();
            sb.append("Performance profile ρ_s(τ) over ").append(p.tasks().size())
                    .append(" task(s) with a tuned-Adam target; median speedup at T over tasks:\n\n");
            TextTable profile = new TextTable().left("Optimizer");
            for (double t : Analysis.TAUS) {
                profile.right("ρ(" + fmt(t) + ")");
            }
            profile.right("ρ(∞)").right("Median speedup at T");
            for (int s = 0; s < p.solvers().size(); s++) {
                List<String> cells = new ArrayList<>();
                cells.add(p.solvers().get(s));
                for (double t : Analysis.TAUS) {
                    cells.add(pct(p.rho(s, t)));
                }
                cells.add(pct(p.rho(s, Double.MAX_VALUE)));
                cells.add(fmt(g.medianSpeedupT().getOrDefault(p.solvers().get(s), Double.NaN)));
                profile.row(cells.toArray(String[]::new));
            }
            sb.append(profile.markdown()).append('\n');
        }
        sb.append(CROSS_NOTES).append('\n');
        return sb.toString();
    }

    static final String STEP_NOTES = "Speedup: envelope method. Adam cells of the task are averaged over completed"
            + " seeds per learning rate, smoothed with an EMA (β = 0.9), the envelope E is the running minimum of"
            + " their point-wise minimum; for each seed of an optimizer l = its EMA-smoothed loss at t, speedup ="
            + " N(l)/t with N(l) the first (interpolated) step at which E reaches l, capped at T_ref/t when l is"
            + " below all of E. Non-completed runs: 0. Median over seeds; > 1 = fewer steps than tuned Adam; — ="
            + " no completed Adam run on the task. Normalised loss: (L(T) − L_min)/(L_init − L_min), L_min = the"
            + " lowest final train loss of any completed run on the task; non-completed runs use their last finite"
            + " loss (or the initial loss). Dist: in = the task is in some optimizer's meta-training set.";

    static final String CROSS_NOTES = "Win rate: share of (task, seed) pairs where A's final train loss is lower"
            + " than B's by more than 1% (relative); ties counted apart; non-completed runs lose to completed ones."
            + " 95% CI: percentile bootstrap over tasks (2000 resamples, fixed seed). Performance profile"
            + " (Dolan-More): cost = steps of the EMA-smoothed curve to reach the task's target = the loss tuned"
            + " Adam (the envelope) reaches at T; median over seeds; ∞ if never reached or not completed;"
            + " ρ_s(τ) = share of tasks with cost ≤ τ × the best cost on that task.";

    public static String stepNotes() {
        return STEP_NOTES;
    }

    public static String crossNotes() {
        return CROSS_NOTES;
    }

    // ---- CSV ----------------------------------------------------------------------------------------------

    private static String csvNum(double v) {
        return Double.isNaN(v) ? "" : v == Double.POSITIVE_INFINITY ? "Infinity" : Double.toString(v);
    }

    private static TextTable stepTable() {
        return columns("task,optimizer,in_distribution,seeds,speedup_T,speedup_half,normalised_loss");
    }

    private static TextTable crossTable() {
        return columns("group,metric,optimizer,other,value,ci_low,ci_high,n");
    }

    /** A CSV table of the given comma-separated column names. */
    private static TextTable columns(String names) {
        TextTable t = new TextTable();
        for (String h : names.split(",")) {
            t.left(h);
        }
        return t;
    }

    static String stepCsv(Analysis a) {
        TextTable t = stepTable();
        for (Analysis.StepRow r : a.rows()) {
            t.row(r.task(), r.optimizer(), Boolean.toString(r.inDistribution()), Integer.toString(r.seeds()),
                    csvNum(r.speedupT()), csvNum(r.speedupHalf()), csvNum(r.normalisedLoss()));
        }
        return t.csv();
    }

    static String crossCsv(Analysis a) {
        TextTable t = crossTable();
        for (Analysis.Group g : a.groups()) {
            for (WinRate.Result r : g.winRates()) {
                t.row(g.name(), "win_rate", r.a(), r.b(), csvNum(r.rate()), csvNum(r.ciLow()), csvNum(r.ciHigh()),
                        Integer.toString(r.pairs()));
            }
            PerformanceProfile.Profile p = g.profile();
            for (int s = 0; s < p.solvers().size(); s++) {
                for (double tau : Analysis.TAUS) {
                    t.row(g.name(), "rho_tau_" + tau, p.solvers().get(s), "", csvNum(p.rho(s, tau)), "", "",
                            Integer.toString(p.tasks().size()));
                }
                String o = p.solvers().get(s);
                t.row(g.name(), "median_speedup_T", o, "", csvNum(g.medianSpeedupT().getOrDefault(o, Double.NaN)),
                        "", "", Integer.toString(g.tasks().size()));
            }
        }
        return t.csv();
    }

    // ---- JSON ---------------------------------------------------------------------------------------------

    private static Object num(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /**
     * The JSON report of {@code cells} as one object, with the {@code stability} records (as {@code lobench stability
     * --format json} writes them: an array of {@code stability} records) under the key {@code "stability"} when there
     * are any, so that a report of results and stability records is still one JSON document.
     */
    public static String json(List<CellRecord> cells, List<StabilityRecord> stability) {
        return json(cells, Analysis.of(cells), stability);
    }

    static String json(List<CellRecord> cells, Analysis a, List<StabilityRecord> stability) {
        Map<String, Object> root = new LinkedHashMap<>();
        try {
            root.put("rows", ResultsJson.mapper().readValue(Report.render(cells, Report.Format.JSON), List.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot re-read the report JSON", e);
        }
        List<Object> steps = new ArrayList<>();
        for (Analysis.StepRow r : a.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", r.task());
            m.put("optimizer", r.optimizer());
            m.put("inDistribution", r.inDistribution());
            m.put("seeds", r.seeds());
            m.put("speedupT", num(r.speedupT()));
            m.put("speedupHalf", num(r.speedupHalf()));
            m.put("normalisedLoss", num(r.normalisedLoss()));
            steps.add(m);
        }
        root.put("stepMetrics", steps);
        List<Object> groups = new ArrayList<>();
        for (Analysis.Group g : a.groups()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("group", g.name());
            m.put("tasks", g.tasks());
            List<Object> wr = new ArrayList<>();
            for (WinRate.Result r : g.winRates()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("a", r.a());
                x.put("b", r.b());
                x.put("tasks", r.tasks());
                x.put("pairs", r.pairs());
                x.put("wins", r.wins());
                x.put("ties", r.ties());
                x.put("losses", r.losses());
                x.put("winRate", num(r.rate()));
                x.put("ciLow", num(r.ciLow()));
                x.put("ciHigh", num(r.ciHigh()));
                wr.add(x);
            }
            m.put("winRates", wr);
            PerformanceProfile.Profile p = g.profile();
            Map<String, Object> prof = new LinkedHashMap<>();
            prof.put("tasks", p.tasks());
            Map<String, Object> solvers = new LinkedHashMap<>();
            for (int s = 0; s < p.solvers().size(); s++) {
                Map<String, Object> x = new LinkedHashMap<>();
                List<Object> ratios = new ArrayList<>();
                for (double r : p.ratio()[s]) {
                    ratios.add(num(r));
                }
                x.put("ratio", ratios);
                Map<String, Object> rho = new LinkedHashMap<>();
                for (double t : Analysis.TAUS) {
                    rho.put(Double.toString(t), num(p.rho(s, t)));
                }
                x.put("rho", rho);
                x.put("medianSpeedupT", num(g.medianSpeedupT().getOrDefault(p.solvers().get(s), Double.NaN)));
                solvers.put(p.solvers().get(s), x);
            }
            prof.put("solvers", solvers);
            m.put("performanceProfile", prof);
            groups.add(m);
        }
        root.put("crossTask", groups);
        if (!stability.isEmpty()) {
            root.put("stability", stability);
        }
        try {
            return ResultsJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the report", e);
        }
    }

    // ---- LaTeX --------------------------------------------------------------------------------------------

    private static String texNum(double v) {
        if (v == Double.POSITIVE_INFINITY) {
            return "$\\infty$";
        }
        String s = Report.formatNumber(v);
        return s.equals("—") ? "--" : s;
    }

    private static String texPct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.0f\\%%", 100 * v) : "--";
    }

    static String latex(List<CellRecord> cells, Analysis a) {
        Table t = Report.table(cells);
        TextTable steps = new TextTable().texCells().left("Task").left("Optimizer").right("Seeds")
                .right("Final train loss").right("$\\times$ Adam").right("Speedup@$T$").right("Speedup@$T/2$")
                .right("Norm.\\ loss");
        String prevTask = null;
        for (int r = 0; r < t.rowCount(); r++) {
            String task = t.stringColumn("task").get(r);
            String opt = t.stringColumn("optimizer").get(r);
            if (prevTask != null && !prevTask.equals(task)) {
                steps.gap();
            }
            prevTask = task;
            Analysis.StepRow sr = a.rows().stream().filter(x -> x.task().equals(task) && x.optimizer().equals(opt))
                    .findFirst().orElseThrow();
            double med = t.doubleColumn("train_loss_median").getDouble(r);
            double q1 = t.doubleColumn("train_loss_q1").getDouble(r);
            double q3 = t.doubleColumn("train_loss_q3").getDouble(r);
            String loss = Double.isFinite(med) ? texNum(med) + " [" + texNum(q1) + ", " + texNum(q3) + "]" : "--";
            steps.row(TextTable.tex(task), TextTable.tex(opt), Integer.toString(t.intColumn("seeds").getInt(r)), loss,
                    texNum(t.doubleColumn("train_loss_vs_adam").getDouble(r)), texNum(sr.speedupT()),
                    texNum(sr.speedupHalf()), texNum(sr.normalisedLoss()));
        }
        StringBuilder sb = new StringBuilder();
        sb.append("% lobench report; requires \\usepackage{booktabs}\n");
        tableFloat(sb, steps, "Per task and optimizer: final train loss median"
                + " [Q1, Q3] over completed seeds, ratio to the Adam reference, speedup over tuned Adam (envelope"
                + " method, EMA $\\beta=0.9$; non-completed runs 0) and normalised loss (medians over seeds).");
        for (Analysis.Group g : a.groups()) {
            if (g.winRates().isEmpty()) {
                continue;
            }
            TextTable wins = new TextTable().texCells().left("A").left("B").right("Pairs").right("Wins").right("Ties")
                    .right("Win rate").left("95\\% CI");
            for (WinRate.Result r : g.winRates()) {
                wins.row(TextTable.tex(r.a()), TextTable.tex(r.b()), Integer.toString(r.pairs()),
                        Integer.toString(r.wins()), Integer.toString(r.ties()), texPct(r.rate()),
                        "[" + texPct(r.ciLow()) + ", " + texPct(r.ciHigh()) + "]");
            }
            sb.append('\n');
            tableFloat(sb, wins, "Win rates of A over B, " + TextTable.tex(g.name()) + " tasks (" + g.tasks().size()
                    + "): final train loss lower by more than 1\\%; 95\\% CI by bootstrap over tasks.");
        }
        return sb.toString();
    }

    /** A LaTeX table float (booktabs, small) around {@code t}; {@code caption} is LaTeX already. */
    static void tableFloat(StringBuilder sb, TextTable t, String caption) {
        sb.append("\\begin{table}[t]\n\\centering\n\\small\n").append(t.latex()).append("\\caption{").append(caption)
                .append("}\n\\end{table}\n");
    }
}
