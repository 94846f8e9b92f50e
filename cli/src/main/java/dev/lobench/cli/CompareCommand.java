package dev.lobench.cli;

import dev.lobench.results.CellRecord;
import dev.lobench.results.Compare;
import dev.lobench.results.OptimizerNames;
import dev.lobench.tasks.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare B against A per task: deltas with 95%% bootstrap CIs over seeds, win/tie/loss counts"
                + " and a one-paragraph summary (Markdown fits a PR comment).",
                "Two optimizers in one set of results:  lobench compare A B --results DIR...",
                "A baseline run against a candidate run: lobench compare --baseline DIR --candidate DIR"
                        + " [--optimizer NAME]"},
        sortOptions = false)
final class CompareCommand implements Callable<Integer> {

    @Parameters(arity = "0..2", paramLabel = "OPTIMIZER",
            description = "A and B: optimizer names, canonical (adam(lr=0.001)) or base (adam).")
    List<String> names = new ArrayList<>();

    @Option(names = "--results", arity = "1..*", description = "Results (run directories or .jsonl) holding A and B.")
    List<Path> results;

    @Option(names = "--baseline", description = "Baseline run (A side) for run-vs-run mode.")
    Path baseline;

    @Option(names = "--candidate", description = "Candidate run (B side) for run-vs-run mode.")
    Path candidate;

    @Option(names = "--optimizer", split = ",",
            description = "Run-vs-run mode: only these optimizers (canonical or base names; default all).")
    List<String> only;

    @Option(names = "--match", defaultValue = "exact",
            description = "Run-vs-run mode: match optimizers by exact name (default) or base name.")
    String match;

    @Option(names = "--metric", defaultValue = "final-train-loss",
            description = "final-train-loss (default), final-test-loss or test-accuracy.")
    String metric;

    @Option(names = "--format", defaultValue = "md", description = "md (default), json or csv.")
    String format;

    @Override
    public Integer call() {
        Compare.Metric m;
        try {
            m = Compare.Metric.parse(metric);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!List.of("md", "markdown", "json", "csv").contains(fmt)) {
            throw new UserError("unknown --format '" + format + "'; valid: md, json, csv");
        }
        List<Compare.Pair> pairs;
        String nameA;
        String nameB;
        if (baseline != null || candidate != null) {
            if (baseline == null || candidate == null || !names.isEmpty() || results != null) {
                throw new UserError("run-vs-run mode takes --baseline DIR --candidate DIR and no OPTIMIZER"
                        + " arguments or --results");
            }
            boolean byBase = parseMatch();
            pairs = runVsRun(Inputs.read(List.of(baseline)).cells(), Inputs.read(List.of(candidate)).cells(), byBase);
            nameA = "baseline " + baseline;
            nameB = "candidate " + candidate;
        } else {
            if (names.size() != 2 || results == null) {
                throw new UserError("give two optimizers and --results DIR... (or --baseline DIR --candidate DIR)");
            }
            List<CellRecord> cells = Inputs.read(results).cells();
            pairs = twoOptimizers(cells, names.get(0), names.get(1));
            nameA = names.get(0);
            nameB = names.get(1);
        }
        if (pairs.isEmpty()) {
            throw new UserError("nothing to compare: no task has both sides");
        }
        List<Compare.Row> rows = Compare.rows(pairs, m);
        System.out.print(switch (fmt) {
            case "json" -> Compare.json(rows, m, nameA, nameB);
            case "csv" -> Compare.csv(rows);
            default -> Compare.markdown(rows, m, nameA, nameB);
        });
        return 0;
    }

    private boolean parseMatch() {
        return switch (match.toLowerCase(Locale.ROOT)) {
            case "exact" -> false;
            case "base" -> true;
            default -> throw new UserError("unknown --match '" + match + "'; valid: exact, base");
        };
    }

    /**
     * Cells of one task whose optimizer is {@code name} exactly, else whose {@link CellRecord#optimizerBase} is the
     * base of {@code name} as typed ({@link OptimizerNames#base}); ambiguous -> error.
     */
    static List<CellRecord> select(List<CellRecord> taskCells, String name) {
        List<CellRecord> exact = taskCells.stream().filter(c -> c.optimizer().equals(name)).toList();
        if (!exact.isEmpty()) {
            return exact;
        }
        String base = OptimizerNames.base(name);
        List<CellRecord> byBase = taskCells.stream().filter(c -> c.optimizerBase().equals(base)).toList();
        TreeSet<String> distinct = new TreeSet<>();
        byBase.forEach(c -> distinct.add(c.optimizer()));
        if (distinct.size() > 1) {
            throw new UserError("'" + name + "' matches several optimizers on task " + taskCells.get(0).task() + ": "
                    + distinct + "; give the canonical name");
        }
        return byBase;
    }

    static List<Compare.Pair> twoOptimizers(List<CellRecord> cells, String a, String b) {
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
            String missing = !anyA ? a : b;
            java.util.Set<String> names = new java.util.TreeSet<>();
            for (List<CellRecord> cs : byTask.values()) {
                for (CellRecord c : cs) {
                    names.add(c.optimizerBase());
                    names.add(c.optimizer());
                }
            }
            throw new UserError("no cells of optimizer '" + missing + "' in the results"
                    + dev.lobench.tasks.Names.closest(missing, names).map(n -> "; did you mean '" + n + "'?").orElse("")
                    + " (the results hold " + String.join(", ", names) + ")");
        }
        return out;
    }

    List<Compare.Pair> runVsRun(List<CellRecord> base, List<CellRecord> cand, boolean byBase) {
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
        return out;
    }

    private static Map<String, List<CellRecord>> group(List<CellRecord> cells, boolean byBase) {
        Map<String, List<CellRecord>> m = new LinkedHashMap<>();
        Map<String, TreeSet<String>> names = new TreeMap<>();
        for (CellRecord c : cells) {
            String key = c.task() + "\u0000" + (byBase ? c.optimizerBase() : c.optimizer());
            m.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
            names.computeIfAbsent(key, k -> new TreeSet<>()).add(c.optimizer());
            if (names.get(key).size() > 1) {
                throw new UserError("--match base is ambiguous on task " + c.task() + ": " + names.get(key));
            }
        }
        return new TreeMap<>(m);
    }
}
