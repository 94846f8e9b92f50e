package dev.lobench.optimizers;

import java.util.Map;

/**
 * Optimizer state. Every state can be exported to and restored from plain named float arrays (for
 * checkpoints, stability Jacobians and memory accounting), whatever its internal representation
 * (NDArrays for the reference paths, Java arrays for fused CPU kernels).
 */
public interface OptState extends AutoCloseable {

    /** A copy of every state tensor, keyed {@code paramName/slot}, in a stable order. */
    Map<String, float[]> export();

    /** Overwrites the state from a map produced by {@link #export()} of a state of the same shape. */
    void restore(Map<String, float[]> values);

    /** Bytes of optimizer state (excluding the parameters themselves and any learned optimizer weights). */
    default long bytes() {
        long n = 0;
        for (float[] a : export().values()) {
            n += 4L * a.length;
        }
        return n;
    }

    @Override
    default void close() {}

    /**
     * The state of an optimizer that keeps none: it exports nothing, and restoring it from anything but an empty map
     * is an {@link IllegalArgumentException}.
     */
    static OptState none() {
        return new OptState() {
            @Override
            public Map<String, float[]> export() {
                return Map.of();
            }

            @Override
            public void restore(Map<String, float[]> values) {
                if (!values.isEmpty()) {
                    throw new IllegalArgumentException("stateless optimizer got state " + values.keySet());
                }
            }
        };
    }
}
