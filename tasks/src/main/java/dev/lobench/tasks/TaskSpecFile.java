package dev.lobench.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Task spec files: users define tasks without Java, in YAML or JSON. One task per document, or several under
 * {@code tasks:}. Fields:
 * <pre>
 * name: my-task            # optional; derived from the parameters when absent
 * family: mlp              # a family of TaskRegistry.FAMILIES: mlp | cnn | transformer | quadratic
 * dataset: fashion-mnist   # optional; must be the family's (Family.dataset(): fashion-mnist, fortunes, ...)
 * parameters:              # the family's parameters ('lobench list tasks --family F')
 *   resolution: 8
 *   hidden: [64, 64]
 * steps: 1000              # optional: the task's default number of steps
 * seeds: 3                 # optional: seeds to run when the file is run
 * optimizers: [adam, star] # optional: optimizers to run when the file is run
 * </pre>
 * Every error names the file, the field and the allowed values. The named tasks of {@link TaskRegistry} are
 * defined by the same parser (resource {@code /lobench/tasks.yaml}).
 */
public final class TaskSpecFile {
    static final Set<String> FIELDS = Set.of("name", "family", "dataset", "parameters", "steps", "seeds",
            "optimizers");

    /** One task of a spec file with the run settings the file asks for (null = not given). */
    public record Entry(Task task, Integer seeds, List<String> optimizers) {}

    private TaskSpecFile() {}

    public static List<Entry> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UserError("task spec file not found: " + file);
        } catch (IOException e) {
            throw new UserError("cannot read task spec file " + file + ": " + dev.lobench.tasks.IoReason.of(e), e);
        }
        return parse(text, file.toString());
    }

    /** Parses YAML or JSON text (JSON is YAML). {@code source} names the file in errors. */
    public static List<Entry> parse(String text, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(text);
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            throw new UserError(source + (line > 0 ? ":" + line : "") + ": not valid YAML/JSON: "
                    + msg.replaceAll("\\s+", " "));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new UserError(source + ": empty task spec file");
        }
        List<Entry> out = new ArrayList<>();
        if (root.isObject() && root.has("tasks")) {
            if (root.size() != 1) {
                throw new UserError(source + ": with 'tasks:' the file must hold only the list of tasks");
            }
            JsonNode list = root.get("tasks");
            if (!list.isArray() || list.isEmpty()) {
                throw new UserError(source + ": tasks: expected a non-empty list of task specs");
            }
            for (int i = 0; i < list.size(); i++) {
                out.add(entry(list.get(i), source + ": tasks[" + i + "]"));
            }
        } else {
            out.add(entry(root, source));
        }
        return out;
    }

    private static Entry entry(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new UserError(where + ": expected a mapping with fields " + String.join(", ", sorted(FIELDS)));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new UserError(where + ": " + Names.unknown("field", f, FIELDS));
            }
        }
        String familyName = text(node, "family", where, true);
        Family family;
        try {
            family = TaskRegistry.family(familyName);
        } catch (UserError e) {
            throw new UserError(where + ": family: " + e.getMessage(), e);
        }
        String dataset = text(node, "dataset", where, false);
        if (dataset != null && !dataset.equals(family.dataset())) {
            throw new UserError(where + ": dataset: family " + family.name() + " trains on '" + family.dataset()
                    + "', got '" + dataset + "'");
        }
        String name = text(node, "name", where, false);
        if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new UserError(where + ": name: '" + name + "' is not allowed; use letters, digits, '.', '_', '-'");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        JsonNode p = node.get("parameters");
        if (p != null && !p.isNull()) {
            if (!p.isObject()) {
                throw new UserError(where + ": parameters: expected a mapping of the family's parameters");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                params.put(e.getKey(), value(e.getValue()));
            }
        }
        Integer steps = integer(node, "steps", where);
        if (steps != null) {
            if (steps < 1) {
                throw new UserError(where + ": steps: must be >= 1, got " + steps);
            }
            if (params.containsKey("steps")) {
                throw new UserError(where + ": give steps either at the top level or under parameters, not both");
            }
            params.put("steps", steps);
        }
        Integer seeds = integer(node, "seeds", where);
        if (seeds != null && seeds < 1) {
            throw new UserError(where + ": seeds: must be >= 1, got " + seeds);
        }
        List<String> optimizers = null;
        JsonNode o = node.get("optimizers");
        if (o != null && !o.isNull()) {
            optimizers = new ArrayList<>();
            if (o.isTextual()) {
                optimizers.add(o.asText());
            } else if (o.isArray()) {
                for (JsonNode x : o) {
                    if (!x.isTextual()) {
                        throw new UserError(where + ": optimizers: expected optimizer specs (strings), got " + x);
                    }
                    optimizers.add(x.asText());
                }
            } else {
                throw new UserError(where + ": optimizers: expected a list of optimizer specs");
            }
        }
        Task task;
        try {
            task = TaskRegistry.fromParameters(name, family.name(), params);
        } catch (UserError e) {
            throw new UserError(where + ": parameters: " + e.getMessage(), e);
        }
        return new Entry(task, seeds, optimizers);
    }

    private static Object value(JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.canConvertToInt() ? (Object) v.intValue() : (Object) v.longValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isArray()) {
            List<Object> l = new ArrayList<>();
            v.forEach(x -> l.add(value(x)));
            return l;
        }
        if (v.isNull()) {
            return null;
        }
        if (v.isObject()) {
            return v.toString();
        }
        return v.asText();
    }

    private static String text(JsonNode node, String field, String where, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new UserError(where + ": " + field + ": missing (required)"
                        + (field.equals("family") ? "; allowed: " + String.join(", ", TaskRegistry.FAMILIES) : ""));
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new UserError(where + ": " + field + ": expected a string, got " + v);
        }
        return v.asText().trim().toLowerCase(Locale.ROOT).equals(v.asText().trim()) || field.equals("name")
                ? v.asText().trim() : v.asText().trim().toLowerCase(Locale.ROOT);
    }

    private static Integer integer(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber()) {
            throw new UserError(where + ": " + field + ": expected a whole number, got " + v);
        }
        if (!v.canConvertToInt()) {
            throw new UserError(where + ": " + field + ": " + v + " is too large (at most " + Integer.MAX_VALUE + ")");
        }
        return v.intValue();
    }

    private static List<String> sorted(Set<String> s) {
        List<String> l = new ArrayList<>(s);
        l.sort(null);
        return l;
    }
}
