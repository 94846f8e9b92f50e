package dev.lobench.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lobench.tasks.Names;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.TaskRegistry;
import dev.lobench.tasks.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The named suites, declared in the resource {@code /lobench/suites.yaml} (beside the named tasks of
 * {@code tasks.yaml}, which they refer to by name). Unknown keys, missing or ill-typed fields and unknown task names
 * are errors naming the line.
 */
public final class Suites {
    static final String RESOURCE = "/lobench/suites.yaml";
    private static final Set<String> SUITE_KEYS = Set.of("name", "description", "tasks", "optimizers", "seeds");
    private static final Set<String> ENTRY_KEYS = Set.of("task", "steps", "evalEvery", "label");

    private static final Map<String, Suite> SUITES = new LinkedHashMap<>();

    static {
        try (InputStream in = Suites.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing from the build");
            }
            for (Suite s : parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "resource " + RESOURCE)) {
                SUITES.put(s.name(), s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Suites() {}

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

    /** A parsed YAML value with the line it starts on (for a mapping's entry: the line of its key). */
    private record Node(Object value, int line) {}

    /**
     * Parses suites in the format of {@code suites.yaml}: {@code suites:} followed by a list of suites. Errors are
     * UserErrors {@code SOURCE:LINE: ...}.
     */
    public static List<Suite> parse(String text, String source) {
        Node root;
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            if (p.nextToken() == null) {
                throw new UserError(source + ": empty suites file");
            }
            root = read(p, source);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            throw new UserError(source + (line > 0 ? ":" + line : "") + ": not valid YAML: "
                    + e.getOriginalMessage().replaceAll("\\s+", " "));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Node> top = mapping(root, source, "the file", Set.of("suites"));
        Node list = require(top, "suites", root, source);
        List<Node> items = list(list, source, "suites");
        List<Suite> out = new ArrayList<>();
        Set<String> names = new java.util.HashSet<>();
        for (Node item : items) {
            Suite s = suite(item, source);
            if (!names.add(s.name())) {
                throw new UserError(at(source, item) + "suite '" + s.name() + "' defined twice");
            }
            out.add(s);
        }
        return out;
    }

    private static Suite suite(Node node, String source) {
        Map<String, Node> m = mapping(node, source, "a suite", SUITE_KEYS);
        String name = string(require(m, "name", node, source), source, "name");
        String where = "suite " + name + ": ";
        String description = string(require(m, "description", node, source), source, where + "description");
        Node tasksNode = require(m, "tasks", node, source);
        List<Suite.Entry> entries = new ArrayList<>();
        if ("all".equals(tasksNode.value())) {
            for (Task t : TaskRegistry.all()) {
                entries.add(new Suite.Entry(t.name(), t.defaultSteps(), Math.max(1, t.defaultSteps() / 8)));
            }
        } else if (tasksNode.value() instanceof List<?>) {
            for (Node e : list(tasksNode, source, where + "tasks")) {
                entries.add(entry(e, source, where));
            }
        } else {
            throw new UserError(at(source, tasksNode) + where + "tasks: expected a list of {task, steps, evalEvery} "
                    + "or 'all', got " + tasksNode.value());
        }
        List<String> optimizers = new ArrayList<>();
        for (Node o : list(require(m, "optimizers", node, source), source, where + "optimizers")) {
            optimizers.add(string(o, source, where + "optimizers"));
        }
        int seeds = positive(require(m, "seeds", node, source), source, where + "seeds");
        return new Suite(name, description, List.copyOf(entries), List.copyOf(optimizers), seeds);
    }

    private static Suite.Entry entry(Node node, String source, String where) {
        Map<String, Node> m = mapping(node, source, "a task entry", ENTRY_KEYS);
        Node taskNode = require(m, "task", node, source);
        String task = string(taskNode, source, where + "task");
        if (!TaskRegistry.names().contains(task)) {
            throw new UserError(at(source, taskNode) + where + Names.unknown("task", task, TaskRegistry.names()));
        }
        int steps = positive(require(m, "steps", node, source), source, where + task + ": steps");
        int evalEvery = positive(require(m, "evalEvery", node, source), source, where + task + ": evalEvery");
        String label = m.containsKey("label") ? string(m.get("label"), source, where + task + ": label") : null;
        return new Suite.Entry(task, steps, evalEvery, label);
    }

    private static Node read(JsonParser p, String source) throws IOException {
        JsonToken t = p.currentToken();
        int line = p.currentTokenLocation().getLineNr();
        switch (t) {
            case START_OBJECT: {
                Map<String, Node> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    p.nextToken();
                    Node v = read(p, source);
                    if (m.put(key, new Node(v.value(), keyLine)) != null) {
                        throw new UserError(source + ":" + keyLine + ": key '" + key + "' given twice");
                    }
                }
                return new Node(m, line);
            }
            case START_ARRAY: {
                List<Node> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p, source));
                }
                return new Node(l, line);
            }
            case VALUE_NUMBER_INT:
                return new Node(p.getNumberValue(), line);
            case VALUE_NUMBER_FLOAT:
                return new Node(p.getDoubleValue(), line);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new Node(p.getBooleanValue(), line);
            case VALUE_NULL:
                return new Node(null, line);
            default:
                return new Node(p.getText(), line);
        }
    }

    private static String at(String source, Node n) {
        return source + ":" + n.line() + ": ";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Node> mapping(Node n, String source, String what, Set<String> keys) {
        if (!(n.value() instanceof Map<?, ?>)) {
            throw new UserError(at(source, n) + "expected " + what + " (a mapping with keys "
                    + String.join(", ", new java.util.TreeSet<>(keys)) + ")");
        }
        Map<String, Node> m = (Map<String, Node>) n.value();
        for (Map.Entry<String, Node> e : m.entrySet()) {
            if (!keys.contains(e.getKey())) {
                throw new UserError(at(source, e.getValue()) + Names.unknown("key", e.getKey(), keys) + " (in "
                        + what + ")");
            }
        }
        return m;
    }

    private static Node require(Map<String, Node> m, String key, Node parent, String source) {
        Node v = m.get(key);
        if (v == null || v.value() == null) {
            throw new UserError(at(source, parent) + key + ": missing (required)");
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private static List<Node> list(Node n, String source, String field) {
        if (!(n.value() instanceof List<?> l) || l.isEmpty()) {
            throw new UserError(at(source, n) + field + ": expected a non-empty list");
        }
        return (List<Node>) l;
    }

    private static String string(Node n, String source, String field) {
        if (!(n.value() instanceof String s) || s.isBlank()) {
            throw new UserError(at(source, n) + field + ": expected a non-empty string, got " + n.value());
        }
        return s.trim();
    }

    private static int positive(Node n, String source, String field) {
        if (!(n.value() instanceof Integer i) || i < 1) {
            throw new UserError(at(source, n) + field + ": expected a whole number >= 1, got " + n.value());
        }
        return i;
    }
}
