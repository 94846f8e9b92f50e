package dev.lobench.optimizers.chain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lobench.optimizers.Hyperparams;
import dev.lobench.optimizers.OptimizerPlugin;
import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.optimizers.Schedule;
import dev.lobench.tasks.Names;
import dev.lobench.tasks.UserError;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Optimizer spec files: optimizers composed without code, as optax chains, in YAML or JSON. One optimizer per file,
 * or several under {@code optimizers:}:
 *
 * <pre>
 * name: my-adamw                      # registered like a built-in: --optimizer my-adamw, my-adamw:lr=1e-3, my-adamw-tuned
 * description: AdamW, clipped         # optional
 * chain:
 *   - clip_by_global_norm: 1.0
 *   - scale_by_adam: {b1: 0.9, b2: 0.999, eps: 1.0e-8}
 *   - add_decayed_weights: 0.01
 *   - scale_by_schedule: cosine       # or {schedule: cosine, warmup: 100, alpha: 0.1, steps: 5000}
 *   - scale_by_learning_rate: 3.0e-4  # u *= -lr; declares the spec parameter lr (default 3e-4)
 * </pre>
 *
 * Transforms ({@link #TRANSFORMS}); a scalar value sets the first argument: {@code clip_by_global_norm(max_norm)},
 * {@code clip(max_delta)}, {@code scale_by_adam(b1=0.9, b2=0.999, eps=1e-8)}, {@code trace(decay, nesterov=false)},
 * {@code add_decayed_weights(weight_decay)}, {@code scale_by_schedule(schedule=constant|cosine, warmup=0, alpha=0,
 * steps=run's)} (the factor {@link Schedule#lr}(1, step), alpha = final factor), {@code scale(step_size)},
 * {@code scale_by_learning_rate(learning_rate)} = {@code scale(-lr)}. A chain with a cosine schedule declares the spec
 * parameter {@code steps} (default: the run's). Files come from {@code --optimizer-spec FILE} or the system property
 * {@value #PROPERTY}; every error names the file, the optimizer, the transform and the allowed values.
 */
public final class ChainSpecFile {
    public static final String PROPERTY = "lobench.optimizerSpecs";

    /** Transform name -> its arguments in order (the first is set by a scalar value). */
    public static final Map<String, List<String>> TRANSFORMS = new LinkedHashMap<>();

    static {
        TRANSFORMS.put("clip_by_global_norm", List.of("max_norm"));
        TRANSFORMS.put("clip", List.of("max_delta"));
        TRANSFORMS.put("scale_by_adam", List.of("b1", "b2", "eps"));
        TRANSFORMS.put("trace", List.of("decay", "nesterov"));
        TRANSFORMS.put("add_decayed_weights", List.of("weight_decay"));
        TRANSFORMS.put("scale_by_schedule", List.of("schedule", "warmup", "alpha", "steps"));
        TRANSFORMS.put("scale", List.of("step_size"));
        TRANSFORMS.put("scale_by_learning_rate", List.of("learning_rate"));
    }

    private static final Set<String> FIELDS = Set.of("name", "description", "chain");
    private static final Set<Path> LOADED = new LinkedHashSet<>();

    private ChainSpecFile() {}

    /** One transform of a chain as written: its name and arguments (text values). */
    record Step(String transform, Map<String, String> args) {}

    /** One optimizer of a spec file. */
    record Spec(String name, String description, List<Step> chain, String where) {}

    /** Loads the files named by {@value #PROPERTY} (path-separator-separated). */
    public static void loadConfigured() {
        String s = System.getProperty(PROPERTY);
        if (s != null && !s.isBlank()) {
            List<Path> files = new ArrayList<>();
            for (String t : s.split(File.pathSeparator)) {
                if (!t.isBlank()) {
                    files.add(Path.of(t.strip()));
                }
            }
            load(files);
        }
    }

    /**
     * Reads the files and registers their optimizers (a file loaded before is skipped). Records every loaded file in
     * {@value #PROPERTY}, so JMH forks load them too.
     *
     * @return the registered names
     */
    public static List<String> load(List<Path> files) {
        synchronized (OptimizerRegistry.class) {
            OptimizerRegistry.names(); // built-ins first
            List<String> names = new ArrayList<>();
            for (Path f : files) {
                Path key = f.toAbsolutePath().normalize();
                if (LOADED.contains(key)) {
                    continue;
                }
                for (Spec s : read(f)) {
                    OptimizerRegistry.registerPlugin("optimizer spec " + f.getFileName(), definition(s));
                    names.add(s.name());
                }
                LOADED.add(key);
            }
            dev.lobench.optimizers.Plugins.recordPaths(PROPERTY, LOADED);
            return names;
        }
    }

    static List<Spec> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UserError("--optimizer-spec: file not found: " + file);
        } catch (IOException e) {
            throw new UserError("--optimizer-spec: cannot read " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    /** Parses YAML or JSON; {@code source} names the file in errors. */
    static List<Spec> parse(String text, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(text);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            throw new UserError(source + (line > 0 ? ":" + line : "") + ": not valid YAML/JSON: "
                    + e.getOriginalMessage().replaceAll("\\s+", " "));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new UserError(source + ": empty optimizer spec file");
        }
        List<Spec> out = new ArrayList<>();
        if (root.isObject() && root.has("optimizers")) {
            if (root.size() != 1) {
                throw new UserError(source + ": with 'optimizers:' the file must hold only the list of optimizers");
            }
            JsonNode list = root.get("optimizers");
            if (!list.isArray() || list.isEmpty()) {
                throw new UserError(source + ": optimizers: expected a non-empty list of optimizers");
            }
            for (int i = 0; i < list.size(); i++) {
                out.add(spec(list.get(i), source + ": optimizers[" + i + "]"));
            }
        } else {
            out.add(spec(root, source));
        }
        return out;
    }

    private static Spec spec(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new UserError(where + ": expected a mapping with fields name, chain (and description)");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new UserError(where + ": " + Names.unknown("field", f, FIELDS));
            }
        }
        JsonNode n = node.get("name");
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw new UserError(where + ": name: required (the optimizer's name, e.g. my-adamw)");
        }
        String name = n.asText().strip();
        where = where + " (" + name + ")";
        JsonNode d = node.get("description");
        String description = d == null || d.isNull() ? null : d.asText();
        JsonNode c = node.get("chain");
        if (c == null || !c.isArray() || c.isEmpty()) {
            throw new UserError(where + ": chain: expected a non-empty list of transforms ("
                    + String.join(", ", TRANSFORMS.keySet()) + ")");
        }
        List<Step> chain = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            chain.add(step(c.get(i), where + ": chain[" + i + "]"));
        }
        if (chain.stream().filter(s -> s.transform().equals("scale_by_learning_rate")).count() > 1) {
            throw new UserError(where + ": chain: scale_by_learning_rate may appear once (it declares lr)");
        }
        Spec spec = new Spec(name, description, chain, where);
        build(spec, new Hyperparams(name, declared(spec), Map.of(), 1_000_000)); // every value checked now
        return spec;
    }

    private static Step step(JsonNode node, String where) {
        String transform;
        JsonNode arg;
        if (node.isTextual()) {
            transform = node.asText().strip();
            arg = null;
        } else if (node.isObject() && node.size() == 1) {
            transform = node.fieldNames().next();
            arg = node.get(transform);
        } else {
            throw new UserError(where + ": expected one transform, e.g. 'scale_by_adam: {b1: 0.9}' or 'scale: -1e-3'");
        }
        List<String> keys = TRANSFORMS.get(transform);
        if (keys == null) {
            throw new UserError(where + ": " + Names.unknown("transform", transform, TRANSFORMS.keySet()));
        }
        Map<String, String> args = new LinkedHashMap<>();
        if (arg != null && !arg.isNull()) {
            if (arg.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = arg.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!keys.contains(e.getKey())) {
                        throw new UserError(where + ": " + transform + ": "
                                + Names.unknown("argument", e.getKey(), keys));
                    }
                    args.put(e.getKey(), scalar(e.getValue(), where + ": " + transform + "." + e.getKey()));
                }
            } else {
                args.put(keys.get(0), scalar(arg, where + ": " + transform));
            }
        }
        return new Step(transform, args);
    }

    private static String scalar(JsonNode v, String where) {
        if (!v.isValueNode()) {
            throw new UserError(where + ": expected a number or a word, got " + v);
        }
        return v.asText().strip();
    }

    /** The spec parameters a chain declares: lr (scale_by_learning_rate), steps (cosine without steps). */
    static Map<String, String> declared(Spec spec) {
        Map<String, String> d = new LinkedHashMap<>();
        for (Step s : spec.chain()) {
            if (s.transform().equals("scale_by_learning_rate")) {
                String lr = s.args().get("learning_rate");
                if (lr == null) {
                    throw new UserError(spec.where() + ": scale_by_learning_rate: give the learning rate, e.g. "
                            + "'scale_by_learning_rate: 1.0e-3'");
                }
                try {
                    lr = Hyperparams.format(Double.parseDouble(lr));
                } catch (NumberFormatException e) {
                    // reported by hp.positive("lr") when the chain is built
                }
                d.put("lr", lr);
            }
        }
        for (Step s : spec.chain()) {
            if (s.transform().equals("scale_by_schedule")
                    && "cosine".equalsIgnoreCase(s.args().getOrDefault("schedule", ""))
                    && !s.args().containsKey("steps")) {
                d.put("steps", Hyperparams.FROM_RUN);
            }
        }
        return d;
    }

    private static OptimizerPlugin.Definition definition(Spec spec) {
        String description = spec.description() != null ? spec.description()
                : "chain: " + String.join(" -> ", spec.chain().stream().map(Step::transform).toList());
        return new OptimizerPlugin.Definition(spec.name(), description, declared(spec), hp -> build(spec, hp));
    }

    static ChainOptimizer build(Spec spec, Hyperparams hp) {
        List<Transform> ts = new ArrayList<>();
        for (Step s : spec.chain()) {
            ts.add(transform(s, hp, spec.where()));
        }
        String canonical = hp.canonicalName();
        StringBuilder all = new StringBuilder();
        ts.forEach(t -> all.append(t.describe()).append(';'));
        return new ChainOptimizer(canonical, canonical + "#chain:" + sha(all.toString()), ts);
    }

    private static Transform transform(Step s, Hyperparams hp, String where) {
        Args a = new Args(s, where);
        return switch (s.transform()) {
            case "clip_by_global_norm" -> Transforms.clipByGlobalNorm(a.number("max_norm", null, 0, true));
            case "clip" -> Transforms.clip(a.number("max_delta", null, 0, true));
            case "scale_by_adam" -> Transforms.scaleByAdam(a.fraction("b1", 0.9), a.fraction("b2", 0.999),
                    a.number("eps", 1e-8, 0, false));
            case "trace" -> Transforms.trace(a.fraction("decay", null), a.bool("nesterov"));
            case "add_decayed_weights" -> Transforms.addDecayedWeights(a.number("weight_decay", null, 0, false));
            case "scale_by_schedule" -> schedule(a, hp, where);
            case "scale" -> {
                double f = a.number("step_size", null, Double.NEGATIVE_INFINITY, false);
                yield Transforms.scale(f, "scale(step_size=" + Hyperparams.format(f) + ")");
            }
            case "scale_by_learning_rate" -> {
                double lr = hp.positive("lr");
                yield Transforms.scale(-lr, "scale_by_learning_rate(learning_rate=" + Hyperparams.format(lr) + ")");
            }
            default -> throw new IllegalStateException(s.transform());
        };
    }

    private static Transform schedule(Args a, Hyperparams hp, String where) {
        String kind = a.word("schedule", List.of("constant", "cosine"));
        long warmup = a.whole("warmup", 0);
        double alpha = a.number("alpha", 0.0, 0, false);
        if (alpha > 1) {
            throw a.bad("alpha", "a number in [0, 1] (the final factor)");
        }
        if (kind.equals("constant")) {
            if (alpha != 0) {
                throw new UserError(where + ": scale_by_schedule: alpha applies to schedule cosine only");
            }
            return Transforms.scaleBySchedule(Schedule.constant(warmup), "constant,warmup=" + warmup);
        }
        long total = a.has("steps") ? a.whole("steps", 1) : hp.totalSteps("steps", "scale_by_schedule cosine");
        if (total <= warmup) {
            throw new UserError(where + ": scale_by_schedule: warmup (" + warmup + ") must be smaller than the "
                    + "total steps (" + total + ")");
        }
        return Transforms.scaleBySchedule(Schedule.cosine(total, alpha, warmup),
                "cosine,warmup=" + warmup + ",alpha=" + Hyperparams.format(alpha) + ",steps=" + total);
    }

    /** Typed reading of one transform's arguments, with errors naming file, optimizer, transform, argument. */
    private record Args(Step s, String where) {
        boolean has(String key) {
            return s.args().containsKey(key);
        }

        UserError bad(String key, String expectation) {
            return new UserError(where + ": " + s.transform() + ": " + key + " must be " + expectation + ", got '"
                    + s.args().get(key) + "'");
        }

        private String raw(String key, Object dflt) {
            String v = s.args().get(key);
            if (v == null && dflt == null) {
                throw new UserError(where + ": " + s.transform() + ": give " + key + " (e.g. '" + s.transform()
                        + ": VALUE')");
            }
            return v;
        }

        double number(String key, Double dflt, double min, boolean minOpen) {
            String v = raw(key, dflt);
            if (v == null) {
                return dflt;
            }
            String expect = "a number " + (minOpen ? "> " : ">= ") + Hyperparams.format(min);
            if (min == Double.NEGATIVE_INFINITY) {
                expect = "a finite number";
            }
            double x;
            try {
                x = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw bad(key, expect);
            }
            if (!Double.isFinite(x) || (minOpen ? x <= min : x < min)) {
                throw bad(key, expect);
            }
            return x;
        }

        double fraction(String key, Double dflt) {
            double x = number(key, dflt, 0, false);
            if (x >= 1) {
                throw bad(key, "a number in [0, 1)");
            }
            return x;
        }

        long whole(String key, long min) {
            String v = s.args().get(key);
            if (v == null) {
                return min;
            }
            try {
                long x = Long.parseLong(v);
                if (x >= min) {
                    return x;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw bad(key, "a whole number >= " + min);
        }

        boolean bool(String key) {
            String v = s.args().getOrDefault(key, "false").toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw bad(key, "true or false");
            }
            return v.equals("true");
        }

        String word(String key, List<String> allowed) {
            String v = raw(key, null).toLowerCase(Locale.ROOT);
            if (!allowed.contains(v)) {
                throw bad(key, "one of " + String.join(", ", allowed));
            }
            return v;
        }
    }

    private static String sha(String s) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
