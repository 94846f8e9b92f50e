package dev.lobench.cli;

import dev.lobench.results.MetaLog;
import dev.lobench.results.plot.MetaLogReport;
import dev.lobench.results.plot.PngCanvas;
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
                + "(inline SVG) or PNG.",
            "Example: lobench meta-report experiments/meta-training/runs/star/star.safetensors.jsonl.gz "
                + "experiments/meta-training/runs/small-fc/small-fc.safetensors.jsonl.gz --html meta.html"})
final class MetaReportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "LOG", description = "Meta-training logs (.jsonl).")
    List<Path> logs;

    @Option(names = "--window", defaultValue = "200", description = "Outer steps per window (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--smooth", defaultValue = "50",
            description = "Trailing-mean length of the plotted curves, in outer steps (default: ${DEFAULT-VALUE}).")
    int smooth;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML report.")
    Path html;

    @Option(names = "--png", paramLabel = "DIR", description = "Also write the plot as DIR/meta-loss.png.")
    Path png;

    @Override
    public Integer call() throws Exception {
        if (window < 1 || smooth < 1) {
            throw new UserError("--window and --smooth must be >= 1");
        }
        OutputGuard.check("--html", html, OutputGuard.Kind.OTHER, logs);
        OutputGuard.check("--png", png, OutputGuard.Kind.OTHER, logs);
        List<MetaLog> read = new ArrayList<>();
        for (Path p : logs) {
            if (!Files.isRegularFile(p)) {
                throw new UserError("no such meta-training log: " + p);
            }
            read.add(MetaLog.read(p));
        }
        System.out.print(MetaLogReport.markdown(read, window));
        if (html != null) {
            Path parent = html.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(html, MetaLogReport.html(read, window, smooth));
            System.err.println("lobench: meta-training report -> " + html);
        }
        if (png != null) {
            Files.createDirectories(png);
            PngCanvas c = new PngCanvas(Plots.WIDTH, Plots.HEIGHT);
            MetaLogReport.plot(read, smooth).draw().accept(c);
            Path f = png.resolve("meta-loss.png");
            c.write(f);
            System.err.println("lobench: plot -> " + f);
        }
        return 0;
    }
}
