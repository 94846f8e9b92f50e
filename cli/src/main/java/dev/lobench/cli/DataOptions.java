package dev.lobench.cli;

import dev.lobench.tasks.DataContext;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** The dataset options shared by the commands that train (picocli mixin). */
final class DataOptions {
    @Option(names = "--data-dir", description = "Directory holding the datasets (searched first).")
    Path dataDir;

    @Option(names = "--no-fetch", description = "Never download or install missing datasets.")
    boolean noFetch;

    DataContext context() {
        return new DataContext(Optional.ofNullable(dataDir), !noFetch);
    }
}
