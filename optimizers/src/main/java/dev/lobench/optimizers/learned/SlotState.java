package dev.lobench.optimizers.learned;

import dev.lobench.tasks.UserError;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The export and restore of the learned optimizers' states (star / small-fc fused and reference, velo-style): named
 * slots, keyed {@code tensor/slot} (or {@code _name} for a state-wide one), plus the step counter as {@code _t}. A slot
 * is whatever the state holds ({@code float[]} or an NDArray); the state supplies how to copy one out, its length and
 * how to overwrite it.
 */
final class SlotState {
    static final String STEP = "_t";

    private SlotState() {}

    /** A copy of every slot, in {@code slots} order, then {@code _t}. */
    static <A> Map<String, float[]> export(Map<String, A> slots, Function<A, float[]> copy, long t) {
        Map<String, float[]> out = new LinkedHashMap<>();
        slots.forEach((k, a) -> out.put(k, copy.apply(a)));
        out.put(STEP, new float[] {t});
        return out;
    }

    /**
     * Overwrites every slot from {@code values}, in {@code slots} order (an entry that is missing or has the wrong
     * length is a {@link UserError} naming it), and returns the step counter ({@code _t}, 0 when absent).
     */
    static <A> long restore(Map<String, A> slots, ToLongFunction<A> length, BiConsumer<A, float[]> write,
            Map<String, float[]> values) {
        slots.forEach((k, a) -> {
            float[] src = values.get(k);
            if (src == null || src.length != length.applyAsLong(a)) {
                throw new UserError("optimizer state restore: slot '" + k + "' is missing or has the wrong size");
            }
            write.accept(a, src);
        });
        float[] tt = values.get(STEP);
        return tt == null ? 0 : (long) tt[0];
    }

    /** {@link #export} of {@code float[]} slots. */
    static Map<String, float[]> export(Map<String, float[]> slots, long t) {
        return export(slots, float[]::clone, t);
    }

    /** {@link #restore} of {@code float[]} slots. */
    static long restore(Map<String, float[]> slots, Map<String, float[]> values) {
        return restore(slots, a -> a.length, (a, src) -> System.arraycopy(src, 0, a, 0, a.length), values);
    }
}
