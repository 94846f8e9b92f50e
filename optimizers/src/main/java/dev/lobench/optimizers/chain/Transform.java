package dev.lobench.optimizers.chain;

import java.util.List;
import java.util.Map;

/**
 * One gradient transformation of a {@link ChainOptimizer}, as in optax: it maps the incoming updates {@code u}
 * (initially the gradients) to new updates, in place, keeping any state of its own. Updates and state are float32
 * arrays, one per parameter tensor; the chain finally adds the updates to the parameters ({@code p += u}).
 */
interface Transform {

    /** A fresh state for tensors of these element counts (an empty map for stateless transforms). */
    default Map<String, float[][]> init(int[] sizes) {
        return Map.of();
    }

    /**
     * Transforms {@code u} in place.
     *
     * @param params the parameters' current values (read only)
     * @param step the 0-based update index
     */
    void apply(float[][] u, List<float[]> params, long step, Map<String, float[][]> state);

    /** The canonical text of this transform, e.g. {@code scale_by_adam(b1=0.9,b2=0.999,eps=1e-8)}. */
    String describe();

    /** Whether {@link #apply} reads the parameters. */
    default boolean needsParams() {
        return false;
    }
}
