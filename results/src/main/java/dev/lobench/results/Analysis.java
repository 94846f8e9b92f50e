package dev.lobench.results;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The comparison metrics of a set of cells: per (task, optimizer) the step metrics ({@link Speedup} at T and
 * T/2, {@link NormalisedLoss}), each the median over seeds (non-completed seeds included with the value the
 * one rule gives them), and per task group the cross-task metrics: {@link WinRate} for every pair of optimizer
 * names and the {@link PerformanceProfile}.
 *
 * <p>Task groups: "all", "in-distribution" (a task on which any cell has {@code inMetaTrainingSet} true) and
 * "out-of-distribution" (the others); when one of these is empty only "all" is shown, named after the other.
 */
public final class Analysis {
    /** Values of tau at which profiles are summarised. */
    public static final double[] TAUS = {1, 1.5, 2, 4, 8};

    public record StepRow(String task, String optimizer, boolean inDistribution, int seeds, double speedupT,
            double speedupHalf, double normalisedLoss) {}

    public record Group(String name, List<String> tasks, List<WinRate.Result> winRates,
            PerformanceProfile.Profile profile, Map<String, Double> medianSpeedupT) {}

    private final List<StepRow> rows;
    private final List<Group> groups;

    private Analysis(List<StepRow> rows, List<Group> groups) {
        this.rows = rows;
        this.groups = groups;
    }

    public List<StepRow> rows() {
        return rows;
    }

    public List<Group> groups() {
        return groups;
    }

    public static Analysis of(List<CellRecord> cells) {
        Map<String, List<CellRecord>> byTask = new TreeMap<>();
        for (CellRecord c : cells) {
            byTask.computeIfAbsent(c.task(), k -> new ArrayList<>()).add(c);
        }
        Set<String> inDist = new TreeSet<>();
        List<StepRow> rows = new ArrayList<>();
        for (var e : byTask.entrySet()) {
            List<CellRecord> tc = e.getValue();
            boolean in = tc.stream().anyMatch(CellRecord::inMetaTrainingSet);
            if (in) {
                inDist.add(e.getKey());
            }
            Speedup.Envelope env = Speedup.envelope(tc);
            double best = NormalisedLoss.bestLoss(tc);
            Map<String, List<CellRecord>> byOpt = new TreeMap<>();
            for (CellRecord c : tc) {
                byOpt.computeIfAbsent(c.optimizer(), k -> new ArrayList<>()).add(c);
            }
            for (var o : byOpt.entrySet()) {
                List<CellRecord> oc = o.getValue();
                rows.add(new StepRow(e.getKey(), o.getKey(), in, oc.size(),
                        Stats.of(oc.stream().mapToDouble(c -> Speedup.of(env, c, false)).toArray()).median(),
                        Stats.of(oc.stream().mapToDouble(c -> Speedup.of(env, c, true)).toArray()).median(),
                        Stats.of(oc.stream().mapToDouble(c -> NormalisedLoss.of(c, best)).toArray()).median()));
            }
        }
        List<Group> groups = new ArrayList<>();
        List<String> in = new ArrayList<>(inDist);
        List<String> out = byTask.keySet().stream().filter(t -> !inDist.contains(t)).toList();
        if (!in.isEmpty() && !out.isEmpty()) {
            groups.add(group("all", cells, byTask.keySet(), rows));
            groups.add(group("in-distribution", cells, in, rows));
            groups.add(group("out-of-distribution", cells, out, rows));
        } else {
            // one of the two groups is empty: "all" is the other one, shown once
            groups.add(group(in.isEmpty() ? "all (all out-of-distribution)" : "all (all in-distribution)", cells,
                    byTask.keySet(), rows));
        }
        return new Analysis(rows, groups);
    }

    private static Group group(String name, List<CellRecord> cells, java.util.Collection<String> tasks,
            List<StepRow> rows) {
        Set<String> ts = new TreeSet<>(tasks);
        List<CellRecord> sub = cells.stream().filter(c -> ts.contains(c.task())).toList();
        List<String> opts = sub.stream().map(CellRecord::optimizer).distinct().sorted().toList();
        List<WinRate.Result> wr = new ArrayList<>();
        for (int i = 0; i < opts.size(); i++) {
            for (int j = i + 1; j < opts.size(); j++) {
                WinRate.Result r = WinRate.compute(sub, opts.get(i), opts.get(j), WinRate.DEFAULT_MARGIN,
                        Bootstrap.DEFAULT_SEED);
                if (r.pairs() > 0) {
                    wr.add(r);
                }
            }
        }
        Map<String, Double> med = new LinkedHashMap<>();
        for (String o : opts) {
            med.put(o, Stats.of(rows.stream().filter(r -> ts.contains(r.task()) && r.optimizer().equals(o))
                    .mapToDouble(StepRow::speedupT).toArray()).median());
        }
        return new Group(name, List.copyOf(ts), wr, PerformanceProfile.compute(sub), med);
    }
}
