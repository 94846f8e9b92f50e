package dev.lobench.cli;

import dev.lobench.results.Report;
import dev.lobench.results.CellRecord;
import dev.lobench.results.ResultStore;
import dev.lobench.tasks.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Aggregate results (a run directory or .jsonl files) per task x optimizer over seeds.")
final class ReportCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "RESULTS", description = "Run directories or results .jsonl files.")
    java.util.List<Path> inputs;

    @Option(names = "--format", defaultValue = "md", description = "md (default), csv or json.")
    String format;

    // ---- cost columns (overhead branch): see OverheadReport ----
    @Option(names = "--overhead", paramLabel = "OVERHEAD_DIR",
            description = "Join a 'lobench overhead' run of the same machine: cost table, wall-clock speedup over "
                    + "tuned Adam, break-even flags, star vs small-fc at matched overhead.")
    Path overhead;

    @Option(names = "--matched", paramLabel = "wallclock",
            description = "With --overhead: 'wallclock' gives Adam the learned optimizer's wall-clock budget and "
                    + "re-expresses curves against wall time.")
    String matched;

    @Option(names = "--smooth", defaultValue = "10",
            description = "With --overhead: trailing-mean window (steps) of the loss curves (default 10).")
    int smooth;

    @Override
    public Integer call() {
        OverheadReport.checkOptions(overhead, matched, smooth, format);
        Report.Format fmt = parseFormat(format);
        java.util.List<CellRecord> results = new java.util.ArrayList<>();
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (Path p : inputs) {
            if (!java.nio.file.Files.exists(p)) {
                throw new UserError("no such results file or directory: " + p);
            }
            for (CellRecord c : ResultStore.readCells(p)) {
                if (keys.add(c.cellKey())) {
                    results.add(c);
                }
            }
        }
        if (results.isEmpty()) {
            throw new UserError("no result cells in " + inputs);
        }
        System.out.println(Report.render(results, fmt));
        if (overhead != null) {
            System.out.println(OverheadReport.render(inputs, results, overhead, matched != null, smooth));
        }
        return 0;
    }

    static Report.Format parseFormat(String f) {
        switch (f.toLowerCase(Locale.ROOT)) {
            case "md":
            case "markdown":
                return Report.Format.MARKDOWN;
            case "csv":
                return Report.Format.CSV;
            case "json":
                return Report.Format.JSON;
            default:
                throw new UserError("unknown --format '" + f + "'; valid: md, csv, json");
        }
    }
}
