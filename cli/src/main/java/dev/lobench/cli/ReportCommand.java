package dev.lobench.cli;

import dev.lobench.results.FullReport;
import dev.lobench.results.Report;
import dev.lobench.results.StabilityTables;
import dev.lobench.results.plot.HtmlReport;
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

    @Parameters(arity = "1..*", paramLabel = "RESULTS", description = "Run directories or results .jsonl files ("
            + "'lobench overhead' runs alone: their cost tables).")
    java.util.List<Path> inputs;

    @Option(names = "--format", defaultValue = "md", description = "md (default), csv, json or latex (booktabs). csv "
            + "prints one table, the per-(task, optimizer) summary (the stability table for stability records alone); "
            + "--csv-dir writes every table. json prints one document: the report object, with the stability records "
            + "under \"stability\" (an array of them for stability records alone).")
    String format;

    @Option(names = "--csv-dir", paramLabel = "DIR", description = "Also write every table of the report as its own CSV "
            + "file into DIR: " + TABLES + " (a table without rows: its header alone). Replaces only files of these "
            + "names whose header is the table's (an earlier --csv-dir); refuses any other.")
    Path csvDir;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Also write one self-contained HTML report (inline SVG plots and tables, opens offline).")
    Path html;

    @Option(names = "--png", paramLabel = "DIR", description = "Also write the plots as PNG files into DIR.")
    Path png;

    @Option(names = "--svg", paramLabel = "DIR", description = "Also write the plots as SVG files into DIR (the names "
            + "of the PNG files).")
    Path svg;

    // ---- cost columns: see OverheadReport ----
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

    static final String STABILITY_CSV = "stability.csv";
    /** The file names --csv-dir writes, in order. */
    static final String TABLES = FullReport.SUMMARY_CSV + ", " + FullReport.STEP_METRICS_CSV + ", "
            + FullReport.CROSS_TASK_CSV + ", " + STABILITY_CSV;

    @Override
    public Integer call() {
        OverheadReport.checkOptions(overhead, matched, smooth, format);
        java.util.List<Path> overheadRuns = inputs.stream().filter(OverheadReport::isOverheadRun).toList();
        if (!overheadRuns.isEmpty()) {
            // 'lobench overhead' runs given as RESULTS: their cost tables, or a pointer to --overhead
            Path first = overheadRuns.get(0);
            if (overheadRuns.size() < inputs.size() || overhead != null) {
                throw new UserError(first + " is a 'lobench overhead' run, not results: join it to results with"
                        + " --overhead " + first + ", or report it alone");
            }
            if (!parseFullFormat(format).equals(FullReport.Format.MARKDOWN) || html != null || png != null
                    || svg != null || csvDir != null) {
                throw new UserError(first + " is a 'lobench overhead' run: alone, its cost table is printed as"
                        + " Markdown only (no --format, --html, --png, --svg or --csv-dir)");
            }
            System.out.print(OverheadReport.tables(overheadRuns));
            return 0;
        }
        java.util.List<Path> all = new java.util.ArrayList<>(inputs);
        all.add(overhead);
        OutputGuard.check("--html", html, OutputGuard.Kind.OTHER, all);
        OutputGuard.check("--png", png, OutputGuard.Kind.OTHER, all);
        OutputGuard.check("--svg", svg, OutputGuard.Kind.OTHER, all);
        FullReport.Format fmt = parseFullFormat(format);
        Inputs in = Inputs.readWithStability(inputs);
        Inputs.mixedLengths(in.cells()).forEach(w -> System.err.println("lobench: warning: " + w));
        if (in.cells().isEmpty() && overhead != null) {
            throw new UserError("--overhead needs result cells; " + inputs + " holds only stability records");
        }
        java.util.Map<String, String> tables = null;
        if (csvDir != null) {
            tables = new java.util.LinkedHashMap<>(FullReport.csvTables(in.cells()));
            tables.put(STABILITY_CSV, StabilityTables.render(in.stability(), FullReport.Format.CSV));
            OutputGuard.checkTableDir("--csv-dir", csvDir, tables, all);
        }
        if (fmt == FullReport.Format.CSV) {
            // one CSV table on stdout, so that it loads as one table: the summary, else the stability table
            if (!in.cells().isEmpty()) {
                System.out.print(FullReport.render(in.header(), in.cells(), fmt));
            } else {
                System.out.print(StabilityTables.render(in.stability(), FullReport.Format.CSV));
            }
            if (csvDir == null && !in.cells().isEmpty()) {
                System.err.println("lobench: --format csv prints the summary table only; --csv-dir DIR writes every"
                        + " table (" + TABLES + ")");
            }
        } else if (fmt == FullReport.Format.JSON && !in.cells().isEmpty()) {
            // one JSON document: the report object, with the stability records under "stability" when given
            System.out.print(FullReport.json(in.cells(), in.stability()));
        } else if (!in.cells().isEmpty()) {
            System.out.print(FullReport.render(in.header(), in.cells(), fmt));
        }
        if (fmt != FullReport.Format.CSV && !in.stability().isEmpty()
                && !(fmt == FullReport.Format.JSON && !in.cells().isEmpty())) {
            System.out.print(StabilityTables.render(in.stability(), fmt));
        }
        if (overhead != null) {
            System.out.println(OverheadReport.render(inputs, in.cells(), overhead, matched != null, smooth));
        }
        try {
            if (csvDir != null) {
                java.nio.file.Files.createDirectories(csvDir);
                for (java.util.Map.Entry<String, String> t : tables.entrySet()) {
                    java.nio.file.Files.writeString(csvDir.resolve(t.getKey()), t.getValue());
                }
                System.err.println("lobench: " + tables.size() + " CSV table(s) -> " + csvDir);
            }
            if (html != null) {
                HtmlReport.write(html, in.header(), in.cells(), in.stability());
                System.err.println("lobench: HTML report -> " + html);
            }
            if (png != null) {
                java.util.List<Path> files = HtmlReport.writePngs(png, in.cells(), in.stability());
                System.err.println("lobench: " + files.size() + " PNG plot(s) -> " + png);
            }
            if (svg != null) {
                java.util.List<Path> files = HtmlReport.writeSvgs(svg, in.cells(), in.stability());
                System.err.println("lobench: " + files.size() + " SVG plot(s) -> " + svg);
            }
        } catch (java.io.IOException e) {
            throw new UserError("cannot write the report: " + dev.lobench.results.IoErrors.describe(e), e);
        }
        return 0;
    }

    static FullReport.Format parseFullFormat(String f) {
        return switch (f.toLowerCase(Locale.ROOT)) {
            case "md", "markdown" -> FullReport.Format.MARKDOWN;
            case "csv" -> FullReport.Format.CSV;
            case "json" -> FullReport.Format.JSON;
            case "latex", "tex" -> FullReport.Format.LATEX;
            default -> throw new UserError("unknown --format '" + f + "'; valid: md, csv, json, latex");
        };
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
