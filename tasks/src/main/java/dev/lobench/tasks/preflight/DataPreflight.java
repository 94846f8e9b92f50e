package dev.lobench.tasks.preflight;

import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.UserError;
import dev.lobench.tasks.data.DataLocator;
import dev.lobench.tasks.data.FashionMnist;
import dev.lobench.tasks.data.cifar.Cifar10;
import dev.lobench.tasks.lm.FortunesCorpus;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The data preflight: before a plan trains anything, every dataset its tasks read ({@link Task#datasets()}) is found,
 * or fetched, or the plan is refused with one message naming every missing dataset and the command that installs
 * them, so no run trains for minutes and then stops because a later task's data is missing.
 *
 * <p>It uses the loaders' own search code and nothing else: {@link DataLocator#find} for Fashion-MNIST,
 * {@link FortunesCorpus#locate} for the fortunes text, {@link Cifar10#locate} for CIFAR-10. These only look for
 * files (no dataset is read, no checksum computed), so a dataset is loaded once, by its task, as before.
 *
 * <p>When some are missing and {@link DataContext#allowFetch()}, it prints one line on stderr and gets them the way
 * the loaders do: {@link DataLocator#fetch} (checksummed download into the user cache, else {@code apt-get install -y
 * dataset-fashion-mnist} as root) and {@link FortunesCorpus#require} ({@code apt-get install -y fortunes fortunes-de}
 * as root, tried once for both languages). CIFAR-10 is never downloaded (as its loader). An explicit {@code
 * --data-dir} or {@code $LOBENCH_DATA} lacking Fashion-MNIST's files is an error, not something to fetch (as in
 * {@link DataLocator#find}). Nothing is printed when every dataset is present.
 */
public final class DataPreflight {
    /** The name {@link Task#datasets()} gives Fashion-MNIST. */
    public static final String FASHION_MNIST = FashionMnist.NAME;
    /** The name {@link Task#datasets()} gives CIFAR-10 (binary version). */
    public static final String CIFAR_10 = "cifar-10";
    /** The command that puts CIFAR-10 where {@link Cifar10#locate} looks. */
    static final String CIFAR_COMMAND = "mkdir -p ~/.cache/lobench && curl -fL " + Cifar10.URL
            + " | tar -xz -C ~/.cache/lobench";

    private final DataLocator fashionMnist;
    private final Function<String, String> env;
    private final List<Path> fortunesRoots;
    private final Path home;
    private final DataLocator.PackagesInstaller installer;
    private final PrintStream err;

    /** The real environment: {@link DataLocator}'s defaults, Debian's fortunes, apt-get, stderr. */
    public DataPreflight() {
        this(new DataLocator(), System::getenv, List.of(Path.of(FortunesCorpus.DEBIAN_ROOT)),
                Path.of(System.getProperty("user.home")), DataLocator.PackagesInstaller.apt(), System.err);
    }

    /**
     * Everything injectable (tests): the Fashion-MNIST locator (its own downloader and installer), the environment
     * ({@code $LOBENCH_DATA}), the fortunes system roots, the home directory (CIFAR-10's cache), the Debian package
     * installer of the fortunes text, and where the one "fetching" line goes.
     */
    public DataPreflight(DataLocator fashionMnist, Function<String, String> env, List<Path> fortunesRoots, Path home,
            DataLocator.PackagesInstaller installer, PrintStream err) {
        this.fashionMnist = fashionMnist;
        this.env = env;
        this.fortunesRoots = List.copyOf(fortunesRoots);
        this.home = home;
        this.installer = installer;
        this.err = err;
    }

    /** {@code new DataPreflight().ensure(tasks, data)}: the real environment. */
    public static Map<String, Path> check(Collection<? extends Task> tasks, DataContext data) {
        return new DataPreflight().ensure(tasks, data);
    }

    /** The distinct datasets of {@code tasks}, in the order the tasks first name them. */
    public static List<String> datasets(Collection<? extends Task> tasks) {
        Set<String> names = new LinkedHashSet<>();
        for (Task t : tasks) {
            names.addAll(t.datasets());
        }
        return List.copyOf(names);
    }

    /**
     * A dataset not found: why, whether fetching may get it, the Debian packages or the command that install it, or
     * (when neither does) what to do instead.
     */
    private record Missing(String reason, boolean fetchable, List<String> packages, String command, String fix) {
        Missing(String reason, boolean fetchable, List<String> packages, String command) {
            this(reason, fetchable, packages, command, null);
        }
    }

    /** What to do when an explicit directory lacks Fashion-MNIST (no install puts files there). */
    static final String EXPLICIT_DIR_FIX = "copy its files there (`lobench data fetch` gets them and prints where"
            + " they are) or leave out --data-dir and $LOBENCH_DATA";

    /**
     * Finds every dataset of {@code tasks}, fetching the missing ones when {@code data.allowFetch()}; returns where
     * each is (by dataset name, in order). Throws one {@link UserError} naming every dataset still missing, why, and
     * the one command that installs them.
     */
    public Map<String, Path> ensure(Collection<? extends Task> tasks, DataContext data) {
        Map<String, Path> found = new LinkedHashMap<>();
        Map<String, Missing> missing = new LinkedHashMap<>();
        for (String name : datasets(tasks)) {
            lookup(name, data, found, missing);
        }
        List<String> fetchable = missing.entrySet().stream().filter(e -> e.getValue().fetchable())
                .map(Map.Entry::getKey).toList();
        if (!fetchable.isEmpty() && data.allowFetch()) {
            err.println("lobench: fetching the data this plan needs: " + String.join(", ", fetchable));
            DataLocator.PackagesInstaller once = once(installer);
            for (String name : fetchable) {
                Missing m = missing.get(name);
                try {
                    found.put(name, fetch(name, data, once));
                    missing.remove(name);
                } catch (UserError e) {
                    missing.put(name, new Missing(e.getMessage().replaceFirst("^" + FASHION_MNIST + ": ", ""), false,
                            m.packages(), m.command()));
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new UserError(message(missing));
        }
        // in the order the plan names them
        Map<String, Path> ordered = new LinkedHashMap<>();
        for (String name : datasets(tasks)) {
            ordered.put(name, found.get(name));
        }
        return ordered;
    }

    private void lookup(String name, DataContext data, Map<String, Path> found, Map<String, Missing> missing) {
        if (name.equals(FASHION_MNIST)) {
            try {
                Optional<Path> dir = fashionMnist.find(data);
                if (dir.isPresent()) {
                    found.put(name, dir.get());
                } else {
                    missing.put(name, new Missing("not in " + fashionMnist.cacheDir() + " or "
                            + fashionMnist.debianDir(), true, List.of(DataLocator.DEBIAN_PACKAGE), null));
                }
            } catch (UserError explicitDirLacksFiles) {
                // --data-dir or $LOBENCH_DATA is searched alone when it holds none or some of the files: the fix is
                // to complete that directory, which no fetch does
                missing.put(name, new Missing(explicitDirLacksFiles.getMessage().replaceFirst("^" + FASHION_MNIST
                        + ": ", ""), false, List.of(), null, EXPLICIT_DIR_FIX));
            }
        } else if (name.startsWith("fortunes-")) {
            String lang = name.substring("fortunes-".length());
            try {
                found.put(name, FortunesCorpus.locate(lang, data, env.apply("LOBENCH_DATA"), fortunesRoots));
            } catch (UserError e) {
                List<String> tried = FortunesCorpus.searched(lang, data, env.apply("LOBENCH_DATA"), fortunesRoots)
                        .stream().map(Path::toString).toList();
                missing.put(name, new Missing("looked in " + String.join(", ", tried), true,
                        List.of(FortunesCorpus.debianPackage(lang)), null));
            }
        } else if (name.equals(CIFAR_10)) {
            try {
                found.put(name, Cifar10.locate(data, env.apply("LOBENCH_DATA"), home));
            } catch (UserError e) {
                missing.put(name, new Missing(e.getMessage().replaceFirst("; download .*", ""), false, List.of(),
                        CIFAR_COMMAND));
            }
        } else {
            throw new IllegalStateException("a task reads dataset '" + name + "', which the data preflight does not"
                    + " know (DataPreflight.lookup)");
        }
    }

    private Path fetch(String name, DataContext data, DataLocator.PackagesInstaller once) {
        if (name.equals(FASHION_MNIST)) {
            return fashionMnist.fetch();
        }
        // the preflight printed its line already: the loader's own note is not repeated
        return FortunesCorpus.require(name.substring("fortunes-".length()), data, env.apply("LOBENCH_DATA"),
                fortunesRoots, once, null);
    }

    /** An installer that runs at most once: later calls repeat the first outcome (both languages, one apt-get). */
    private static DataLocator.PackagesInstaller once(DataLocator.PackagesInstaller installer) {
        return new DataLocator.PackagesInstaller() {
            private boolean ran;
            private IOException failure;

            @Override
            public void install(List<String> packages) throws IOException {
                if (!ran) {
                    ran = true;
                    try {
                        installer.install(packages);
                    } catch (IOException e) {
                        failure = e;
                    }
                }
                if (failure != null) {
                    throw failure;
                }
            }
        };
    }

    /** One line: every missing dataset with why, then the one command that installs them. */
    private static String message(Map<String, Missing> missing) {
        List<String> parts = new ArrayList<>();
        List<String> covered = new ArrayList<>();
        Set<String> packages = new LinkedHashSet<>();
        Set<String> commands = new LinkedHashSet<>();
        List<String> fixes = new ArrayList<>();
        missing.forEach((name, m) -> {
            if (m.fix() != null) {
                fixes.add(name + ": " + m.fix());
            }
            parts.add(name + " (" + m.reason() + ")");
            packages.addAll(m.packages());
            if (m.command() != null) {
                commands.add(m.command());
            }
            if (!m.packages().isEmpty() || m.command() != null) {
                covered.add(name);
            }
        });
        List<String> install = new ArrayList<>();
        if (!packages.isEmpty()) {
            install.add("sudo apt-get install -y " + String.join(" ", packages));
        }
        install.addAll(commands);
        StringBuilder sb = new StringBuilder("data missing for this plan: ").append(String.join(", ", parts));
        if (!install.isEmpty()) {
            String what = covered.size() < missing.size() ? String.join(", ", covered)
                    : missing.size() == 1 ? "it" : "them";
            sb.append("; install ").append(what).append(" with: ").append(String.join(" && ", install));
        }
        for (String f : fixes) {
            sb.append("; ").append(f);
        }
        return sb.toString();
    }
}
