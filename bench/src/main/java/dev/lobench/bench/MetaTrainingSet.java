package dev.lobench.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lobench.optimizers.learned.LearnedOptimizers;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.TaskRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a task stands relative to the learned optimizers' meta-training (read from the provenance of their weights):
 * a cell is in the meta-training set when its task has the same family and parameters as a meta-training task and its
 * steps do not exceed that task's meta-training horizon. Otherwise the cell is out-of-distribution, and {@link #axes}
 * names how it differs (each changed parameter, the family, the horizon factor). Reports never pool the two.
 *
 * <p>A learned optimizer's cell is judged against the weights it runs with ({@code weights=auto}: the shipped file of
 * its name; a shipped name or a file: that file's provenance; {@code init:SEED}: not meta-trained, so never in the set),
 * since the shipped star / small-fc and velo-style were meta-trained on different tasks. Any other optimizer's cell is
 * judged against all shipped learned optimizers' tasks (it has no meta-training of its own; this keeps the task-level
 * grouping "a task on which any cell is in the set").
 */
public final class MetaTrainingSet {
    /** A meta-training task: its definition and inner-run horizon. */
    public record Origin(String optimizer, Task task, int horizon) {}

    private static volatile List<Origin> origins;

    private MetaTrainingSet() {}

    public static List<Origin> origins() {
        if (origins == null) {
            List<Origin> l = new ArrayList<>();
            for (String name : LearnedOptimizers.learnedNames()) {
                try {
                    LearnedOptimizers.ShippedInfo w = LearnedOptimizers.shippedInfo(name);
                    if (w == null) {
                        continue;
                    }
                    l.addAll(originsOf(name, w.metaTraining()));
                } catch (RuntimeException e) {
                    // weights without a readable provenance: no origin to compare with
                }
            }
            origins = List.copyOf(l);
        }
        return origins;
    }

    private static final Map<String, List<Origin>> BY_WEIGHTS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The meta-training origins of one optimizer cell: for a learned optimizer ({@link LearnedOptimizers#learnedNames})
     * those of the weights its {@code weights} parameter names; for any other optimizer, {@link #origins()}.
     */
    public static List<Origin> originsFor(String optimizer, Map<String, Object> params) {
        if (!LearnedOptimizers.learnedNames().contains(optimizer)) {
            return origins();
        }
        String w = String.valueOf(params == null ? "auto" : params.getOrDefault("weights", "auto")).trim();
        if (w.equalsIgnoreCase("auto")) {
            w = optimizer;
        }
        if (w.startsWith("init:")) {
            return List.of();
        }
        String weights = w;
        return BY_WEIGHTS.computeIfAbsent(optimizer + "\u0000" + weights, k -> read(optimizer, weights));
    }

    private static List<Origin> read(String optimizer, String weights) {
        try {
            JsonNode mt;
            LearnedOptimizers.ShippedInfo shipped = weights.matches("[A-Za-z0-9._-]+")
                    ? LearnedOptimizers.shippedInfo(weights) : null;
            if (shipped != null) {
                mt = shipped.metaTraining();
            } else {
                java.nio.file.Path f = java.nio.file.Path.of(weights);
                Map<String, String> meta = optimizer.equals("velo-style")
                        ? dev.lobench.optimizers.learned.VeloFiles.read(f).metadata()
                        : dev.lobench.optimizers.learned.ThetaFiles.read(f).metadata();
                mt = new com.fasterxml.jackson.databind.ObjectMapper().readTree(meta.getOrDefault("provenance", "{}"))
                        .path("meta_training");
            }
            return originsOf(optimizer, mt);
        } catch (RuntimeException | java.io.IOException e) {
            return List.of(); // weights without a readable provenance: no origin to compare with
        }
    }

    private static List<Origin> originsOf(String name, JsonNode mt) {
        List<Origin> l = new ArrayList<>();
        int horizon = mt.path("horizon").asInt(Integer.MAX_VALUE);
        if (mt.path("tasks").isArray()) {
            for (JsonNode t : mt.path("tasks")) {
                l.add(new Origin(name, TaskRegistry.get(t.asText()), horizon));
            }
        } else if (mt.hasNonNull("task")) {
            l.add(new Origin(name, TaskRegistry.get(mt.path("task").asText()), horizon));
        }
        return l;
    }

    /** Whether an optimizer's cell of this task and length is in that optimizer's meta-training set. */
    public static boolean contains(String optimizer, Map<String, Object> params, Task task, int steps) {
        return contains(originsFor(optimizer, params), task, steps);
    }

    /** How an optimizer's cell differs from the closest of its meta-training tasks (empty when in the set). */
    public static Map<String, Object> describe(String optimizer, Map<String, Object> params, Task task, int steps) {
        return describe(originsFor(optimizer, params), task, steps);
    }

    public static boolean contains(Task task, int steps) {
        return contains(origins(), task, steps);
    }

    private static boolean contains(List<Origin> os, Task task, int steps) {
        for (Origin o : os) {
            if (axes(o, task, steps).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** How a cell differs from the closest meta-training task (empty when it is in the meta-training set). */
    public static Map<String, Object> describe(Task task, int steps) {
        return describe(origins(), task, steps);
    }

    private static Map<String, Object> describe(List<Origin> os, Task task, int steps) {
        Map<String, Object> best = null;
        for (Origin o : os) {
            Map<String, Object> a = axes(o, task, steps);
            if (best == null || a.size() < best.size()) {
                best = a;
                if (!a.isEmpty()) {
                    best.put("relativeTo", o.task().name());
                }
            }
        }
        return best == null ? Map.of() : best;
    }

    static Map<String, Object> axes(Origin o, Task task, int steps) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (!o.task().family().equals(task.family())) {
            d.put("architecture", o.task().family() + " -> " + task.family());
        } else {
            Map<String, Object> a = o.task().parameters();
            Map<String, Object> b = task.parameters();
            for (String k : union(a, b)) {
                if (k.equals("steps")) {
                    continue;
                }
                if (!Objects.equals(String.valueOf(a.get(k)), String.valueOf(b.get(k)))) {
                    d.put(k, a.get(k) + " -> " + b.get(k));
                }
            }
        }
        if (steps > o.horizon()) {
            d.put("horizon", String.format("x%.3g", (double) steps / o.horizon()));
        }
        return d;
    }

    private static List<String> union(Map<String, Object> a, Map<String, Object> b) {
        List<String> k = new ArrayList<>(a.keySet());
        for (String x : b.keySet()) {
            if (!k.contains(x)) {
                k.add(x);
            }
        }
        return k;
    }
}
