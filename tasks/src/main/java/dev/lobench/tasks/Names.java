package dev.lobench.tasks;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/** Helpers for user-facing names: edit distance and "did you mean" suggestions. */
public final class Names {

    private Names() {
    }

    /** Levenshtein distance (insertions, deletions, substitutions each cost 1). */
    public static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * Optimal-string-alignment distance: Levenshtein plus the transposition of two adjacent characters at cost 1
     * (the commonest typo: {@code adma} -> {@code adam} is 1, not 2).
     */
    public static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /**
     * The candidate closest to {@code name}: among candidates that start with {@code name} (a truncated name), the
     * shortest; otherwise the smallest case-insensitive {@link #editDistance} (ties broken alphabetically). Empty when
     * even the closest differs in more than half of its characters (no sensible suggestion).
     */
    public static Optional<String> closest(String name, Collection<String> candidates) {
        String q = name.toLowerCase(Locale.ROOT);
        String best = null;
        int bestD = Integer.MAX_VALUE;
        if (!q.isEmpty()) {
            for (String c : new TreeSet<>(candidates)) {
                if (c.toLowerCase(Locale.ROOT).startsWith(q) && (best == null || c.length() < best.length())) {
                    best = c;
                }
            }
            if (best != null) {
                return Optional.of(best);
            }
        }
        for (String c : new TreeSet<>(candidates)) {
            int d = editDistance(q, c.toLowerCase(Locale.ROOT));
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        if (best == null || bestD > Math.max(2, best.length() / 2)) {
            return Optional.empty();
        }
        return Optional.of(best);
    }

    /**
     * A one-line message for an unknown name: {@code unknown task 'x'; did you mean 'y'? valid: a, b, c}.
     * {@code what} is e.g. "task", "optimizer", "activation".
     */
    public static String unknown(String what, String name, Collection<String> valid) {
        StringBuilder sb = new StringBuilder("unknown ").append(what).append(" '").append(name).append("'");
        closest(name, valid).ifPresent(c -> sb.append("; did you mean '").append(c).append("'?"));
        sb.append(" valid: ").append(String.join(", ", new TreeSet<>(valid)));
        return sb.toString();
    }
}
