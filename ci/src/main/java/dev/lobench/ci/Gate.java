package dev.lobench.ci;

import dev.lobench.results.CellRecord;
import dev.lobench.results.Outcome;
import dev.lobench.results.Report;
import dev.lobench.results.ResultsError;
import dev.lobench.results.RunHeader;
import dev.lobench.results.Stats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The statistical regression gate: compares a candidate run with a {@link Baseline}, per baseline (task,
 * optimizer). The stated rule (defaults in {@link Options#defaults()}):
 *
 * <ol>
 *   <li><b>Missing</b>: no candidate cell for the entry -&gt; FAIL.</li>
 *   <li><b>Outcome</b>: a candidate seed that did not complete (diverged, timeout, out_of_memory, error) where
 *       the baseline's same seed completed, or more non-completed seeds than the baseline had -&gt; FAIL,
 *       always.</li>
 *   <li><b>Quality</b>: over completed seeds, relative effect Δ = (median candidate final train loss - median
 *       baseline) / |median baseline|. FAIL when Δ &gt; {@code relTolerance} (5%) AND the worsening is
 *       significant: one-sided exact Mann-Whitney U p &lt;= {@code alpha} (0.05). When the seed counts n, m
 *       cannot reach alpha at all (1 / C(n+m, n) &gt; alpha, e.g. fewer than 3 seeds a side) the test is not
 *       applied and the effect-size tolerance alone decides (CPU runs with the same seed and thread count are
 *       deterministic, so the loss noise between reruns is far below 5%).</li>
 *   <li><b>Overhead</b>: for non-Adam optimizers, the full-step time ratio to the Adam reference of the same
 *       task and run; FAIL when candidate ratio &gt; baseline ratio × {@code overheadTolerance} (2.0, generous:
 *       timings are noisy, losses are not). Only checked when both runs ran on comparable machines (same CPU
 *       model and thread count), both ratios exist and the baseline's Adam step takes at least
 *       {@code minStepMs} (5 ms; two identical smoke runs on a shared 2-core machine gave ratios 2.9 and 0.48
 *       at 0.7 ms per step) and the Adam reference's own step time moved by at most the same factor between the
 *       two runs (else the machine's load differed and the ratio means little); otherwise skipped with a note.
 *       The update-only ratio is recorded, not gated.</li>
 * </ol>
 * Candidate (task, optimizer) pairs not in the baseline are listed as "new" and not gated. Matching: exact
 * optimizer name, or with {@code matchBase} the base name ({@code adam(lr=0.001)} -&gt; {@code adam}); a base
 * name that matches several optimizers on one task, on either side, is an input error.
 */
public final class Gate {

    /**
     * @param minStepMs the overhead check needs the baseline's Adam reference step time (median ms) to be at
     *     least this: sub-millisecond steps are dominated by scheduling noise on a shared machine
     */
    public record Options(double relTolerance, double alpha, double overheadTolerance, double minStepMs,
            boolean matchBase) {
        public static Options defaults() {
            return new Options(0.05, 0.05, 2.0, 5.0, false);
        }

        public Options withMatchBase(boolean b) {
            return new Options(relTolerance, alpha, overheadTolerance, minStepMs, b);
        }
    }

    public enum Status {
        PASS,
        FAIL,
        NEW
    }

    /** Verdict on one (task, optimizer). Numbers are NaN when absent. */
    public record Verdict(String task, String optimizer, String candidateOptimizer, Status status,
            double baselineMedian, double candidateMedian, double relEffect, double pValue, int baselineN,
            int candidateN, double baselineStepRatio, double candidateStepRatio, List<String> failures,
            List<String> notes) {}

    /** {@code runFailures}: failures of the candidate as a whole (an unfinished run), beside the verdicts. */
    public record Result(List<Verdict> verdicts, boolean machinesComparable, Baseline.Machine baselineMachine,
            Baseline.Machine candidateMachine, Options options, List<String> runFailures) {
        public boolean passed() {
            return runFailures.isEmpty() && verdicts.stream().noneMatch(v -> v.status() == Status.FAIL);
        }

        public long count(Status s) {
            return verdicts.stream().filter(v -> v.status() == s).count();
        }
    }

    private Gate() {}

    private static double d(Double v) {
        return v == null ? Double.NaN : v;
    }

    /** Checks cells of a finished candidate run. */
    public static Result check(Baseline base, RunHeader candHeader, List<CellRecord> cells, Options opt) {
        return check(base, candHeader, cells, List.of(), opt);
    }

    /**
     * @param unfinished the candidate's results files that have no end record (the run did not finish): the
     *     gate fails, reason "incomplete"
     * @throws ResultsError when the baseline has no entries, or a candidate entry ran another number of steps or
     *     another task definition than its baseline entry (not comparable)
     */
    public static Result check(Baseline base, RunHeader candHeader, List<CellRecord> cells, List<String> unfinished,
            Options opt) {
        if (base.entries().isEmpty()) {
            throw new ResultsError("the baseline has no entries; a check against it would check nothing");
        }
        Baseline cand = Baseline.of(candHeader, cells);
        Baseline.Machine bm = base.machine();
        Baseline.Machine cm = cand.machine();
        boolean comparable = bm != null && bm.comparableTo(cm);
        Map<String, List<Baseline.Entry>> candByTask = new HashMap<>();
        for (Baseline.Entry e : cand.entries()) {
            candByTask.computeIfAbsent(e.task(), k -> new ArrayList<>()).add(e);
        }
        if (opt.matchBase()) {
            checkUnambiguous(base.entries(), "baseline");
            checkUnambiguous(cand.entries(), "candidate");
        }
        List<Verdict> out = new ArrayList<>();
        Set<Baseline.Entry> matched = new LinkedHashSet<>();
        List<String> notComparable = new ArrayList<>();
        for (Baseline.Entry b : base.entries()) {
            Baseline.Entry c = candByTask.getOrDefault(b.task(), List.of()).stream()
                    .filter(e -> e.optimizer().equals(b.optimizer())
                            || opt.matchBase() && e.baseOptimizer().equals(b.baseOptimizer()))
                    .findFirst().orElse(null);
            if (c != null) {
                matched.add(c);
                if (b.steps() != null && c.steps() != null && !b.steps().equals(c.steps())) {
                    notComparable.add(b.task() + " / " + b.optimizer() + ": baseline " + b.steps()
                            + " steps, candidate " + c.steps());
                }
                if (b.taskDefinition() != null && c.taskDefinition() != null
                        && !b.taskDefinition().equals(c.taskDefinition())) {
                    notComparable.add("task " + b.task() + " is defined differently: baseline " + b.taskDefinition()
                            + ", candidate " + c.taskDefinition());
                }
            }
            out.add(judge(b, c, comparable, opt));
        }
        if (!notComparable.isEmpty()) {
            throw new ResultsError("not comparable with the baseline: " + String.join("; ",
                    notComparable.stream().distinct().limit(5).toList())
                    + (notComparable.size() > 5 ? " (and " + (notComparable.size() - 5) + " more)" : ""));
        }
        for (Baseline.Entry c : cand.entries()) {
            if (!matched.contains(c)) {
                double[] cl = c.completedLosses();
                out.add(new Verdict(c.task(), c.optimizer(), c.optimizer(), Status.NEW, Double.NaN,
                        Stats.of(cl).median(), Double.NaN, Double.NaN, 0, cl.length, Double.NaN,
                        d(c.stepRatioToAdam()), List.of(), List.of("not in the baseline: not gated")));
            }
        }
        List<String> runFailures = new ArrayList<>();
        for (String f : unfinished) {
            runFailures.add("incomplete: " + f + " has no end record (the run did not finish)");
        }
        return new Result(out, comparable, bm, cm, opt, List.copyOf(runFailures));
    }

    private static void checkUnambiguous(List<Baseline.Entry> entries, String side) {
        Map<String, Set<String>> seen = new HashMap<>();
        for (Baseline.Entry e : entries) {
            Set<String> names = seen.computeIfAbsent(e.task() + "\u0000" + e.baseOptimizer(),
                    k -> new TreeSet<>());
            names.add(e.optimizer());
            if (names.size() > 1) {
                throw new ResultsError("--match base is ambiguous: the " + side + " has " + names + " on task "
                        + e.task() + "; use exact names");
            }
        }
    }

    /** max(a/b, b/a): how far apart two positive times are, as a factor. */
    static double drift(double a, double b) {
        return Math.max(a / b, b / a);
    }

    static Verdict judge(Baseline.Entry b, Baseline.Entry c, boolean comparable, Options opt) {
        double[] bl = b.completedLosses();
        double bMed = Stats.of(bl).median();
        double bRatio = d(b.stepRatioToAdam());
        if (c == null) {
            return new Verdict(b.task(), b.optimizer(), null, Status.FAIL, bMed, Double.NaN, Double.NaN, Double.NaN,
                    bl.length, 0, bRatio, Double.NaN, List.of("missing: no candidate cells"), List.of());
        }
        List<String> fail = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        // outcomes
        Map<Long, Outcome> bOut = new HashMap<>();
        b.seeds().forEach(s -> bOut.put(s.seed(), s.outcome()));
        long bBad = b.seeds().stream().filter(s -> s.outcome() != Outcome.completed).count();
        long cBad = 0;
        for (Baseline.Seed s : c.seeds()) {
            if (s.outcome() != Outcome.completed) {
                cBad++;
                if (bOut.get(s.seed()) == Outcome.completed) {
                    fail.add("seed " + s.seed() + " " + s.outcome() + " (baseline completed)");
                }
            }
        }
        if (fail.isEmpty() && cBad > bBad) {
            fail.add(cBad + " non-completed seed(s), baseline " + bBad);
        }
        // completeness: every baseline seed must be there, and a completed seed must have a final loss
        Set<Long> cSeeds = new java.util.HashSet<>();
        for (Baseline.Seed s : c.seeds()) {
            cSeeds.add(s.seed());
            if (s.outcome() == Outcome.completed && (s.finalLoss() == null || !Double.isFinite(s.finalLoss()))) {
                fail.add("incomplete: seed " + s.seed() + " completed without a final loss");
            }
        }
        for (Baseline.Seed s : b.seeds()) {
            if (!cSeeds.contains(s.seed())) {
                fail.add("incomplete: seed " + s.seed() + " missing");
            }
        }
        // quality
        double[] cl = c.completedLosses();
        double cMed = Stats.of(cl).median();
        double rel = Double.NaN;
        double p = Double.NaN;
        if (bl.length == 0) {
            notes.add("baseline has no completed seed: quality not compared");
        } else if (cl.length > 0) {
            rel = bMed == 0 ? (cMed == 0 ? 0 : Double.POSITIVE_INFINITY) : (cMed - bMed) / Math.abs(bMed);
            boolean testable = MannWhitney.minP(cl.length, bl.length) <= opt.alpha();
            if (testable) {
                p = MannWhitney.pGreater(cl, bl);
            } else {
                notes.add("n=" + cl.length + "/" + bl.length + " seeds: significance test cannot reach alpha,"
                        + " effect size alone");
            }
            if (rel > opt.relTolerance() && (!testable || p <= opt.alpha())) {
                fail.add(String.format(java.util.Locale.ROOT, "final loss worse by %+.1f%% (> %.0f%%%s)", 100 * rel,
                        100 * opt.relTolerance(), testable ? String.format(java.util.Locale.ROOT,
                                ", Mann-Whitney p = %.3g <= %.3g", p, opt.alpha()) : ""));
            } else if (rel > opt.relTolerance()) {
                notes.add(String.format(java.util.Locale.ROOT, "worse by %+.1f%% but not significant (p = %.3g)",
                        100 * rel, p));
            }
        }
        // overhead
        double cRatio = d(c.stepRatioToAdam());
        if (!Report.ADAM.equals(b.baseOptimizer())) {
            if (!comparable) {
                notes.add("overhead not checked: machines differ");
            } else if (Double.isFinite(bRatio) && Double.isFinite(cRatio)
                    && !(d(b.stepMsMedian()) / bRatio >= opt.minStepMs())) {
                notes.add("overhead not checked: Adam step " + Report.formatNumber(d(b.stepMsMedian()) / bRatio)
                        + " ms < " + Report.formatNumber(opt.minStepMs()) + " ms");
            } else if (Double.isFinite(bRatio) && Double.isFinite(cRatio)
                    && !(drift(d(b.stepMsMedian()) / bRatio, d(c.stepMsMedian()) / cRatio) <= opt.overheadTolerance())) {
                notes.add("overhead not checked: Adam's own step time moved " + Report.formatNumber(d(b.stepMsMedian())
                        / bRatio) + " -> " + Report.formatNumber(d(c.stepMsMedian()) / cRatio)
                        + " ms (machine load differs)");
            } else if (Double.isFinite(bRatio) && Double.isFinite(cRatio)) {
                if (cRatio > bRatio * opt.overheadTolerance()) {
                    fail.add(String.format(java.util.Locale.ROOT,
                            "step-time ratio to Adam %.3g -> %.3g (> %.3gx the baseline's)", bRatio, cRatio,
                            opt.overheadTolerance()));
                }
            } else {
                notes.add("overhead not checked: no Adam timing on one side");
            }
        }
        return new Verdict(b.task(), b.optimizer(), c.optimizer(), fail.isEmpty() ? Status.PASS : Status.FAIL, bMed,
                cMed, rel, p, bl.length, cl.length, bRatio, cRatio, fail, notes);
    }
}
