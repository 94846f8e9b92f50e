package dev.lobench.results;

import java.util.Locale;
import java.util.Map;

/**
 * Optimizer names as people type them ({@code compare A B}, {@code ci --match base}) and as schema-1 records hold
 * them: canonical names look like {@code adam(lr=0.001)}; the base name is {@code adam}. Records of schema 2 carry
 * their base name ({@link CellRecord#optimizerBase}) and typed parameters; nothing reads those from a name.
 */
public final class OptimizerNames {
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

    /** The learning rate of a cell: {@code optimizerParams.lr} when it is a number, else NaN. */
    public static double learningRate(CellRecord c) {
        Map<String, Object> p = c.optimizerParams();
        return p != null && p.get("lr") instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
