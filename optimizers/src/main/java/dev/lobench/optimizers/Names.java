package dev.lobench.optimizers;

import java.util.Collection;
import java.util.Optional;

/** Edit distance and "did you mean" suggestions for user-typed names. */
public final class Names {
    private Names() {}

    /** Levenshtein distance (insertions, deletions, substitutions each cost 1), case-sensitive. */
    public static int distance(String a, String b) {
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
     * The candidate closest to {@code query} (case-insensitive), if it is plausibly a typo: distance at most
     * max(2, length/3), or one name is a prefix of the other. Ties go to the earlier candidate.
     */
    public static Optional<String> closest(String query, Collection<String> candidates) {
        String q = query.toLowerCase(java.util.Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            String lc = c.toLowerCase(java.util.Locale.ROOT);
            int d = distance(q, lc);
            if (!q.isEmpty() && (lc.startsWith(q) || q.startsWith(lc))) {
                d = Math.min(d, 1);
            }
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        if (best == null || bestDistance > Math.max(2, q.length() / 3)) {
            return Optional.empty();
        }
        return Optional.of(best);
    }
}
