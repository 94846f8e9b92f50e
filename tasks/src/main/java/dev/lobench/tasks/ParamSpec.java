package dev.lobench.tasks;

import java.util.List;

/**
 * Description of one accepted family parameter: the one source of a {@link Family}'s validation
 * ({@link FamilyParams}) and of its help ({@code lobench list tasks --family F}).
 *
 * @param name         the key in the parameter map
 * @param type         {@code int}, {@code double}, {@code string}, {@code bool} or {@code list} (a list of ints)
 * @param defaultValue value used when the key is absent
 * @param min          smallest allowed value (numeric types; for {@code list}, of each element; null for others)
 * @param max          largest allowed value (numeric types; for {@code list}, of each element; null for others)
 * @param choices      allowed values ({@code string}, or an {@code int} restricted to a few values; else empty)
 * @param nonEmpty     {@code list} only: the list must have at least one element
 * @param description  one line for help output
 */
public record ParamSpec(String name, String type, Object defaultValue, Number min, Number max, List<String> choices,
        boolean nonEmpty, String description) {

    public static ParamSpec ofInt(String name, int defaultValue, int min, int max, String description) {
        return new ParamSpec(name, "int", defaultValue, min, max, List.of(), false, description);
    }

    /** An int that takes one of a few values, e.g. an input resolution 28|8. */
    public static ParamSpec ofIntChoice(String name, int defaultValue, List<Integer> choices, String description) {
        return new ParamSpec(name, "int", defaultValue, null, null,
                choices.stream().map(String::valueOf).toList(), false, description);
    }

    public static ParamSpec ofDouble(String name, double defaultValue, double min, double max, String description) {
        return new ParamSpec(name, "double", defaultValue, min, max, List.of(), false, description);
    }

    public static ParamSpec ofChoice(String name, String defaultValue, List<String> choices, String description) {
        return new ParamSpec(name, "string", defaultValue, null, null, List.copyOf(choices), false, description);
    }

    public static ParamSpec ofBool(String name, boolean defaultValue, String description) {
        return new ParamSpec(name, "bool", defaultValue, null, null, List.of("true", "false"), false, description);
    }

    /** A list of ints, each in {@code min..max}; {@code nonEmpty} forbids the empty list. */
    public static ParamSpec ofIntList(String name, List<Integer> defaultValue, int min, int max, boolean nonEmpty,
                                      String description) {
        return new ParamSpec(name, "list", List.copyOf(defaultValue), min, max, List.of(), nonEmpty, description);
    }

    /** Allowed values in words: {@code 1..1024}, {@code en|de}, or {@code [1..65536, ...]} for a list. */
    public String allowed() {
        if (!choices.isEmpty()) {
            return String.join("|", choices);
        }
        if (type.equals("list")) {
            return (nonEmpty ? "non-empty " : "") + "list of " + min + ".." + max;
        }
        return min + ".." + max;
    }

    /** One help line: {@code width (int, default 64, 4..2048): model width}. */
    public String describe() {
        String dflt = defaultValue instanceof List<?> l ? l.toString().replace(" ", "") : String.valueOf(defaultValue);
        return name + " (" + type + ", default " + dflt + ", " + allowed() + "): " + description;
    }
}
