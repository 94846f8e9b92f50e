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
 * Where a task stands relative to the shipped learned optimizers' meta-training (read from the provenance of the
 * shipped weights): a cell is in the meta-training set when its task has the same family and parameters as a
 * meta-training task and its steps do not exceed that task's meta-training horizon. Otherwise the cell is
 * out-of-distribution, and {@link #axes} names how it differs (each changed parameter, the family, the horizon
 * factor). Reports never pool the two.
 */
public final class MetaTrainingSet {
    /** A meta-training task: its definition and inner-run horizon. */
    public record Origin(String optimizer, Task task, int horizon) {}

    private static volatile List<Origin> origins;

    private MetaTrainingSet() {}

    public static List<Origin> origins() {
        if (origins == null) {
            List<Origin> l = new ArrayList<>();
            for (String name : List.of("star", "small-fc", "velo-style")) {
                try {
                    LearnedOptimizers.ShippedInfo w = LearnedOptimizers.shippedInfo(name);
                    if (w == null) {
                        continue;
                    }
                    JsonNode mt = w.metaTraining();
                    int horizon = mt.path("horizon").asInt(Integer.MAX_VALUE);
                    if (mt.path("tasks").isArray()) {
                        for (JsonNode t : mt.path("tasks")) {
                            l.add(new Origin(name, TaskRegistry.get(t.asText()), horizon));
                        }
                    } else if (mt.hasNonNull("task")) {
                        l.add(new Origin(name, TaskRegistry.get(mt.path("task").asText()), horizon));
                    }
                } catch (RuntimeException e) {
                    // weights without a readable provenance: no origin to compare with
                }
            }
            origins = List.copyOf(l);
        }
        return origins;
    }

    public static boolean contains(Task task, int steps) {
        for (Origin o : origins()) {
            if (axes(o, task, steps).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** How a cell differs from the closest meta-training task (empty when it is in the meta-training set). */
    public static Map<String, Object> describe(Task task, int steps) {
        Map<String, Object> best = null;
        for (Origin o : origins()) {
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
