package dev.lobench.tasks;

import dev.lobench.tasks.data.FashionMnist;
import dev.lobench.tasks.family.ParamSpec;
import dev.lobench.tasks.lm.TransformerLm;
import dev.lobench.tasks.quadratic.NoisyQuadratic;
import dev.lobench.tasks.models.ClassifierTask;
import dev.lobench.tasks.models.InputTransform;
import dev.lobench.tasks.models.Network;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The named, stable tasks, and a factory for tasks described by family parameters (YAML task specs).
 *
 * <p>Families and their parameters (defaults in brackets):
 * <ul>
 *   <li>{@code mlp}: resolution 28|8 [28], hidden list of widths [[128, 128]], activation relu|tanh|gelu [relu],
 *       batch [128], steps [2000], invert [false], shift [0].</li>
 *   <li>{@code cnn}: resolution 28|8 [28], channels list (non-empty) [[16, 32]], batch [128], steps [2000],
 *       invert [false], shift [0].</li>
 * </ul>
 */
public final class TaskRegistry {

    public static final List<String> FAMILIES = List.of("mlp", "cnn", TransformerLm.FAMILY, NoisyQuadratic.FAMILY);
    private static final Set<String> COMMON_KEYS = Set.of("resolution", "batch", "steps", "invert", "shift", "labelNoise",
            "lossScale");
    private static final Map<String, Set<String>> FAMILY_KEYS = Map.of(
            "mlp", union(COMMON_KEYS, Set.of("hidden", "activation")),
            "cnn", union(COMMON_KEYS, Set.of("channels")));

    private static final Map<String, Task> NAMED = new LinkedHashMap<>();

    static {
        // The named tasks are defined by the task spec file format users write (TaskSpecFile).
        try (java.io.InputStream in = TaskRegistry.class.getResourceAsStream("/lobench/tasks.yaml")) {
            if (in == null) {
                throw new IllegalStateException("resource /lobench/tasks.yaml missing from the build");
            }
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            for (TaskSpecFile.Entry e : TaskSpecFile.parse(text, "resource /lobench/tasks.yaml")) {
                register(e.task());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private TaskRegistry() {
    }

    private static void register(Task t) {
        if (NAMED.put(t.name(), t) != null) {
            throw new IllegalStateException("task '" + t.name() + "' defined twice");
        }
    }

    /** The same task under another name (e.g. a horizon variant {@code fmnist8-mlp32-h20000} of a suite). */
    public static Task renamed(Task task, String name) {
        return new NamedTask(name, task);
    }

    /** One line per accepted parameter of {@code family}: name, type, default, allowed values. */
    public static List<String> describeFamily(String family) {
        switch (String.valueOf(family)) {
            case "mlp":
                return List.of("resolution  int     28        allowed: 28, 8 (8 = area-downsampled FashionMnist8)",
                        "hidden      list    [128,128] hidden widths, each 1..65536 (empty = linear model)",
                        "activation  choice  relu      allowed: relu, tanh, gelu",
                        "batch       int     128       allowed: 1..10000",
                        "steps       int     2000      default training steps, >= 1",
                        "invert      bool    false     data shift: x -> 1 - x",
                        "shift       int     0         data shift: translate images by k pixels");
            case "cnn":
                return List.of("resolution  int     28        allowed: 28, 8",
                        "channels    list    [16,32]   3x3 conv channels (first conv stride 2), non-empty",
                        "batch       int     128       allowed: 1..10000",
                        "steps       int     2000      default training steps, >= 1",
                        "invert      bool    false     data shift: x -> 1 - x",
                        "shift       int     0         data shift: translate images by k pixels");
            case TransformerLm.FAMILY:
                return TransformerLm.PARAMETERS.stream().map(ParamSpec::describe).toList();
            case NoisyQuadratic.FAMILY:
                return NoisyQuadratic.PARAMETERS.stream().map(ParamSpec::describe).toList();
            default:
                throw new UserError(Names.unknown("task family", String.valueOf(family), FAMILIES));
        }
    }

    /** One-line summary of a family. */
    public static String summary(String family) {
        switch (String.valueOf(family)) {
            case "mlp":
                return "MLP classifier on Fashion-MNIST (28x28 or 8x8), softmax cross-entropy";
            case "cnn":
                return "CNN on Fashion-MNIST: 3x3 convs (first stride 2), ReLU, global average pooling, linear head";
            case TransformerLm.FAMILY:
                return TransformerLm.SUMMARY;
            case NoisyQuadratic.FAMILY:
                return NoisyQuadratic.SUMMARY;
            default:
                throw new UserError(Names.unknown("task family", String.valueOf(family), FAMILIES));
        }
    }

    /** All named tasks, in registration order. */
    public static List<Task> all() {
        return List.copyOf(NAMED.values());
    }

    /** The names of all named tasks. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(NAMED.keySet());
    }

    /** The named task; an unknown name is a UserError listing the valid names and the closest one. */
    public static Task get(String name) {
        Task t = NAMED.get(name);
        if (t == null) {
            throw new UserError(Names.unknown("task", name, NAMED.keySet()));
        }
        return t;
    }

    /** {@link #fromParameters(String, String, Map)} with a name derived from the family and parameters. */
    public static Task fromParameters(String family, Map<String, ?> params) {
        return fromParameters(null, family, params);
    }

    /**
     * Builds a task of {@code family} from parameters as a YAML/JSON map would give them (numbers as any integral
     * {@link Number}, lists as {@link List}, booleans as {@link Boolean}). Unknown families or keys and bad values
     * are UserErrors naming the field and the allowed values.
     */
    public static Task fromParameters(String name, String family, Map<String, ?> params) {
        if (TransformerLm.FAMILY.equals(family) || NoisyQuadratic.FAMILY.equals(family)) {
            Task t = TransformerLm.FAMILY.equals(family) ? TransformerLm.fromParameters(params)
                    : NoisyQuadratic.fromParameters(params);
            return name == null ? t : new NamedTask(name, t);
        }
        if (family == null || !FAMILY_KEYS.containsKey(family)) {
            throw new UserError(Names.unknown("task family", String.valueOf(family), FAMILIES));
        }
        Set<String> allowed = FAMILY_KEYS.get(family);
        for (String k : params.keySet()) {
            if (!allowed.contains(k)) {
                throw new UserError(Names.unknown(family + " parameter", k, allowed));
            }
        }
        int resolution = intParam(family, params, "resolution", 28);
        if (resolution != 28 && resolution != 8) {
            throw new UserError(family + ".resolution: " + resolution + " is not allowed; allowed: 28, 8");
        }
        int batch = intParam(family, params, "batch", 128);
        if (batch < 1 || batch > FashionMnist.TEST_COUNT) {
            throw new UserError(family + ".batch: " + batch + " is out of range; allowed: 1.." + FashionMnist.TEST_COUNT);
        }
        int steps = intParam(family, params, "steps", 2000);
        if (steps < 1) {
            throw new UserError(family + ".steps: " + steps + " is out of range; allowed: >= 1");
        }
        boolean invert = boolParam(family, params, "invert", false);
        int shift = intParam(family, params, "shift", 0);
        if (Math.abs(shift) >= resolution) {
            throw new UserError(family + ".shift: " + shift + " is out of range; allowed: " + (1 - resolution) + ".."
                    + (resolution - 1) + " (pixels at resolution " + resolution + ")");
        }
        double labelNoise = doubleParam(family, params, "labelNoise", 0);
        if (!(labelNoise >= 0 && labelNoise <= 1)) {
            throw new UserError(family + ".labelNoise: " + labelNoise + " is out of range; allowed: 0..1");
        }
        double lossScale = doubleParam(family, params, "lossScale", 1);
        if (!(lossScale > 0) || lossScale > 1e6) {
            throw new UserError(family + ".lossScale: " + lossScale + " is out of range; allowed: > 0 and <= 1e6");
        }
        Map<String, Object> canonical = new LinkedHashMap<>();
        canonical.put("resolution", resolution);
        Network net;
        String derived;
        if (family.equals("mlp")) {
            List<Integer> hidden = intList(family, params, "hidden", List.of(128, 128), true);
            String actName = stringParam(family, params, "activation", "relu");
            Network.Act act;
            try {
                act = Network.Act.valueOf(actName.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UserError(family + ".activation: " + Names.unknown("activation", actName,
                        List.of("relu", "tanh", "gelu")));
            }
            net = new Network.Mlp(resolution * resolution, hidden, FashionMnist.CLASSES, act);
            canonical.put("hidden", hidden);
            canonical.put("activation", act.id());
            derived = (resolution == 8 ? "fmnist8" : "fmnist") + "-mlp" + join(hidden) + "-" + act.id();
        } else {
            List<Integer> channels = intList(family, params, "channels", List.of(16, 32), false);
            net = new Network.Cnn(resolution, channels, FashionMnist.CLASSES);
            canonical.put("channels", channels);
            derived = (resolution == 8 ? "fmnist8" : "fmnist") + "-cnn" + join(channels);
        }
        canonical.put("batch", batch);
        canonical.put("steps", steps);
        canonical.put("invert", invert);
        canonical.put("shift", shift);
        if (labelNoise != 0) {
            canonical.put("labelNoise", labelNoise);
            derived += "-labelnoise" + labelNoise;
        }
        if (lossScale != 1) {
            canonical.put("lossScale", lossScale);
            derived += "-lossx" + lossScale;
        }
        if (batch != 128) {
            derived += "-b" + batch;
        }
        if (invert) {
            derived += "-invert";
        }
        if (shift != 0) {
            derived += "-shift" + shift;
        }
        return new ClassifierTask(name != null ? name : derived, family, resolution, net, batch,
                new InputTransform(invert, shift, labelNoise, lossScale), steps, canonical);
    }

    private static String join(List<Integer> xs) {
        if (xs.isEmpty()) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        for (int x : xs) {
            if (sb.length() > 0) {
                sb.append('x');
            }
            sb.append(x);
        }
        return sb.toString();
    }

    private static int intParam(String family, Map<String, ?> p, String key, int dflt) {
        Object v = p.get(key);
        if (v == null) {
            return dflt;
        }
        return toInt(family + "." + key, v);
    }

    private static int toInt(String field, Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            long l = ((Number) v).longValue();
            if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                return (int) l;
            }
        } else if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
            return (int) n.doubleValue();
        }
        throw new UserError(field + ": expected an integer, got '" + v + "'");
    }

    private static double doubleParam(String family, Map<String, ?> p, String key, double dflt) {
        Object v = p.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        throw new UserError(family + "." + key + ": expected a number, got '" + v + "'");
    }

    private static boolean boolParam(String family, Map<String, ?> p, String key, boolean dflt) {
        Object v = p.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new UserError(family + "." + key + ": expected true or false, got '" + v + "'");
    }

    private static String stringParam(String family, Map<String, ?> p, String key, String dflt) {
        Object v = p.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof String s) {
            return s;
        }
        throw new UserError(family + "." + key + ": expected a name, got '" + v + "'");
    }

    private static List<Integer> intList(String family, Map<String, ?> p, String key, List<Integer> dflt,
                                         boolean allowEmpty) {
        Object v = p.get(key);
        if (v == null) {
            return dflt;
        }
        String field = family + "." + key;
        if (!(v instanceof Collection<?> c)) {
            throw new UserError(field + ": expected a list of positive integers, got '" + v + "'");
        }
        if (c.isEmpty() && !allowEmpty) {
            throw new UserError(field + ": must not be empty; expected a list of positive integers");
        }
        List<Integer> out = new ArrayList<>();
        for (Object o : c) {
            int x = toInt(field, o);
            if (x < 1 || x > 65536) {
                throw new UserError(field + ": width " + x + " is out of range; allowed: 1..65536");
            }
            out.add(x);
        }
        return List.copyOf(out);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.Set<String> s = new java.util.TreeSet<>(a);
        s.addAll(b);
        return Collections.unmodifiableSet(s);
    }
}
