package dev.lobench.optimizers;

import java.nio.FloatBuffer;

/**
 * An {@link Optimizer} whose update can also run on float buffers: the parameters and gradients of one model held as
 * slices of larger tensors (e.g. slot j of a meta-training population whose inner runs' parameters are stacked along a
 * leading axis). A population then takes one native view per stacked tensor and step, and updates every inner run
 * from slices of it, instead of creating per-run tensor views.
 */
public interface BufferUpdate {

    /**
     * The same step as {@link Optimizer#update}: {@code params[i]} and {@code grads[i]} hold tensor i's elements
     * (row-major, in the order and shapes the state was made for with {@link Optimizer#init}); the parameters are
     * updated in place. Buffers are used with absolute indices 0..capacity-1.
     */
    void updateBuffers(FloatBuffer[] params, FloatBuffer[] grads, float loss, long step, OptState state);
}
