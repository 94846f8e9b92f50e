package dev.lobench.bench;

import dev.lobench.tasks.Names;
import dev.lobench.tasks.UserError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The named suites. */
public final class Suites {
    private static final Map<String, Suite> SUITES = new LinkedHashMap<>();

    static {
        add(new Suite("smoke", "CI smoke test: every task family, Adam and SGD-momentum, 1 seed, a few hundred steps",
                List.of(new Suite.Entry("fmnist8-mlp32", 300, 100),
                        new Suite.Entry("fmnist-cnn16x32", 150, 75),
                        new Suite.Entry("fortunes-tf-w32-d1", 150, 75),
                        new Suite.Entry("quadratic-d100-k100", 300, 100)),
                List.of("adam", "sgdm"), 1));
        add(new Suite("quick", "Each family once, short runs, hand-designed baselines, 2 seeds (about 10 minutes here)",
                List.of(new Suite.Entry("fmnist8-mlp32", 1000, 250),
                        new Suite.Entry("fmnist-mlp128x128", 1000, 250),
                        new Suite.Entry("fmnist-cnn16x32", 400, 200),
                        new Suite.Entry("fortunes-tf-w32-d1", 400, 200),
                        new Suite.Entry("quadratic-d100-k100", 1000, 250)),
                List.of("adam", "sgdm", "star", "small-fc"), 2));
    }

    private Suites() {}

    private static void add(Suite s) {
        SUITES.put(s.name(), s);
    }

    public static List<Suite> all() {
        return new ArrayList<>(SUITES.values());
    }

    public static Suite get(String name) {
        Suite s = SUITES.get(name);
        if (s == null) {
            throw new UserError(Names.unknown("suite", name, SUITES.keySet()));
        }
        return s;
    }
}
