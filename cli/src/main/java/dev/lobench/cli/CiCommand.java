package dev.lobench.cli;

import dev.lobench.ci.Baseline;
import dev.lobench.ci.Gate;
import dev.lobench.ci.GateReport;
import dev.lobench.results.ResultsError;
import dev.lobench.tasks.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "ci", mixinStandardHelpOptions = true,
        description = "Statistical regression gate: record a baseline, check a run against it.",
        subcommands = {CiCommand.BaselineCmd.class, CiCommand.CheckCmd.class})
final class CiCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "baseline", mixinStandardHelpOptions = true,
            description = "Record per (task, optimizer) seed-level final losses, outcomes, step/update times and"
                    + " overhead ratios to Adam, plus the machine, as a baseline JSON file.")
    static final class BaselineCmd implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "RESULTS", description = "Run directories or results .jsonl files.")
        List<Path> inputs;

        @Option(names = {"-o", "--out"}, required = true, description = "Baseline file to write, e.g. ci/baselines/smoke.json.")
        Path out;

        @Option(names = "--allow-partial",
                description = "Record a baseline even from a run that did not finish (no end record).")
        boolean allowPartial;

        @Override
        public Integer call() {
            OutputGuard.check("--out", out, OutputGuard.Kind.BASELINE, inputs);
            Inputs in = Inputs.read(inputs);
            if (!in.unfinished().isEmpty() && !allowPartial) {
                throw new UserError(String.join(", ", in.unfinished()) + ": the run did not finish (no end record);"
                        + " a baseline from it would miss cells (finish it with 'lobench run ... --resume DIR', or"
                        + " give --allow-partial)");
            }
            Baseline b = Baseline.of(in.header(), in.cells());
            b.write(out);
            System.out.println("baseline: " + b.entries().size() + " (task, optimizer) entries -> " + out);
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check a run against a baseline. Exit 0 pass, 1 regression, 2 usage or input error.")
    static final class CheckCmd implements Callable<Integer> {
        @Option(names = "--baseline", required = true, description = "Baseline JSON (from 'lobench ci baseline').")
        Path baseline;

        @Parameters(arity = "1..*", paramLabel = "RESULTS", description = "Candidate run directories or .jsonl files.")
        List<Path> inputs;

        @Option(names = "--junit", description = "Also write JUnit XML to this file.")
        Path junit;

        @Option(names = "--match", defaultValue = "exact",
                description = "How optimizers are matched: exact (default) or base (adam(lr=0.001) ~ adam(lr=1e-4)).")
        String match;

        @Option(names = "--rel-tolerance", defaultValue = "0.05",
                description = "Minimum relative worsening of the median final loss to fail (default 0.05 = 5%%).")
        double relTolerance;

        @Option(names = "--alpha", defaultValue = "0.05",
                description = "Significance level of the one-sided Mann-Whitney U test (default 0.05).")
        double alpha;

        @Option(names = "--overhead-tolerance", defaultValue = "2.0",
                description = "Fail when the step-time ratio to Adam exceeds this multiple of the baseline's (default 2.0).")
        double overheadTolerance;

        @Option(names = "--min-step-ms", defaultValue = "5",
                description = "Gate overhead only where the baseline's Adam step takes at least this many ms (default 5).")
        double minStepMs;

        @Override
        public Integer call() {
            boolean base = switch (match.toLowerCase(Locale.ROOT)) {
                case "exact" -> false;
                case "base" -> true;
                default -> throw new UserError("unknown --match '" + match + "'; valid: exact, base");
            };
            if (!(relTolerance >= 0) || !(alpha > 0 && alpha < 1) || !(overheadTolerance >= 1) || !(minStepMs >= 0)) {
                throw new UserError("need --rel-tolerance >= 0, 0 < --alpha < 1, --overhead-tolerance >= 1, --min-step-ms >= 0");
            }
            List<Path> all = new java.util.ArrayList<>(inputs);
            all.add(baseline);
            OutputGuard.check("--junit", junit, OutputGuard.Kind.OTHER, all);
            String summary = System.getenv("GITHUB_STEP_SUMMARY");
            if (summary != null && !summary.isBlank()) {
                OutputGuard.check("$GITHUB_STEP_SUMMARY", Path.of(summary), OutputGuard.Kind.OTHER, all);
            }
            Baseline b = Baseline.read(baseline);
            Inputs in = Inputs.read(inputs);
            Gate.Result r = Gate.check(b, in.header(), in.cells(), in.unfinished(),
                    new Gate.Options(relTolerance, alpha, overheadTolerance, minStepMs, base));
            String md = GateReport.markdown(r);
            System.out.print(md);
            if (summary != null && !summary.isBlank()) {
                write(Path.of(summary), md + "\n", true);
            }
            if (junit != null) {
                write(junit, GateReport.junit(r), false);
            }
            return r.passed() ? 0 : 1;
        }

        private static void write(Path p, String s, boolean append) {
            try {
                Path parent = p.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                if (append) {
                    Files.writeString(p, s, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } else {
                    Files.writeString(p, s, StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                throw new ResultsError(p + ": cannot write: " + dev.lobench.results.IoErrors.reason(e), e);
            }
        }
    }
}
