package dev.lobench.optimizers.learned;

import dev.lobench.tasks.UserError;

import java.util.Locale;

/**
 * How the output layer of a star / small-fc per-element MLP starts meta-training.
 *
 * <ul>
 *   <li>{@code code}: every weight drawn as in {@link Theta#init} (the public code's initialisation). For star the
 *       learned term is then hundreds of times the nominal term at the first steps, because its output is multiplied
 *       by rsqrt(rms + 1e-6) with an rms that starts near 0.</li>
 *   <li>{@code zero-direction}: the same draw, then the direction column of the last layer (w2[:, 0]) set to 0. With
 *       b2 = 0 the direction output d is exactly 0, so star at this theta is exactly its nominal term (AdamAggMo at
 *       learning rate 1e-3) and small-fc does not move the parameters at all.</li>
 * </ul>
 */
public enum HeadInit {
    CODE("code"), ZERO_DIRECTION("zero-direction");

    private final String id;

    HeadInit(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** The choice lobench makes when none is given: zero-direction for star, code for small-fc. */
    public static HeadInit defaultFor(Arch arch) {
        return arch == Arch.STAR ? ZERO_DIRECTION : CODE;
    }

    public static HeadInit parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        for (HeadInit h : values()) {
            if (h.id.equals(t)) {
                return h;
            }
        }
        throw new UserError("unknown head initialisation '" + s + "'; use code or zero-direction");
    }
}
