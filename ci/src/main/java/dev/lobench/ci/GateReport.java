package dev.lobench.ci;

import dev.lobench.results.Report;
import dev.lobench.results.TextTable;
import java.util.Locale;

/** Renders a {@link Gate.Result} as Markdown (PR comment / step summary) and as JUnit XML. */
public final class GateReport {
    private GateReport() {}

    private static String num(double v) {
        return Report.formatNumber(v);
    }

    private static String rel(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.1f%%", 100 * v) : "—";
    }

    private static String esc(String s) {
        return TextTable.md(orDash(s));
    }

    private static String orDash(String s) {
        return s == null ? "—" : s;
    }

    public static String markdown(Gate.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("## lobench CI gate: ").append(r.passed() ? "PASS" : "FAIL").append("\n\n");
        sb.append(r.count(Gate.Status.PASS)).append(" passed, ").append(r.count(Gate.Status.FAIL)).append(" failed, ")
                .append(r.count(Gate.Status.NEW)).append(" new (not gated). Baseline machine: ")
                .append(r.baselineMachine() == null ? "unknown" : esc(r.baselineMachine().describe()))
                .append("; candidate: ")
                .append(r.candidateMachine() == null ? "unknown" : esc(r.candidateMachine().describe()))
                .append(r.machinesComparable() ? " (comparable: overhead gated)." : " (not comparable: overhead not gated).")
                .append("\n\n");
        for (String f : r.runFailures()) {
            sb.append("**FAIL**: ").append(esc(f)).append("\n\n");
        }
        TextTable t = new TextTable().left("Task").left("Optimizer").left("Verdict").right("Final loss base")
                .right("Final loss cand").right("Δ").right("p (MWU)").right("Seeds b/c").right("Step × Adam base → cand")
                .left("Details");
        for (Gate.Verdict v : r.verdicts()) {
            String name = v.candidateOptimizer() != null && !v.candidateOptimizer().equals(v.optimizer())
                    ? v.optimizer() + " ↔ " + v.candidateOptimizer() : v.optimizer();
            String details = String.join("; ", v.failures());
            if (!v.notes().isEmpty()) {
                details = details.isEmpty() ? String.join("; ", v.notes())
                        : details + "; " + String.join("; ", v.notes());
            }
            t.row(orDash(v.task()), orDash(name), v.status() == Gate.Status.FAIL ? "**FAIL**" : v.status().name(),
                    num(v.baselineMedian()), num(v.candidateMedian()), rel(v.relEffect()), num(v.pValue()),
                    v.baselineN() + "/" + v.candidateN(),
                    num(v.baselineStepRatio()) + " → " + num(v.candidateStepRatio()),
                    details.isEmpty() ? "—" : details);
        }
        sb.append(t.markdown());
        Gate.Options o = r.options();
        sb.append('\n').append(String.format(Locale.ROOT, "Rule: a (task, optimizer) fails when it is missing; when a"
                + " seed did not complete where the baseline's did; when its median final train loss is worse by"
                + " more than %.0f%% relative AND a one-sided exact Mann-Whitney U test gives p <= %.2g (with too"
                + " few seeds for the test to reach %.2g, the %.0f%% tolerance alone decides); or when its full-step"
                + " time ratio to Adam (same task, same run) exceeds %.2gx the baseline's, checked only on"
                + " comparable machines, where Adam's step takes >= %.3g ms and Adam's own step time moved by"
                + " less than that factor. Matching: %s.%n",
                100 * o.relTolerance(), o.alpha(), o.alpha(), 100 * o.relTolerance(), o.overheadTolerance(),
                o.minStepMs(), o.matchBase() ? "by base optimizer name" : "exact optimizer names"));
        return sb.toString();
    }

    private static String xml(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t') {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    public static String junit(Gate.Result r) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        long n = r.verdicts().size() + r.runFailures().size();
        long f = r.count(Gate.Status.FAIL) + r.runFailures().size();
        long skipped = r.count(Gate.Status.NEW);
        sb.append("<testsuites tests=\"").append(n).append("\" failures=\"").append(f).append("\">\n");
        sb.append("  <testsuite name=\"lobench-ci-gate\" tests=\"").append(n).append("\" failures=\"").append(f)
                .append("\" errors=\"0\" skipped=\"").append(skipped).append("\">\n");
        for (String rf : r.runFailures()) {
            sb.append("    <testcase classname=\"lobench.run\" name=\"complete\">\n      <failure message=\"")
                    .append(xml(rf)).append("\" type=\"incomplete\">").append(xml(rf))
                    .append("</failure>\n    </testcase>\n");
        }
        for (Gate.Verdict v : r.verdicts()) {
            sb.append("    <testcase classname=\"lobench.").append(xml(v.task())).append("\" name=\"")
                    .append(xml(v.optimizer())).append("\">");
            if (v.status() == Gate.Status.FAIL) {
                sb.append("\n      <failure message=\"").append(xml(String.join("; ", v.failures())))
                        .append("\" type=\"regression\">").append(xml(String.join("\n", v.failures())))
                        .append("</failure>\n    ");
            } else if (v.status() == Gate.Status.NEW) {
                sb.append("\n      <skipped message=\"not in the baseline\"/>\n    ");
            }
            if (!v.notes().isEmpty()) {
                sb.append("\n      <system-out>").append(xml(String.join("\n", v.notes()))).append("</system-out>\n    ");
            }
            sb.append("</testcase>\n");
        }
        sb.append("  </testsuite>\n</testsuites>\n");
        return sb.toString();
    }
}
