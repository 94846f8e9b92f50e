package dev.lobench.results;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Optimizer names: canonical names look like {@code adam(lr=0.001)}; the base name is {@code adam}. */
public final class OptimizerNames {
    private static final Pattern LR_IN_NAME = Pattern.compile("(?i)[(:,;]\\s*lr\\s*=\\s*([^,;)\\s]+)");

    private OptimizerNames() {}

    /** The part before the first {@code (} or {@code :}, trimmed and lower-cased. */
    public static String base(String name) {
        String s = name == null ? "" : name.trim();
        int cut = s.length();
        int p = s.indexOf('(');
        int c = s.indexOf(':');
        if (p >= 0) {
            cut = Math.min(cut, p);
        }
        if (c >= 0) {
            cut = Math.min(cut, c);
        }
        return s.substring(0, cut).trim().toLowerCase(Locale.ROOT);
    }

    /** Whether {@code optimizer} is {@code query} exactly, or has {@code query} as its base name. */
    public static boolean matches(String optimizer, String query, boolean byBase) {
        if (optimizer == null || query == null) {
            return false;
        }
        if (optimizer.equals(query)) {
            return true;
        }
        return byBase && base(optimizer).equals(base(query));
    }

    /**
     * The learning rate of a cell: {@code optimizerParams["lr"]} (a number or a numeric string), else an
     * {@code lr=} inside the name; NaN when neither is there.
     */
    public static double learningRate(CellRecord c) {
        Map<String, Object> p = c.optimizerParams();
        Object v = p == null ? null : p.get("lr");
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v != null) {
            try {
                return Double.parseDouble(v.toString().trim());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        Matcher m = LR_IN_NAME.matcher(c.optimizer() == null ? "" : c.optimizer());
        if (m.find()) {
            try {
                return Double.parseDouble(m.group(1));
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }
}
