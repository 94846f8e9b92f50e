package dev.lobench.cli;

import dev.lobench.optimizers.learned.LearnedOptimizers;
import dev.lobench.optimizers.learned.ThetaFiles;
import dev.lobench.optimizers.learned.VeloFiles;
import dev.lobench.optimizers.learned.VeloImport;
import dev.lobench.optimizers.learned.VeloTheta;
import dev.lobench.tasks.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "lopt", mixinStandardHelpOptions = true,
        description = "Inspect learned-optimizer weight files; import published VeLO weights.",
        subcommands = {LoptCommand.Info.class, LoptCommand.Import.class})
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
            if (Files.exists(p)) {
                System.out.println(VeloFiles.isVeloFile(p) ? VeloFiles.read(p).info() : ThetaFiles.read(p).info());
                return 0;
            }
            if (!what.matches("[A-Za-z0-9._-]+") || what.endsWith(".safetensors")) {
                // a path (it has a '/' or the file suffix), not a shipped name: say that the file is missing
                throw new UserError("no such weights file: " + what);
            }
            VeloFiles.Loaded velo = what.startsWith("velo") ? VeloFiles.loadShipped(what) : null;
            System.out.println(velo != null ? velo.info() : LearnedOptimizers.loadShipped(what).info());
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Convert published VeLO weights (a local safetensors file with the HyperV2 parameter names, "
                    + "e.g. a Hugging Face copy) into a lobench velo-style weights file, usable as "
                    + "--optimizer velo-style:weights=OUT.",
                "Parity of lobench's velo-style with the published VeLO is unverified (the weights cannot be "
                    + "downloaded here); see optimizers/VELO.md for the name mapping."})
    static final class Import implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "KIND", description = "What to import: velo.")
        String kind;

        @Parameters(index = "1", paramLabel = "FILE", description = "The published weights (.safetensors).")
        Path in;

        @picocli.CommandLine.Option(names = {"-o", "--out"},
                description = "Output weights file (default: velo-imported.safetensors next to FILE).")
        Path out;

        @Override
        public Integer call() {
            if (!"velo".equals(kind)) {
                throw new dev.lobench.tasks.UserError("lopt import: unknown kind '" + kind + "'; valid: velo");
            }
            if (!Files.isRegularFile(in)) {
                throw new dev.lobench.tasks.UserError("lopt import velo: no such file " + in);
            }
            Path o = out != null ? out : in.toAbsolutePath().resolveSibling("velo-imported.safetensors");
            if (!o.getFileName().toString().endsWith(".safetensors")) {
                throw new dev.lobench.tasks.UserError("--out must name a .safetensors file, got " + o);
            }
            OutputGuard.check("--out", o, OutputGuard.Kind.OTHER, java.util.List.of(in));
            VeloTheta t = VeloImport.importFile(in, o);
            System.out.printf(java.util.Locale.ROOT, "imported VeLO weights: lstm %d, bank %d, %d meta-parameters%n"
                    + "wrote %s (use --optimizer velo-style:weights=%s)%n", t.hidden(), t.bank(), t.paramCount(),
                    o, o);
            return 0;
        }
    }
}
