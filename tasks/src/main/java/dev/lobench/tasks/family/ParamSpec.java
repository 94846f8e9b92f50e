package dev.lobench.tasks.family;

import java.util.List;

/**
 * Description of one accepted family parameter, for validation and for {@code lobench list tasks --family F}.
 *
 * @param name         the key in the parameter map
 * @param type         {@code int}, {@code double} or {@code string}
 * @param defaultValue value used when the key is absent
 * @param min          smallest allowed value (numeric types; null for strings)
 * @param max          largest allowed value (numeric types; null for strings)
 * @param choices      allowed values (string types; empty for numeric types)
 * @param description  one line for help output
 */
public record ParamSpec(String name, String type, Object defaultValue, Number min, Number max, List<String> choices,
        String description) {

    public static ParamSpec ofInt(String name, int defaultValue, int min, int max, String description) {
        return new ParamSpec(name, "int", defaultValue, min, max, List.of(), description);
    }

    public static ParamSpec ofDouble(String name, double defaultValue, double min, double max, String description) {
        return new ParamSpec(name, "double", defaultValue, min, max, List.of(), description);
    }

    public static ParamSpec ofChoice(String name, String defaultValue, List<String> choices, String description) {
        return new ParamSpec(name, "string", defaultValue, null, null, List.copyOf(choices), description);
    }

    /** Allowed values in words: {@code 1..1024} or {@code en|de}. */
    public String allowed() {
        if (!choices.isEmpty()) {
            return String.join("|", choices);
        }
        return min + ".." + max;
    }

    /** One help line: {@code width (int, default 64, 4..2048): model width}. */
    public String describe() {
        return name + " (" + type + ", default " + defaultValue + ", " + allowed() + "): " + description;
    }
}
