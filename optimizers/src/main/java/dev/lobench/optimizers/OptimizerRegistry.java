package dev.lobench.optimizers;

import dev.lobench.tasks.Names;

import dev.lobench.tasks.UserError;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Name -> optimizer factory. The hand-designed optimizers ({@code sgd}, {@code sgdm}, {@code nesterov},
 * {@code adam}, {@code adamw}) are built in; others register with {@link #register}, directly or from an
 * {@link OptimizerProvider} found by {@link ServiceLoader} (the learned optimizers register that way, so this package
 * depends on none of them). Thread-safe.
 */
public final class OptimizerRegistry {

    /** Builds an optimizer from validated hyperparameters. */
    @FunctionalInterface
    public interface Factory {
        Optimizer create(Hyperparams hp);
    }

    /**
     * One registered optimizer.
     *
     * @param defaults declared parameters with their default values, in display order (empty: no parameters)
     */
    public record Entry(String name, String description, Map<String, String> defaults, Factory factory) {
        public Entry {
            defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
        }
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();
    /** Where a plug-in optimizer came from ("plugin lion-plugin.jar"); built-ins are absent. */
    private static final Map<String, String> ORIGINS = new LinkedHashMap<>();
    private static boolean providersLoaded;

    private OptimizerRegistry() {}

    /** Registers an optimizer without parameters. */
    public static void register(String name, String description, Factory factory) {
        register(name, description, Map.of(), factory);
    }

    /**
     * Registers an optimizer. Only keys of {@code defaults} are accepted in specs.
     *
     * @throws IllegalStateException if {@code name} is taken
     */
    public static synchronized void register(String name, String description, Map<String, String> defaults,
                                             Factory factory) {
        if (!name.matches("[a-z0-9][a-z0-9_.-]*")) {
            throw new IllegalArgumentException("bad optimizer name '" + name + "'");
        }
        if (ENTRIES.containsKey(name)) {
            throw new IllegalStateException("optimizer '" + name + "' is already registered");
        }
        ENTRIES.put(name, new Entry(name, description, defaults, factory));
    }

    /**
     * Registers a plug-in's optimizer (see {@link OptimizerPlugin}).
     *
     * @param origin where it came from, shown by {@code lobench list optimizers}
     * @throws UserError if the name is malformed or already taken
     */
    public static synchronized void registerPlugin(String origin, OptimizerPlugin.Definition d) {
        if (d.name() == null || !d.name().matches("[a-z0-9][a-z0-9_.-]*") || d.name().endsWith("-tuned")) {
            throw new UserError(origin + ": bad optimizer name '" + d.name()
                    + "' (lower-case letters, digits, '-', '_', '.'; not ending in -tuned)");
        }
        if (d.factory() == null) {
            throw new UserError(origin + ": optimizer '" + d.name() + "' has no factory");
        }
        if (ENTRIES.containsKey(d.name())) {
            String other = ORIGINS.getOrDefault(d.name(), "a built-in optimizer");
            throw new UserError(origin + ": optimizer name '" + d.name() + "' is already taken by " + other);
        }
        ENTRIES.put(d.name(), new Entry(d.name(), d.description() == null ? "" : d.description(), d.defaults(),
                d.factory()));
        ORIGINS.put(d.name(), origin);
    }

    /** Where optimizer {@code name} came from ("plugin X.jar"), or empty for a built-in. */
    public static synchronized java.util.Optional<String> origin(String name) {
        loadProviders();
        return java.util.Optional.ofNullable(ORIGINS.get(name));
    }

    /** Registered optimizers (built-ins and plug-ins) that declare an {@code lr} parameter, in registration order. */
    public static synchronized List<String> withLearningRate() {
        loadProviders();
        return ENTRIES.values().stream().filter(e -> e.defaults().containsKey("lr")).map(Entry::name).toList();
    }

    private static synchronized void loadProviders() {
        if (providersLoaded) {
            return;
        }
        providersLoaded = true;
        for (OptimizerProvider p : ServiceLoader.load(OptimizerProvider.class)) {
            p.registerOptimizers();
        }
        Plugins.loadConfigured();
    }

    /** All registered optimizers in registration order (built-ins first). */
    public static synchronized List<Entry> entries() {
        loadProviders();
        return List.copyOf(ENTRIES.values());
    }

    /** Registered names in registration order. */
    public static synchronized List<String> names() {
        loadProviders();
        return List.copyOf(ENTRIES.keySet());
    }

    /** The entry for {@code name}; an unknown name throws {@link UserError} listing the valid ones. */
    public static synchronized Entry entry(String name) {
        loadProviders();
        Entry e = ENTRIES.get(name);
        if (e == null) {
            List<String> valid = new ArrayList<>(ENTRIES.keySet());
            String hint = Names.closest(name, valid).map(c -> "; did you mean '" + c + "'?").orElse("");
            throw new UserError("unknown optimizer '" + name + "'" + hint + " (valid: " + String.join(", ", valid)
                    + ")");
        }
        return e;
    }

    /** Builds the optimizer a spec names, for a run of unknown length (cosine schedules then need steps=N). */
    public static Optimizer create(String spec) {
        return create(spec, 0);
    }

    /**
     * Builds the optimizer a spec names.
     *
     * @param runSteps total number of update steps of the run (drives cosine schedules unless the spec sets
     *     {@code steps}); 0 if unknown
     * @throws UserError for a malformed spec, an unknown name or parameter, or a bad value
     */
    public static Optimizer create(String spec, long runSteps) {
        return create(OptimizerSpec.parse(spec), runSteps);
    }

    public static Optimizer create(OptimizerSpec spec, long runSteps) {
        Entry e = entry(spec.name());
        return e.factory().create(new Hyperparams(e.name(), e.defaults(), spec.args(), runSteps));
    }

    /** Canonical spec string, e.g. {@code adam:lr=1e-3,beta1=0.9} -> {@code adam(lr=0.001)}. */
    public static String canonical(String spec, long runSteps) {
        return create(spec, runSteps).name();
    }
}
