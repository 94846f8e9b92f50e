package dev.lobench.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Version of the results JSON schema. Bump on any incompatible change; readers reject newer versions.
 *
 * <p>Version 2 (this lobench writes it): a cell carries {@code optimizerBase} (the registered optimizer name),
 * {@code optimizerParams} with typed values (numbers as JSON numbers, flags as booleans, text as strings) and
 * {@code tunedGroup}. Version 1 (still read): the optimizer was known by its name only and every parameter value was
 * a string; {@link #upgradeCell} turns such a cell into a version-2 one when it is read, so nothing past the reader
 * sees version 1.
 */
public final class Schema {
    public static final int VERSION = 2;
    /** The oldest version this lobench reads. */
    public static final int OLDEST_READ = 1;

    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private Schema() {}

    /**
     * A schema-1 cell as the schema-2 cell it stands for: {@code optimizerBase} is the optimizer name before its
     * first {@code (} or {@code :}, lower-cased ({@link OptimizerNames#base}); each string parameter value that is a
     * JSON number or {@code true}/{@code false} becomes one ({@link #typed}); {@code tunedGroup} is null (version 1 did
     * not record it); {@code schemaVersion} becomes 2. Other versions are returned as they are.
     */
    public static JsonNode upgradeCell(JsonNode cell) {
        if (!(cell instanceof ObjectNode o) || cell.path("schemaVersion").asInt() != 1) {
            return cell;
        }
        ObjectNode u = o.deepCopy();
        u.put("schemaVersion", VERSION);
        JsonNode name = u.get("optimizer");
        if (name != null && name.isTextual() && !u.has("optimizerBase")) {
            u.put("optimizerBase", OptimizerNames.base(name.asText()));
        }
        if (u.get("optimizerParams") instanceof ObjectNode params) {
            ObjectNode typed = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                typed.set(e.getKey(), v.isTextual() ? typedNode(v.asText()) : v);
            }
            u.set("optimizerParams", typed);
        }
        if (!u.has("tunedGroup")) {
            u.putNull("tunedGroup");
        }
        return u;
    }

    /**
     * A parameter value of a schema-1 record typed as lobench writes it now: a whole number as an {@code Integer}
     * (as Jackson reads a JSON integer; a {@code Long} if it does not fit), another
     * finite JSON number as a {@code Double}, {@code true}/{@code false} as a {@code Boolean}, else the trimmed text.
     */
    public static Object typed(String value) {
        String v = value.strip();
        if (INTEGER.matcher(v).matches()) {
            long l = Long.parseLong(v);
            return l == (int) l ? (Object) (int) l : (Object) l;
        }
        if (DECIMAL.matcher(v).matches()) {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d)) {
                return d;
            }
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        return v;
    }

    private static JsonNode typedNode(String text) {
        Object t = typed(text);
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (t instanceof Integer i) {
            return f.numberNode(i);
        }
        if (t instanceof Long l) {
            return f.numberNode(l);
        }
        if (t instanceof Double d) {
            return f.numberNode(d);
        }
        if (t instanceof Boolean b) {
            return f.booleanNode(b);
        }
        return f.textNode((String) t);
    }
}
