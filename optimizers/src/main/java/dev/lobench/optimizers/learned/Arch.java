package dev.lobench.optimizers.learned;

import dev.lobench.tasks.UserError;

/** The two per-element learned optimizer architectures of lobench (spec: docs/learned-optimizers.md section 1). */
public enum Arch {
    /** Learned term plus a nominal AdamAggMo term; MLP outputs (d, a, a_nom, a_reg). */
    STAR("star", 4),
    /** Learned term alone; MLP outputs (d, a). */
    SMALL_FC("small-fc", 2);

    private final String id;
    private final int outputs;

    Arch(String id, int outputs) {
        this.id = id;
        this.outputs = outputs;
    }

    /** The lobench name, {@code star} or {@code small-fc}. */
    public String id() {
        return id;
    }

    /** K, the number of MLP outputs. */
    public int outputs() {
        return outputs;
    }

    public static Arch parse(String s) {
        for (Arch a : values()) {
            if (a.id.equals(s)) {
                return a;
            }
        }
        throw new UserError("unknown learned optimizer architecture '" + s + "' (expected star or small-fc)");
    }
}
