package dev.lobench.cli;

import dev.lobench.optimizers.Plugins;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/**
 * Where optimizers beyond the built-ins come from, for the commands that build optimizers (picocli mixin):
 * {@code --plugins JAR|DIR} (Java plug-ins) and {@code --optimizer-spec FILE} (optimizers composed in YAML/JSON).
 */
final class PluginOptions {
    @Option(names = "--optimizer-spec", split = ",", paramLabel = "FILE",
            description = "YAML/JSON files defining optimizers as chains of transforms (README 'Your own optimizer'); "
                    + "their names then work in --optimizer like the built-ins'.")
    List<Path> optimizerSpecs;

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
        if (optimizerSpecs != null && !optimizerSpecs.isEmpty()) {
            dev.lobench.optimizers.chain.ChainSpecFile.load(optimizerSpecs);
        }
    }
}
