package dev.lobench.cli;

import dev.lobench.results.HeldOutCurves;
import dev.lobench.results.MetaLog;
import dev.lobench.results.plot.MetaLogReport;
import dev.lobench.results.plot.Plots;
import dev.lobench.tasks.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "meta-report", mixinStandardHelpOptions = true,
        description = {"Compare meta-training runs from their logs (<out>.jsonl of 'lobench meta-train'): a summary "
                + "per run, mean meta-loss per window of outer steps, and optionally the meta-loss curves as HTML "
                + "(inline SVG), PNG or SVG files.",
            "With --eval: the held-out evaluation of the runs' snapshots (DIR/ARM-sS/outerN run directories of "
                + "'lobench run', e.g. experiments/star-paper-task/eval): per arm and outer step, per meta-seed the "
                + "median over evaluation seeds of the final and the mean training loss and of the test accuracy "
                + "(a cell that did not complete counts as worse than any value, and is counted), as median "
                + "[min, max] over meta-seeds; with --html also the curves.",
            "Example: lobench meta-report experiments/meta-training/runs/star/star.safetensors.jsonl.gz "
                + "experiments/meta-training/runs/small-fc/small-fc.safetensors.jsonl.gz --html meta.html",
            "Example: lobench meta-report --eval experiments/star-paper-task/eval --eval-reference "
                + "experiments/star-paper-task/eval/adam-reference --html c2.html"})
final class MetaReportCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "LOG", description = "Meta-training logs (.jsonl); at least one unless "
            + "--eval is given.")
    List<Path> logs = new ArrayList<>();

    @Option(names = "--eval", paramLabel = "DIR", description = "Held-out evaluations of meta-training snapshots: "
            + "DIR/ARM-sS/outerN/results.jsonl[.gz] (other folders are ignored).")
    Path eval;

    @Option(names = "--eval-reference", paramLabel = "DIR", description = "A run directory (or results file) of "
            + "reference optimizers on the evaluation task (e.g. several Adam learning rates): their medians are "
            + "listed and drawn as dashed lines. Needs --eval.")
    Path evalReference;

    @Option(names = "--window", defaultValue = "200", description = "Outer steps per window (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--smooth", defaultValue = "50",
            description = "Trailing-mean length of the plotted curves, in outer steps (default: ${DEFAULT-VALUE}).")
    int smooth;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML report.")
    Path html;

    @Option(names = "--png", paramLabel = "DIR", description = "Also write the plots as DIR/meta-loss.png (logs) and "
            + "DIR/held-out.png (--eval).")
    Path png;

    @Option(names = "--svg", paramLabel = "DIR", description = "Also write the plots as SVG files, named as with --png.")
    Path svg;

    @Override
    public Integer call() throws Exception {
        if (window < 1 || smooth < 1) {
            throw new UserError("--window and --smooth must be >= 1");
        }
        if (evalReference != null && eval == null) {
            throw new UserError("--eval-reference needs --eval DIR");
        }
        if (logs.isEmpty() && eval == null) {
            throw new UserError("give meta-training logs (LOG...), --eval DIR, or both");
        }
        List<Path> inputs = new ArrayList<>(logs);
        if (evalReference != null) {
            inputs.add(evalReference);
        }
        OutputGuard.check("--html", html, OutputGuard.Kind.OTHER, inputs);
        OutputGuard.check("--png", png, OutputGuard.Kind.OTHER, inputs);
        OutputGuard.check("--svg", svg, OutputGuard.Kind.OTHER, inputs);
        List<MetaLog> read = new ArrayList<>();
        for (Path p : logs) {
            if (!Files.isRegularFile(p)) {
                throw new UserError("no such meta-training log: " + p);
            }
            read.add(MetaLog.read(p));
        }
        HeldOutCurves heldOut = eval == null ? null : HeldOutCurves.read(eval, evalReference);
        if (!read.isEmpty()) {
            System.out.print(MetaLogReport.markdown(read, window));
        }
        if (heldOut != null) {
            System.out.print((read.isEmpty() ? "" : "\n") + heldOut.markdown());
        }
        if (html != null) {
            Path parent = html.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(html, MetaLogReport.html(read, window, smooth, heldOut));
            System.err.println("lobench: meta-training report -> " + html);
        }
        List<Plots.Plot> plots = MetaLogReport.plots(read, smooth, heldOut);
        if (png != null) {
            for (Path f : Plots.writePngs(png, plots)) {
                System.err.println("lobench: plot -> " + f);
            }
        }
        if (svg != null) {
            for (Path f : Plots.writeSvgs(svg, plots)) {
                System.err.println("lobench: plot -> " + f);
            }
        }
        return 0;
    }
}
