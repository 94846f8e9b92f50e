package dev.lobench.cli;

import dev.lobench.results.CellRecord;
import dev.lobench.results.Compare;
import dev.lobench.results.ComparePairs;
import dev.lobench.tasks.Names;
import dev.lobench.tasks.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

    @Option(names = "--candidate", description = "Candidate run (B side) for run-vs-run mode; it must have run the "
            + "same steps and task definitions as the baseline.")
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
            pairs = ComparePairs.runVsRun(Inputs.read(List.of(baseline)).cells(), Inputs.read(List.of(candidate)).cells(),
                    byBase, only);
            nameA = "baseline " + baseline;
            nameB = "candidate " + candidate;
        } else {
            if (names.size() != 2 || results == null) {
                throw new UserError("give two optimizers and --results DIR... (or --baseline DIR --candidate DIR)");
            }
            List<CellRecord> cells = Inputs.read(results).cells();
            try {
                pairs = ComparePairs.twoOptimizers(cells, names.get(0), names.get(1));
            } catch (ComparePairs.MissingOptimizer e) {
                throw new UserError("no cells of optimizer '" + e.name + "' in the results"
                        + Names.closest(e.name, e.known).map(n -> "; did you mean '" + n + "'?").orElse("")
                        + " (the results hold " + String.join(", ", e.known) + ")");
            }
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
}
