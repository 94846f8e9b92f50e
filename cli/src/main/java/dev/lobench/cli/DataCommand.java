package dev.lobench.cli;

import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.data.DataLocator;
import dev.lobench.tasks.lm.FortunesCorpus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Show where each dataset is found (search order: --data-dir, $LOBENCH_DATA, ~/.cache/lobench, "
                + "Debian packages).",
        subcommands = {DataCommand.Fetch.class})
final class DataCommand implements Callable<Integer> {

    @Option(names = "--data-dir", description = "Directory searched first.")
    Path dataDir;

    @Option(names = "--verify", description = "Also check the SHA-256 of every Fashion-MNIST file found.")
    boolean verify;

    @Override
    public Integer call() {
        DataContext ctx = new DataContext(Optional.ofNullable(dataDir), false);
        DataLocator locator = new DataLocator();
        System.out.println("fashion-mnist (search order; the first COMPLETE location is used):");
        List<DataLocator.Location> locations = locator.report(ctx, verify);
        boolean bad = false;
        for (DataLocator.Location l : locations) {
            System.out.printf("  %-14s %-12s %s%s%n", l.source(), l.status(), l.dir() == null ? "-" : l.dir(),
                    l.detail() == null || l.detail().isEmpty() ? "" : "  (" + l.detail() + ")");
            bad |= l.status() == DataLocator.Status.BAD_CHECKSUM;
        }
        if (verify) {
            // the verified report decides: a location that failed its checksum is never the one used
            System.out.println("  -> " + locations.stream().filter(l -> l.status() == DataLocator.Status.COMPLETE)
                    .findFirst().map(l -> l.dir().toString()).orElse("none verified: run 'lobench data fetch'"));
        } else {
            System.out.println("  -> " + locator.find(ctx).map(Path::toString)
                    .orElse("not found: run 'lobench data fetch'"));
        }
        System.out.println("fortunes text (transformer tasks):");
        System.out.println("  " + FortunesCorpus.describeLocations(ctx));
        if (bad) {
            System.err.println("lobench: verification failed: a location holds files of unknown SHA-256 (BAD_CHECKSUM"
                    + " above); it is not used");
            return 1;
        }
        return 0;
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Download Fashion-MNIST into ~/.cache/lobench (SHA-256 checked); falls back to "
                    + "'apt-get install dataset-fashion-mnist' when run as root.")
    static final class Fetch implements Callable<Integer> {
        @Override
        public Integer call() {
            DataLocator locator = new DataLocator();
            Optional<Path> found = locator.find(DataContext.defaults());
            if (found.isPresent()) {
                System.out.println("fashion-mnist already present: " + found.get());
                return 0;
            }
            System.out.println("fashion-mnist: " + locator.fetch());
            return 0;
        }
    }
}
