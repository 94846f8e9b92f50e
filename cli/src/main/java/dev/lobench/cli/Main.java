package dev.lobench.cli;

import dev.lobench.bench.RunEnvironment;
import dev.lobench.results.ResultsError;
import dev.lobench.tasks.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The {@code lobench} command. */
@Command(name = "lobench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Benchmarks learned optimizers (star, small-fc, velo-style) against tuned Adam.",
        subcommands = {ListCommand.class, RunCommand.class, ReportCommand.class, CompareCommand.class, ExportCommand.class,
                CiCommand.class, DataCommand.class, LoptCommand.class, ConformanceCommand.class, MergeCommand.class,
                MetaTrainCommand.class, MetaBenchCommand.class, MetaReportCommand.class, OverheadCommand.class, StabilityCommand.class, ReproduceCommand.class, CompletionCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (0 ok, 1 failure/regression, 2 usage or input error). */
    public static int execute(String... args) {
        currentArgs = args.clone();
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    private static String[] currentArgs = new String[0];

    /** The arguments of the command being executed ("lobench" + args is recorded in results headers). */
    static List<String> currentArgs() {
        List<String> l = new ArrayList<>();
        l.add("lobench");
        l.addAll(Arrays.asList(currentArgs));
        return l;
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handleException);
        cl.setParameterExceptionHandler(Main::handleParameterException);
        return cl;
    }

    static int handleException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        if (ex instanceof UserError || ex instanceof ResultsError) {
            err.println("lobench: " + oneLine(ex.getMessage()));
            err.flush();
            return 2;
        }
        java.io.IOException io = dev.lobench.results.IoErrors.find(ex);
        if (io != null) {
            // a path the user gave cannot be read or written: one line with the path and the OS reason
            // lobench's own UncheckedIOExceptions carry "PATH: reason"; others are described from the cause
            String msg = ex instanceof java.io.UncheckedIOException && ex.getMessage() != null
                    && !ex.getMessage().startsWith("java.") ? ex.getMessage() : dev.lobench.results.IoErrors.describe(io);
            err.println("lobench: " + oneLine(msg));
            err.flush();
            return 2;
        }
        err.println("lobench: internal error: " + ex.getClass().getSimpleName() + ": " + oneLine(ex.getMessage()));
        if (System.getenv("LOBENCH_DEBUG") != null) {
            ex.printStackTrace(err);
        } else {
            err.println("lobench: set LOBENCH_DEBUG=1 for the stack trace");
        }
        err.flush();
        return 1;
    }

    static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("lobench: " + oneLine(ex.getMessage()));
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return 2;
    }

    static String oneLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        return s.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lobench " + RunEnvironment.lobenchVersion() + " (commit "
                    + RunEnvironment.gitCommit() + ")"};
        }
    }
}
