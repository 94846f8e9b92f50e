package dev.lobench.optimizers;

import dev.lobench.tasks.Names;

import dev.lobench.tasks.UserError;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The validated arguments of one optimizer spec, merged over the optimizer's declared defaults. Typed getters
 * check each value and throw {@link UserError} naming the optimizer, the parameter and the bad value. Every
 * getter records the value's canonical text, from which {@link #canonicalName()} is built.
 */
public final class Hyperparams {
    /** Default value of {@code steps}: take the total number of steps from the run. */
    public static final String FROM_RUN = "auto";

    private final String optimizer;
    private final Map<String, String> defaults;
    private final Map<String, String> given;
    private final long runSteps;
    private final Map<String, String> canonical = new LinkedHashMap<>();
    /** The typed value of every parameter a getter read (Double, Long, String), for records. */
    private final Map<String, Object> typed = new LinkedHashMap<>();

    /**
     * @param defaults declared parameters and their default values, in display order
     * @param given the user's arguments; every key must be declared (checked here)
     * @param runSteps total number of update steps of the run, or 0 if unknown
     */
    public Hyperparams(String optimizer, Map<String, String> defaults, Map<String, String> given, long runSteps) {
        this.optimizer = optimizer;
        this.defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
        this.given = Collections.unmodifiableMap(new LinkedHashMap<>(given));
        this.runSteps = runSteps;
        for (String key : given.keySet()) {
            if (!defaults.containsKey(key)) {
                String hint = Names.closest(key, defaults.keySet()).map(c -> " (did you mean '" + c + "'?)")
                        .orElse("");
                String allowed = defaults.isEmpty() ? "it takes no parameters"
                        : "allowed: " + String.join(", ", defaults.keySet());
                throw new UserError("optimizer '" + optimizer + "' has no parameter '" + key + "'" + hint + "; "
                        + allowed);
            }
        }
    }

    public String optimizer() {
        return optimizer;
    }

    /** Total number of update steps of the run (0 if not known when the optimizer was built). */
    public long runSteps() {
        return runSteps;
    }

    /** Whether the user set {@code key} explicitly. */
    public boolean isGiven(String key) {
        return given.containsKey(key);
    }

    private String raw(String key) {
        if (!defaults.containsKey(key)) {
            throw new IllegalArgumentException("optimizer '" + optimizer + "' did not declare parameter '" + key + "'");
        }
        return given.getOrDefault(key, defaults.get(key));
    }

    private UserError bad(String key, String value, String expectation) {
        return new UserError("optimizer '" + optimizer + "': " + key + " must be " + expectation + ", got '" + value
                + "'");
    }

    private double parse(String key, String value, String expectation) {
        double v;
        try {
            v = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw bad(key, value, expectation);
        }
        if (Double.isInfinite(v) && !value.strip().toLowerCase(java.util.Locale.ROOT).contains("inf")) {
            throw bad(key, value, expectation + " (it overflows to infinity)");
        }
        if (!Double.isFinite(v)) {
            throw bad(key, value, expectation);
        }
        return v;
    }

    /** A finite number in [{@code min}, {@code max}] ({@code min} excluded if {@code minOpen}, same for max). */
    public double number(String key, double min, boolean minOpen, double max, boolean maxOpen) {
        String value = raw(key);
        String expectation = "a number " + range(min, minOpen, max, maxOpen);
        double v = parse(key, value, expectation);
        boolean ok = (minOpen ? v > min : v >= min) && (maxOpen ? v < max : v <= max);
        if (!ok) {
            throw bad(key, value, expectation);
        }
        canonical.put(key, format(v));
        typed.put(key, v);
        return v;
    }

    /** A finite number &gt; 0. */
    public double positive(String key) {
        return number(key, 0, true, Double.POSITIVE_INFINITY, false);
    }

    /** A finite number &ge; 0. */
    public double nonNegative(String key) {
        return number(key, 0, false, Double.POSITIVE_INFINITY, false);
    }

    /** A whole number &ge; {@code min}. */
    public long integer(String key, long min) {
        String value = raw(key);
        String expectation = "a whole number >= " + min;
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException e) {
            double d = parse(key, value, expectation);
            if (d != Math.rint(d) || Math.abs(d) > 9.0e15) {
                throw bad(key, value, expectation);
            }
            v = (long) d;
        }
        if (v < min) {
            throw bad(key, value, expectation);
        }
        canonical.put(key, Long.toString(v));
        typed.put(key, whole(v));
        return v;
    }

    /** Free text (a file path or a name), trimmed; recorded as given. */
    public String text(String key) {
        String value = raw(key).trim();
        canonical.put(key, value);
        typed.put(key, value);
        return value;
    }

    /** Overrides the canonical text of {@code key} (e.g. a resolved default). */
    public void canonical(String key, String value) {
        raw(key);
        canonical.put(key, value);
        typed.put(key, value);
    }

    /** One of {@code allowed} (case-insensitive); returns the lower-case choice. */
    public String choice(String key, List<String> allowed) {
        String value = raw(key).toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            throw bad(key, raw(key), "one of " + String.join(", ", allowed));
        }
        canonical.put(key, value);
        typed.put(key, value);
        return value;
    }

    /** {@code true} or {@code false} (case-insensitive). */
    public boolean flag(String key) {
        String value = raw(key).strip().toLowerCase(Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) {
            throw bad(key, raw(key), "true or false");
        }
        canonical.put(key, value);
        typed.put(key, value.equals("true"));
        return value.equals("true");
    }

    /**
     * The run length for schedules: {@code steps=N} if given, else the run's total steps.
     *
     * @param why what needs it, for the error message (e.g. "schedule=cosine")
     */
    public long totalSteps(String key, String why) {
        String value = raw(key);
        if (value.equalsIgnoreCase(FROM_RUN)) {
            if (runSteps <= 0) {
                throw new UserError("optimizer '" + optimizer + "': " + why
                        + " needs the total number of steps; add " + key + "=N to the optimizer spec");
            }
            canonical.put(key, FROM_RUN);
            typed.put(key, FROM_RUN);
            return runSteps;
        }
        return integer(key, 1);
    }

    /**
     * Canonical spec string: {@code name(k=v,...)} with the parameters in declared order, showing {@code lr}
     * (when declared) and every parameter whose canonical value differs from its default's; {@code name} alone
     * when nothing is shown. Call after reading every parameter.
     */
    public String canonicalName() {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, String> d : defaults.entrySet()) {
            String key = d.getKey();
            String value = canonical.getOrDefault(key, raw(key));
            if (key.equals("lr") || !value.equals(canonicalDefault(key, d.getValue()))) {
                parts.add(key + "=" + value);
            }
        }
        return parts.isEmpty() ? optimizer : optimizer + "(" + String.join(",", parts) + ")";
    }

    /**
     * Every declared parameter with its typed value, in declared order: what a getter returned (a {@code Double}
     * for {@link #number}, an {@code Integer} or {@code Long} for {@link #integer}, a {@code Boolean} for {@link #flag}, a
     * {@code String} for text and choices, {@link #FROM_RUN} for a {@link #totalSteps} taken from the run), and for a
     * parameter no getter read, its value as written, typed by {@link #typeOf}. Call after reading every parameter.
     */
    public Map<String, Object> typedValues() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : defaults.keySet()) {
            out.put(key, typed.containsKey(key) ? typed.get(key) : typeOf(raw(key)));
        }
        return out;
    }

    private static final java.util.regex.Pattern INTEGER = java.util.regex.Pattern.compile("[-+]?\\d{1,18}");
    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile(
            "[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    /**
     * The value of an unread parameter as a JSON-friendly type: a whole number as an {@code Integer} (a
     * {@code Long} if it does not fit), another finite
     * decimal number as a {@code Double}, {@code true}/{@code false} as a {@code Boolean}, anything else as the
     * trimmed text.
     */
    public static Object typeOf(String value) {
        String v = value.strip();
        if (INTEGER.matcher(v).matches()) {
            return whole(Long.parseLong(v));
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

    /** A whole number as JSON readers give it back: an {@code Integer} when it fits, else a {@code Long}. */
    private static Number whole(long v) {
        return v == (int) v ? (Number) (int) v : (Number) v;
    }

    private static String canonicalDefault(String key, String value) {
        try {
            return format(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            return value.toLowerCase(Locale.ROOT);
        }
    }

    /** Shortest round-tripping text for a double: {@code 0.001}, {@code 1e-08} style as {@code 1e-8}, {@code 100}. */
    public static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = Double.toString(v);
        int e = s.indexOf('E');
        if (e < 0) {
            return s;
        }
        String mantissa = s.substring(0, e);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        return mantissa + "e" + s.substring(e + 1);
    }

    private static String range(double min, boolean minOpen, double max, boolean maxOpen) {
        if (max == Double.POSITIVE_INFINITY) {
            return (minOpen ? "> " : ">= ") + format(min);
        }
        return "in " + (minOpen ? "(" : "[") + format(min) + ", " + format(max) + (maxOpen ? ")" : "]");
    }
}
