package dev.lobench.tasks;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * A task materialised for one seed: initialised parameters, a deterministic minibatch stream and a test set.
 * Not thread-safe; one training loop drives one instance.
 */
public interface TaskInstance extends AutoCloseable {

    /** The trainable tensors, in a fixed order. Their arrays are updated in place by optimizers. */
    List<Param> params();

    /**
     * Draws the next training minibatch, runs forward and backward, and returns the minibatch loss (measured
     * before any update). Afterwards {@link #grads()} holds d loss / d param for this minibatch only
     * (gradients are reset before each step, never accumulated).
     */
    float trainStep();

    /** Gradients from the last {@link #trainStep()}, aligned with {@link #params()}. Owned by the instance. */
    List<NDArray> grads();

    /** Loss (and accuracy where defined) on the held-out set, without touching gradients or the batch stream. */
    Evaluation evaluate();

    default long numParams() {
        long n = 0;
        for (Param p : params()) {
            n += p.size();
        }
        return n;
    }

    @Override
    void close();
}
