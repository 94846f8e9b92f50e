package dev.lobench.optimizers;

import dev.lobench.tasks.UserError;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The edge where optimizer spec text becomes specs: a list of spec texts as a command line or a spec file gives them
 * is joined ({@link #join}), parsed once ({@link OptimizerSpec#parse}) and every {@code NAME-tuned} grid is expanded
 * into its learning rates ({@link #expand}). {@link TypedOptimizerSpec#resolve} then validates each against the
 * registry. Nothing downstream parses spec text again.
 */
public final class OptimizerSpecs {
    /** Defaults of a {@code NAME-tuned} grid: 7 learning rates log-spaced from 1e-4 to 1e-1. */
    public static final int DEFAULT_LRS = 7;
    public static final double DEFAULT_MIN = 1e-4;
    public static final double DEFAULT_MAX = 1e-1;

    /**
     * One parsed spec of a list: the spec and, for a point of a {@code NAME-tuned} grid, the grid's canonical text
     * ({@code adam-tuned}, {@code adam-tuned(lrs=5,min=0.001,max=0.1,beta1=0.8)}; null otherwise).
     */
    public record Parsed(OptimizerSpec spec, String tunedGroup) {
        /** This spec with {@code key=value} added to its arguments (e.g. {@code weights=FILE}). */
        public Parsed with(String key, String value) {
            Map<String, String> args = new LinkedHashMap<>(spec.args());
            args.put(key, value);
            return new Parsed(new OptimizerSpec(spec.name(), args), tunedGroup);
        }
    }

    private OptimizerSpecs() {}

    /**
     * Every base optimizer with a {@code NAME-tuned} grid: each registered optimizer (built-in or plug-in) that
     * declares an {@code lr} parameter, in registration order.
     */
    public static List<String> tunable() {
        return OptimizerRegistry.withLearningRate();
    }

    /**
     * Re-joins optimizer specs that a comma split apart: {@code sgdm:lr=0.1,momentum=0.9} arrives as
     * [{@code sgdm:lr=0.1}, {@code momentum=0.9}]; a token with '=' but no ':' continues the previous spec. Blank
     * tokens are dropped.
     */
    public static List<String> join(List<String> raw) {
        List<String> out = new ArrayList<>();
        for (String t : raw) {
            String s = t.trim();
            if (s.isEmpty()) {
                continue;
            }
            if (!out.isEmpty() && s.contains("=") && !s.contains(":")) {
                out.set(out.size() - 1, out.get(out.size() - 1) + "," + s);
            } else {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Joins ({@link #join}), parses and expands a list of spec texts. {@code adam-tuned[:lrs=7,min=1e-4,max=1e-1,...]}
     * (likewise adamw-tuned, sgdm-tuned, ...) stands for its learning-rate grid: {@code lrs} log-spaced values from
     * {@code min} to {@code max} (rounded to 3 significant digits, {@link #lrGrid}), each an ordinary spec of the base
     * optimizer with that {@code lr}; other parameters pass through to the base optimizer.
     *
     * @throws UserError for a malformed spec, an unknown {@code -tuned} name or a bad grid
     */
    public static List<Parsed> expand(List<String> raw) {
        List<Parsed> out = new ArrayList<>();
        for (String text : join(raw)) {
            OptimizerSpec spec = OptimizerSpec.parse(text);
            if (!spec.name().endsWith("-tuned")) {
                out.add(new Parsed(spec, null));
            } else {
                out.addAll(expandTuned(spec));
            }
        }
        return out;
    }

    private static List<Parsed> expandTuned(OptimizerSpec spec) {
        String name = spec.name();
        String base = name.substring(0, name.length() - "-tuned".length());
        List<String> tunable = tunable();
        if (!tunable.contains(base)) {
            throw new UserError("unknown tuned optimizer '" + name + "'; valid: "
                    + String.join(", ", tunable.stream().map(b -> b + "-tuned").toList()));
        }
        int n = DEFAULT_LRS;
        double lo = DEFAULT_MIN;
        double hi = DEFAULT_MAX;
        Map<String, String> rest = new LinkedHashMap<>();
        for (Map.Entry<String, String> kv : spec.args().entrySet()) {
            String k = kv.getKey();
            String v = kv.getValue();
            try {
                switch (k) {
                    case "lrs" -> n = Integer.parseInt(v);
                    case "min" -> lo = Double.parseDouble(v);
                    case "max" -> hi = Double.parseDouble(v);
                    case "lr" -> throw new UserError("optimizer '" + name
                            + "': the learning rate is tuned; set the grid with lrs=N,min=A,max=B");
                    default -> rest.put(k, v);
                }
            } catch (NumberFormatException e) {
                throw new UserError("optimizer '" + name + "': " + k + " must be a number, got '" + v + "'");
            }
        }
        if (n < 1 || n > 50) {
            throw new UserError("optimizer '" + name + "': lrs must be 1..50, got " + n);
        }
        if (!(lo > 0) || !(hi >= lo) || !Double.isFinite(hi)) {
            throw new UserError("optimizer '" + name + "': need 0 < min <= max, got min=" + lo + " max=" + hi);
        }
        List<String> shown = new ArrayList<>();
        if (n != DEFAULT_LRS || lo != DEFAULT_MIN || hi != DEFAULT_MAX) {
            shown.add("lrs=" + n);
            shown.add("min=" + Hyperparams.format(lo));
            shown.add("max=" + Hyperparams.format(hi));
        }
        rest.forEach((k, v) -> shown.add(k + "=" + v));
        String group = shown.isEmpty() ? name : name + "(" + String.join(",", shown) + ")";
        List<Parsed> out = new ArrayList<>();
        for (double lr : lrGrid(lo, hi, n)) {
            Map<String, String> args = new LinkedHashMap<>();
            args.put("lr", Double.toString(lr));
            args.putAll(rest);
            out.add(new Parsed(new OptimizerSpec(base, args), group));
        }
        return out;
    }

    /** {@code n} log-spaced values from lo to hi inclusive, rounded to 3 significant digits. */
    public static List<Double> lrGrid(double lo, double hi, int n) {
        List<Double> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double v = n == 1 ? lo : lo * Math.pow(hi / lo, (double) i / (n - 1));
            l.add(new BigDecimal(v).round(new MathContext(3)).doubleValue());
        }
        return l;
    }
}
