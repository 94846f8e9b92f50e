package dev.lobench.tasks;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where datasets are looked for. {@code dataDir} is the user's explicit {@code --data-dir} (may be empty);
 * the rest of the search order ($LOBENCH_DATA, the user cache dir, the Debian package paths) is applied by the
 * dataset locators.
 */
public record DataContext(Optional<Path> dataDir, boolean allowFetch) {
    public static DataContext defaults() {
        return new DataContext(Optional.empty(), false);
    }
}
