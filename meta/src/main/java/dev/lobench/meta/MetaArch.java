package dev.lobench.meta;

import dev.lobench.optimizers.Optimizer;

/**
 * A learned-optimizer architecture seen as a flat meta-parameter vector.
 *
 * <p>Contract used by the meta-trainer: the optimizer state made by {@code build(a).init(params)} must be usable
 * by {@code build(b).update(...)} for any other theta {@code b} of the same size (theta lives in the optimizer,
 * not in its state), because persistent inner runs change theta every outer step while keeping their state.
 * {@code update} is called inside an {@link ai.djl.ndarray.NDScope}: arrays it creates and keeps must be
 * unregistered from the scope or made in {@code init}.
 */
public interface MetaArch {
    String name();

    int thetaSize();

    float[] initTheta(long seed);

    /** An optimizer using this theta (the array is not modified). */
    Optimizer build(float[] theta);

    /**
     * Writes {@code theta} as this architecture's weights file, with {@code provenance} (a JSON text) in its metadata
     * (what {@code meta-train} writes at snapshots and at the end).
     *
     * @throws IllegalArgumentException when the architecture has no weights format (test architectures)
     */
    default void writeWeights(java.nio.file.Path file, float[] theta, String provenance) throws java.io.IOException {
        throw new IllegalArgumentException("no weights format for " + name());
    }

    /**
     * Puts this architecture's own settings into the weights' provenance object {@code meta_training} (e.g. star's
     * head initialisation); none by default.
     */
    default void describeIn(com.fasterxml.jackson.databind.node.ObjectNode metaTraining) {
    }
}
