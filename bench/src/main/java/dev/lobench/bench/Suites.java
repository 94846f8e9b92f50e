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

    /** The task the shipped learned optimizers were meta-trained on (see optimizers' weight provenance). */
    public static final String META_TRAINING_TASK = "fmnist8-mlp32";
    /** Their meta-training inner-run length (horizon), in steps. */
    public static final int META_TRAINING_HORIZON = 2000;

    private static final List<String> LEARNED = List.of("star", "small-fc", "velo-style");

    static {
        add(new Suite("smoke", "CI smoke test: every task family, Adam and SGD-momentum, 1 seed, a few hundred steps",
                List.of(new Suite.Entry("fmnist8-mlp32", 300, 100),
                        new Suite.Entry("fmnist-cnn16x32", 150, 75),
                        new Suite.Entry("fortunes-tf-w32-d1", 150, 75),
                        new Suite.Entry("quadratic-d100-k100", 300, 100)),
                List.of("adam", "sgdm"), 1));
        add(new Suite("quick", "Each family once, short runs: Adam, SGD-momentum and the learned optimizers, 2 seeds",
                List.of(new Suite.Entry("fmnist8-mlp32", 1000, 250),
                        new Suite.Entry("fmnist-mlp128x128", 1000, 250),
                        new Suite.Entry("fmnist-cnn16x32", 300, 150),
                        new Suite.Entry("fortunes-tf-w32-d1", 400, 200),
                        new Suite.Entry("quadratic-d100-k100", 1000, 250)),
                concat(List.of("adam", "sgdm"), LEARNED), 2));
        add(new Suite("generalization",
                "The paper's question: the learned optimizers (meta-trained on " + META_TRAINING_TASK
                        + ") against tuned Adam on MLPs, a CNN and transformers far from it",
                List.of(new Suite.Entry("fmnist8-mlp32", 2000, 250),
                        new Suite.Entry("fmnist-mlp128x128", 2000, 250),
                        new Suite.Entry("fmnist-cnn16x32", 1000, 250),
                        new Suite.Entry("fortunes-tf-w64-d2", 1000, 250),
                        new Suite.Entry("fortunes-tf-w128-d4", 500, 250)),
                concat(List.of("adam-tuned:lrs=5,min=1e-4,max=1e-1"), LEARNED), 2));
        add(new Suite("ood", "One out-of-distribution axis at a time around the meta-training task "
                + META_TRAINING_TASK + " (width, depth, activation, resolution, batch, loss scale, label noise, "
                + "data shift, architecture)",
                List.of(new Suite.Entry("fmnist8-mlp32", 2000, 500),
                        new Suite.Entry("fmnist8-mlp128", 2000, 500),
                        new Suite.Entry("fmnist8-mlp32x32x32", 2000, 500),
                        new Suite.Entry("fmnist8-mlp32-tanh", 2000, 500),
                        new Suite.Entry("fmnist8-mlp32-gelu", 2000, 500),
                        new Suite.Entry("fmnist-mlp32", 2000, 500),
                        new Suite.Entry("fmnist8-mlp32-b16", 2000, 500),
                        new Suite.Entry("fmnist8-mlp32-lossx100", 2000, 500),
                        new Suite.Entry("fmnist8-mlp32-lossx0.01", 2000, 500),
                        new Suite.Entry("fmnist8-mlp32-labelnoise0.3", 2000, 500),
                        new Suite.Entry("fmnist8-mlp32-invert", 2000, 500),
                        new Suite.Entry("fmnist8-mlp32-shift2", 2000, 500),
                        new Suite.Entry("fmnist8-cnn8x16", 2000, 500),
                        new Suite.Entry("fortunes-de-tf-w64-d2", 1000, 250)),
                concat(List.of("adam-tuned:lrs=5,min=1e-4,max=1e-1"), LEARNED), 2));
        add(new Suite("horizon", "Horizon generalization: star and small-fc at 1x, 10x and 100x their meta-training "
                + "horizon (" + META_TRAINING_HORIZON + " steps) on the meta-training task and one OOD task, "
                + "against tuned Adam",
                List.of(new Suite.Entry("fmnist8-mlp32", 2000, 500, "fmnist8-mlp32-h1x"),
                        new Suite.Entry("fmnist8-mlp32", 20000, 2000, "fmnist8-mlp32-h10x"),
                        new Suite.Entry("fmnist8-mlp32", 200000, 20000, "fmnist8-mlp32-h100x"),
                        new Suite.Entry("fmnist8-mlp32-tanh", 2000, 500, "fmnist8-mlp32-tanh-h1x"),
                        new Suite.Entry("fmnist8-mlp32-tanh", 20000, 2000, "fmnist8-mlp32-tanh-h10x"),
                        new Suite.Entry("fmnist8-mlp32-tanh", 200000, 20000, "fmnist8-mlp32-tanh-h100x")),
                List.of("adam-tuned:lrs=3,min=3e-4,max=3e-3", "star", "small-fc"), 1));
        List<Suite.Entry> all = new ArrayList<>();
        for (dev.lobench.tasks.Task t : dev.lobench.tasks.TaskRegistry.all()) {
            all.add(new Suite.Entry(t.name(), t.defaultSteps(), Math.max(1, t.defaultSteps() / 8)));
        }
        add(new Suite("full", "Everything: every named task at its default steps, tuned Adam/AdamW/SGD-momentum "
                + "(7 learning rates each) and every learned optimizer, 3 seeds (hours)",
                all, concat(List.of("adam-tuned", "adamw-tuned", "sgdm-tuned"), LEARNED), 3));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(b);
        return List.copyOf(l);
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
