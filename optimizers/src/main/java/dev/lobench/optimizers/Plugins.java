package dev.lobench.optimizers;

import dev.lobench.tasks.UserError;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads {@link OptimizerPlugin} jars: each jar given (a directory stands for the {@code *.jar} files directly in it)
 * gets its own class loader, a child of lobench's, and every plug-in class its {@code META-INF/services} file names
 * registers its optimizers. Loading the same jar again is a no-op; a name already taken is refused. Jars come from
 * {@code --plugins}, the environment variable {@value #ENV} and the system property {@value #PROPERTY}
 * (path-separator-separated; lobench sets the property to every jar it loaded, so JMH forks load them too).
 */
public final class Plugins {
    public static final String ENV = "LOBENCH_PLUGINS";
    public static final String PROPERTY = "lobench.plugins";

    private static final Set<Path> LOADED = new LinkedHashSet<>();

    private Plugins() {}

    /** Loads the jars of {@value #ENV} and {@value #PROPERTY} (called by the registry on first use). */
    public static void loadConfigured() {
        List<String> items = new ArrayList<>();
        items.addAll(split(System.getenv(ENV)));
        items.addAll(split(System.getProperty(PROPERTY)));
        if (!items.isEmpty()) {
            load(items.stream().map(Path::of).toList(), ENV);
        }
    }

    private static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        if (s != null) {
            for (String t : s.split(File.pathSeparator)) {
                if (!t.isBlank()) {
                    out.add(t.strip());
                }
            }
        }
        return out;
    }

    /** The jars loaded so far, in load order. */
    public static List<Path> loaded() {
        synchronized (OptimizerRegistry.class) {
            return List.copyOf(LOADED);
        }
    }

    /**
     * Loads plug-in jars or directories of jars.
     *
     * @param source what named them, for error messages (e.g. {@code --plugins})
     * @return the optimizer names registered by this call
     * @throws UserError for a missing path, a directory without jars, a jar without a plug-in, a broken plug-in
     *     or an optimizer name that is already taken
     */
    public static List<String> load(List<Path> paths, String source) {
        // one lock with the registry, which loads the configured plug-ins on first use
        synchronized (OptimizerRegistry.class) {
            OptimizerRegistry.names(); // built-ins and service providers first: they own their names
            return loadLocked(paths, source);
        }
    }

    private static List<String> loadLocked(List<Path> paths, String source) {
        List<Path> jars = new ArrayList<>();
        for (Path p : paths) {
            jars.addAll(jarsOf(p, source));
        }
        List<String> registered = new ArrayList<>();
        for (Path jar : jars) {
            Path key = jar.toAbsolutePath().normalize();
            if (LOADED.contains(key)) {
                continue;
            }
            registered.addAll(loadJar(key));
            LOADED.add(key);
        }
        recordPaths(PROPERTY, LOADED);
        return registered;
    }

    /** Sets system property {@code key} to {@code paths}, path-separator-separated (read back by forked JVMs). */
    public static void recordPaths(String key, java.util.Collection<Path> paths) {
        StringBuilder prop = new StringBuilder();
        for (Path p : paths) {
            prop.append(prop.length() == 0 ? "" : File.pathSeparator).append(p);
        }
        System.setProperty(key, prop.toString());
    }

    private static List<Path> jarsOf(Path p, String source) {
        if (Files.isDirectory(p)) {
            try (Stream<Path> s = Files.list(p)) {
                List<Path> jars = s.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
                        .sorted().toList();
                if (jars.isEmpty()) {
                    throw new UserError(source + ": directory " + p + " holds no .jar file");
                }
                return jars;
            } catch (IOException e) {
                throw new UserError(source + ": cannot list " + p + ": " + e.getMessage());
            }
        }
        if (!Files.isRegularFile(p)) {
            throw new UserError(source + ": " + p + " does not exist (give a plug-in .jar or a directory of jars)");
        }
        if (!p.getFileName().toString().endsWith(".jar")) {
            throw new UserError(source + ": " + p + " is not a .jar file");
        }
        return List.of(p);
    }

    private static List<String> loadJar(Path jar) {
        URL url;
        try {
            url = jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new UserError("plug-in " + jar + ": bad path: " + e.getMessage());
        }
        // Not closed: the plug-in's classes are used for the rest of the process.
        URLClassLoader loader = new URLClassLoader(new URL[] {url}, Plugins.class.getClassLoader());
        String origin = "plugin " + jar.getFileName();
        List<OptimizerPlugin> plugins = new ArrayList<>();
        try {
            for (ServiceLoader.Provider<OptimizerPlugin> p : ServiceLoader.load(OptimizerPlugin.class, loader)
                    .stream().toList()) {
                if (p.type().getClassLoader() == loader) { // skip providers visible from lobench's own class path
                    plugins.add(p.get());
                }
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            throw new UserError("plug-in " + jar + ": cannot load its OptimizerPlugin: " + e.getMessage());
        }
        if (plugins.isEmpty()) {
            throw new UserError("plug-in " + jar + " declares no optimizer plug-in (it needs a file "
                    + "META-INF/services/" + OptimizerPlugin.class.getName() + " naming its plug-in classes)");
        }
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (OptimizerPlugin plugin : plugins) {
            List<OptimizerPlugin.Definition> defs;
            try {
                defs = plugin.optimizers();
            } catch (RuntimeException | LinkageError e) {
                throw new UserError("plug-in " + jar + ": " + plugin.getClass().getName() + ".optimizers() failed: "
                        + e);
            }
            for (OptimizerPlugin.Definition d : defs) {
                if (!seen.add(d.name())) {
                    throw new UserError("plug-in " + jar + " defines optimizer '" + d.name() + "' twice");
                }
                OptimizerRegistry.registerPlugin(origin, d);
                names.add(d.name());
            }
        }
        return names;
    }
}
