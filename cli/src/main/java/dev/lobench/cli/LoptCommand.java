package dev.lobench.cli;

import dev.lobench.optimizers.learned.LearnedOptimizers;
import dev.lobench.optimizers.learned.ThetaFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "lopt", mixinStandardHelpOptions = true,
        description = "Inspect learned-optimizer weight files.",
        subcommands = {LoptCommand.Info.class})
final class LoptCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Print a weights file's architecture, config, provenance and checksum (verified on load).")
    static final class Info implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE|NAME",
                description = "A .safetensors file, or the name of shipped weights (e.g. star).")
        String what;

        @Override
        public Integer call() {
            Path p = Path.of(what);
            ThetaFiles.Loaded loaded = Files.exists(p) ? ThetaFiles.read(p) : LearnedOptimizers.loadShipped(what);
            System.out.println(loaded.info());
            return 0;
        }
    }
}
