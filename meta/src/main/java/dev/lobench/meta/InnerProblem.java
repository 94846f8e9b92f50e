package dev.lobench.meta;

import ai.djl.ndarray.NDManager;

/** An inner training problem for meta-training: creates populations of inner runs. */
public interface InnerProblem {

    /** Stable name, recorded in checkpoints (a resume must use the same problem). */
    String name();

    /** A population of {@code size} slots; arrays are attached to {@code manager}. */
    Population population(NDManager manager, int size);
}
