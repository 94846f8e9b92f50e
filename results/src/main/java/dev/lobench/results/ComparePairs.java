package dev.lobench.results;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which cells 'lobench compare' compares: the {@link Compare.Pair}s of (A cells, B cells) per task, for two
 * optimizers in one set of results or for a baseline run against a candidate run. Errors are
 * {@link ResultsError}s whose message the CLI prints as is.
 */
public final class ComparePairs {
    private ComparePairs() {}

    /** No cell of an optimizer asked for; {@link #known} are the optimizer names (canonical and base) present. */
    public static final class MissingOptimizer extends ResultsError {
        public final String name;
        public final Set<String> known;

        MissingOptimizer(String name, Set<String> known) {
            super("no cells of optimizer '" + name + "' in the results (the results hold " + String.join(", ", known)
                    + ")");
            this.name = name;
            this.known = known;
        }
    }

    /**
     * Cells of one task whose optimizer is {@code name} exactly, else whose {@link CellRecord#optimizerBase} is the
     * base of {@code name} as typed ({@link OptimizerNames#base}); ambiguous -> error.
     */
    public static List<CellRecord> select(List<CellRecord> taskCells, String name) {
        List<CellRecord> exact = taskCells.stream().filter(c -> c.optimizer().equals(name)).toList();
        if (!exact.isEmpty()) {
            return exact;
        }
        String base = OptimizerNames.base(name);
        List<CellRecord> byBase = taskCells.stream().filter(c -> c.optimizerBase().equals(base)).toList();
        TreeSet<String> distinct = new TreeSet<>();
        byBase.forEach(c -> distinct.add(c.optimizer()));
        if (distinct.size() > 1) {
            throw new ResultsError("'" + name + "' matches several optimizers on task " + taskCells.get(0).task()
                    + ": " + distinct + "; give the canonical name");
        }
        return byBase;
    }

    /**
     * Two optimizers of one set of results: per task (sorted) that has both, the cells of {@code a} and of
     * {@code b} ({@link #select}). Neither side on any task -> {@link MissingOptimizer}; a task on which the two ran
     * other steps or another task definition -> {@link ResultsError} ({@link #checkComparable}).
     */
    public static List<Compare.Pair> twoOptimizers(List<CellRecord> cells, String a, String b) {
        Map<String, List<CellRecord>> byTask = new TreeMap<>();
        cells.forEach(c -> byTask.computeIfAbsent(c.task(), k -> new ArrayList<>()).add(c));
        List<Compare.Pair> out = new ArrayList<>();
        boolean anyA = false;
        boolean anyB = false;
        for (var e : byTask.entrySet()) {
            List<CellRecord> ca = select(e.getValue(), a);
            List<CellRecord> cb = select(e.getValue(), b);
            anyA |= !ca.isEmpty();
            anyB |= !cb.isEmpty();
            if (!ca.isEmpty() && !cb.isEmpty()) {
                out.add(new Compare.Pair(e.getKey(), ca.get(0).optimizer(), cb.get(0).optimizer(), ca, cb));
            }
        }
        if (!anyA || !anyB) {
            Set<String> names = new TreeSet<>();
            for (List<CellRecord> cs : byTask.values()) {
                for (CellRecord c : cs) {
                    names.add(c.optimizerBase());
                    names.add(c.optimizer());
                }
            }
            throw new MissingOptimizer(!anyA ? a : b, names);
        }
        checkComparable(out, "not comparable", a, b);
        return out;
    }

    /**
     * A baseline run against a candidate run: per (task, optimizer) of the baseline, matched by exact optimizer
     * name or (with {@code byBase}) by base name, that the candidate also has; {@code only} (null: all) keeps the
     * baseline optimizers named (canonical or base). Sorted by task, then optimizer.
     *
     * @throws ResultsError when a matched pair ran other steps or another definition of its task (family and
     *     parameters) in the candidate than in the baseline: not comparable, as for the CI gate
     */
    public static List<Compare.Pair> runVsRun(List<CellRecord> base, List<CellRecord> cand, boolean byBase,
                                              Collection<String> only) {
        Map<String, List<CellRecord>> b = group(base, byBase);
        Map<String, List<CellRecord>> c = group(cand, byBase);
        List<Compare.Pair> out = new ArrayList<>();
        for (var e : b.entrySet()) {
            List<CellRecord> cc = c.get(e.getKey());
            if (cc == null) {
                continue;
            }
            String optA = e.getValue().get(0).optimizer();
            String baseA = e.getValue().get(0).optimizerBase();
            if (only != null && only.stream().noneMatch(o -> optA.equals(o) || baseA.equals(OptimizerNames.base(o)))) {
                continue;
            }
            String optB = cc.get(0).optimizer();
            out.add(new Compare.Pair(e.getValue().get(0).task(), optA, optB, e.getValue(), cc));
        }
        checkComparable(out, "the candidate is not comparable with the baseline", "baseline", "candidate");
        return out;
    }

    /**
     * Refuses pairs whose two sides ran other steps or another definition of their task (family and parameters):
     * their final losses would compare different horizons or different problems.
     */
    static void checkComparable(List<Compare.Pair> pairs, String what, String sideA, String sideB) {
        List<String> notComparable = new ArrayList<>();
        for (Compare.Pair p : pairs) {
            Set<Integer> stepsA = steps(p.cellsA());
            Set<Integer> stepsB = steps(p.cellsB());
            if (!stepsA.equals(stepsB)) {
                notComparable.add(p.task() + " / " + p.a() + (p.a().equals(p.b()) ? "" : " vs " + p.b()) + ": "
                        + sideA + " " + describe(stepsA) + " steps, " + sideB + " " + describe(stepsB));
            }
            Set<String> defA = definitions(p.cellsA());
            Set<String> defB = definitions(p.cellsB());
            if (!defA.equals(defB)) {
                notComparable.add("task " + p.task() + " is defined differently: " + sideA + " " + describe(defA)
                        + ", " + sideB + " " + describe(defB));
            }
        }
        if (!notComparable.isEmpty()) {
            List<String> d = notComparable.stream().distinct().toList();
            throw new ResultsError(what + ": " + String.join("; ", d.stream().limit(5).toList())
                    + (d.size() > 5 ? " (and " + (d.size() - 5) + " more)" : ""));
        }
    }

    private static Set<Integer> steps(List<CellRecord> cells) {
        Set<Integer> s = new TreeSet<>();
        cells.forEach(c -> s.add(c.steps()));
        return s;
    }

    private static Set<String> definitions(List<CellRecord> cells) {
        Set<String> s = new TreeSet<>();
        cells.forEach(c -> s.add(CellRecord.taskDefinition(c)));
        return s;
    }

    private static String describe(Set<?> values) {
        return values.size() == 1 ? String.valueOf(values.iterator().next()) : values.toString();
    }

    private static Map<String, List<CellRecord>> group(List<CellRecord> cells, boolean byBase) {
        Map<String, List<CellRecord>> m = new LinkedHashMap<>();
        Map<String, TreeSet<String>> names = new TreeMap<>();
        for (CellRecord c : cells) {
            String key = c.task() + "\u0000" + (byBase ? c.optimizerBase() : c.optimizer());
            m.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
            names.computeIfAbsent(key, k -> new TreeSet<>()).add(c.optimizer());
            if (names.get(key).size() > 1) {
                throw new ResultsError("--match base is ambiguous on task " + c.task() + ": " + names.get(key));
            }
        }
        return new TreeMap<>(m);
    }
}
