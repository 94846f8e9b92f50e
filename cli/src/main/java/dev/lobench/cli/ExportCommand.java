package dev.lobench.cli;

import dev.lobench.results.CellRecord;
import dev.lobench.results.CurvesCsv;
import dev.lobench.tasks.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export recorded data as plain tables for other tools.",
        subcommands = {ExportCommand.CurvesCmd.class})
final class ExportCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "curves", mixinStandardHelpOptions = true,
            description = {"Write the per-step curves of result cells as one CSV table in long format, one row per "
                    + "(cell, step): task, optimizer, seed, step, train_loss, test_loss, test_accuracy, bits_per_byte, "
                    + "evaluated, outcome, cell_key.",
                "train_loss is the minibatch loss measured before update 'step'; an evaluation at step s (after s "
                    + "updates) fills the test columns of that row (evaluated = true); the final evaluation (step = "
                    + "steps run) has a row of its own with train_loss empty. Every recorded number appears once. "
                    + "Empty: not recorded at that step, not a metric of the task, or not finite. A cell recorded with "
                    + "run --loss-every K has one row per block of K steps, at the block's last step, with the block's "
                    + "mean loss. Column meanings: docs/results-schema.md 'Curves CSV'."})
    static final class CurvesCmd implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "RESULTS",
                description = "Run directories or results .jsonl/.jsonl.gz files.")
        List<Path> inputs;

        @Option(names = {"-o", "--out"}, paramLabel = "FILE",
                description = "The CSV file to write; '-' or none: stdout. Never replaces an existing file.")
        String out;

        @Override
        public Integer call() {
            Path file = out == null || out.equals("-") ? null : Path.of(out);
            if (file != null) {
                OutputGuard.check("--out", file, OutputGuard.Kind.OTHER, inputs);
                if (Files.exists(file)) {
                    throw new UserError("--out " + file + " exists; refusing to overwrite it (remove it or choose"
                            + " another file)");
                }
            }
            Inputs in = Inputs.read(inputs);
            if (!in.unfinished().isEmpty()) {
                System.err.println("lobench: note: " + String.join(", ", in.unfinished()) + ": the run did not finish"
                        + " (no end record); its finished cells are exported");
            }
            Map<String, Integer> silent = new TreeMap<>();
            for (CellRecord c : in.cells()) {
                if ((c.trainLoss() == null || c.trainLoss().length == 0) && (c.evals() == null || c.evals().isEmpty())) {
                    silent.merge(String.valueOf(c.outcome()), 1, Integer::sum);
                }
            }
            if (!silent.isEmpty()) {
                System.err.println("lobench: note: " + silent.values().stream().mapToInt(Integer::intValue).sum()
                        + " cell(s) recorded no step and have no row (outcomes: " + silent + "); see 'lobench report'");
            }
            long rows;
            if (file == null) {
                Writer w = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
                try {
                    rows = CurvesCsv.write(in.cells(), w);
                } catch (IOException e) {
                    throw new UserError("cannot write the curves to stdout: "
                            + dev.lobench.results.IoErrors.describe(e), e);
                }
            } else {
                rows = writeFile(file, in.cells());
            }
            System.err.println("lobench: " + rows + " row(s) of " + in.cells().size() + " cell(s) -> "
                    + (file == null ? "stdout" : file));
            return 0;
        }

        /** Writes to a new file (CREATE_NEW: an existing file is never replaced); removes what it wrote on failure. */
        private static long writeFile(Path file, List<CellRecord> cells) {
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
            } catch (IOException e) {
                throw new UserError("cannot write " + file + ": " + dev.lobench.results.IoErrors.describe(e), e);
            }
            Writer w;
            try {
                w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                throw new UserError("--out " + file + " exists; refusing to overwrite it (remove it or choose another"
                        + " file)", e);
            } catch (IOException e) {
                throw new UserError("cannot write " + file + ": " + dev.lobench.results.IoErrors.describe(e), e);
            }
            try (w) {
                return CurvesCsv.write(cells, w);
            } catch (IOException e) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // the message below names the file
                }
                throw new UserError("cannot write " + file + ": " + dev.lobench.results.IoErrors.describe(e), e);
            }
        }
    }
}
