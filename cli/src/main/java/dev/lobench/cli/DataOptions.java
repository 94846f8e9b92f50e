package dev.lobench.cli;

import dev.lobench.tasks.DataContext;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** The dataset options shared by the commands that train (picocli mixin). */
final class DataOptions {
    @Option(names = "--data-dir", description = "Directory holding the datasets (searched first; for Fashion-MNIST "
            + "the only place searched).")
    Path dataDir;

    @Option(names = "--no-fetch", description = "Never download or install missing datasets: a plan whose data is "
            + "missing stops before it trains, naming every missing dataset and the command that installs them.")
    boolean noFetch;

    DataContext context() {
        return new DataContext(Optional.ofNullable(dataDir), !noFetch);
    }
}
