package dev.lobench.tasks;


import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Validates a user's parameter map against a family's {@link ParamSpec}s and fills in defaults. Values may be
 * numbers or strings (as parsed from a command line); errors are {@link UserError}s naming the family, the field
 * and the allowed values.
 */
public final class FamilyParams {
    private final String family;
    private final Map<String, Object> values;

    private FamilyParams(String family, Map<String, Object> values) {
        this.family = family;
        this.values = values;
    }

    /** Checks names, types and ranges; the result holds every spec's value (given or default), in spec order. */
    public static FamilyParams validate(String family, List<ParamSpec> specs, Map<String, ?> given) {
        Map<String, ParamSpec> byName = new LinkedHashMap<>();
        for (ParamSpec s : specs) {
            byName.put(s.name(), s);
        }
        Map<String, ?> in = given == null ? Map.of() : given;
        Set<String> unknown = new TreeSet<>(in.keySet());
        unknown.removeAll(byName.keySet());
        if (!unknown.isEmpty()) {
            String bad = unknown.iterator().next();
            throw new UserError("task family '" + family + "': unknown parameter '" + bad + "'"
                    + Names.closest(bad, byName.keySet()).map(c -> "; did you mean '" + c + "'?").orElse(";")
                    + " accepted parameters: " + String.join(", ", byName.keySet()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (ParamSpec s : specs) {
            Object raw = in.containsKey(s.name()) ? in.get(s.name()) : s.defaultValue();
            out.put(s.name(), convert(family, s, raw));
        }
        return new FamilyParams(family, out);
    }

    private static Object convert(String family, ParamSpec s, Object raw) {
        String where = "task family '" + family + "': parameter '" + s.name() + "'";
        if (raw == null) {
            throw new UserError(where + " has no value; allowed: " + s.allowed());
        }
        switch (s.type()) {
            case "int": {
                long v = integer(raw, where + " must be an integer in " + s.allowed() + ", got '" + raw + "'");
                if (!s.choices().isEmpty()) {
                    if (!s.choices().contains(Long.toString(v))) {
                        throw new UserError(where + " must be one of " + s.allowed() + ", got " + v);
                    }
                } else if (v < s.min().longValue() || v > s.max().longValue()) {
                    throw new UserError(where + " must be in " + s.allowed() + ", got " + v);
                }
                return (int) v;
            }
            case "bool": {
                if (raw instanceof Boolean b) {
                    return b;
                }
                if (raw instanceof String str && (str.trim().equals("true") || str.trim().equals("false"))) {
                    return Boolean.parseBoolean(str.trim());
                }
                throw new UserError(where + " must be true or false, got '" + raw + "'");
            }
            case "list": {
                if (!(raw instanceof java.util.Collection<?> c)) {
                    throw new UserError(where + " must be a " + s.allowed() + ", got '" + raw + "'");
                }
                if (c.isEmpty() && s.nonEmpty()) {
                    throw new UserError(where + " must not be empty; allowed: " + s.allowed());
                }
                java.util.List<Integer> out = new java.util.ArrayList<>();
                for (Object o : c) {
                    long x = integer(o, where + " must be a " + s.allowed() + ", got element '" + o + "'");
                    if (x < s.min().longValue() || x > s.max().longValue()) {
                        throw new UserError(where + ": element " + x + " is out of range; allowed: " + s.allowed());
                    }
                    out.add((int) x);
                }
                return java.util.List.copyOf(out);
            }
            case "double": {
                double v;
                if (raw instanceof Number n) {
                    v = n.doubleValue();
                } else if (raw instanceof String str) {
                    try {
                        v = Double.parseDouble(str.trim());
                    } catch (NumberFormatException e) {
                        throw new UserError(where + " must be a number in " + s.allowed() + ", got '" + raw + "'");
                    }
                } else {
                    throw new UserError(where + " must be a number in " + s.allowed() + ", got '" + raw + "'");
                }
                if (!(v >= s.min().doubleValue() && v <= s.max().doubleValue())) {
                    throw new UserError(where + " must be in " + s.allowed() + ", got " + raw);
                }
                return v;
            }
            case "string": {
                // case-insensitive, canonical spelling kept (a spec file's 'ReLU' is 'relu')
                String v = String.valueOf(raw).trim();
                for (String c : s.choices()) {
                    if (c.equalsIgnoreCase(v)) {
                        return c;
                    }
                }
                throw new UserError(where + " must be one of " + s.allowed() + ", got '" + raw + "'");
            }
            default:
                throw new IllegalStateException("unknown parameter type " + s.type());
        }
    }

    /** An integral value: Integer/Long/Short/Byte, an integral Number, or a decimal string; else {@code err}. */
    private static long integer(Object raw, String err) {
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
            return ((Number) raw).longValue();
        } else if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) < 1e15) {
            return (long) n.doubleValue();
        } else if (raw instanceof String str && str.trim().matches("[+-]?\\d{1,15}")) {
            return Long.parseLong(str.trim());
        }
        throw new UserError(err);
    }

    public int getInt(String name) {
        return (Integer) require(name);
    }

    public double getDouble(String name) {
        return (Double) require(name);
    }

    public String getString(String name) {
        return (String) require(name);
    }

    public boolean getBool(String name) {
        return (Boolean) require(name);
    }

    @SuppressWarnings("unchecked")
    public java.util.List<Integer> getIntList(String name) {
        return (java.util.List<Integer>) require(name);
    }

    /** Fails with a UserError naming the field; used for cross-field constraints. */
    public UserError error(String name, String problem) {
        return new UserError("task family '" + family + "': parameter '" + name + "' " + problem);
    }

    /** The validated values (defaults filled in), in spec order; unmodifiable. */
    public Map<String, Object> asMap() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    private Object require(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return v;
    }
}
