package dev.lobench.cli;

import dev.lobench.optimizers.Plugins;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** {@code --plugins JAR|DIR}: optimizer plug-ins for the commands that build optimizers (picocli mixin). */
final class PluginOptions {
    @Option(names = "--plugins", split = ",", paramLabel = "JAR|DIR",
            description = "Optimizer plug-in jars, or directories of jars, to load (also from $LOBENCH_PLUGINS, "
                    + "':'-separated). See README 'Your own optimizer'.")
    List<Path> plugins;

    /** Loads the given plug-ins (and those of $LOBENCH_PLUGINS); call before any optimizer is looked up. */
    void load() {
        if (plugins != null && !plugins.isEmpty()) {
            Plugins.load(plugins, "--plugins");
        }
        Plugins.loadConfigured();
    }
}
