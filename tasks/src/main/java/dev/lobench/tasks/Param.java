package dev.lobench.tasks;

import ai.djl.ndarray.NDArray;

/**
 * One named trainable tensor of a task, in DJL/PyTorch storage order.
 *
 * <p>{@code layout} says how the storage order relates to the mathematical weight, so that optimizers whose
 * behaviour depends on axis order (the factored accumulators of learned optimizers) can map the tensor to the
 * reference (JAX) layout: a Linear weight is stored [out, in] where JAX stores [in, out], a conv kernel is stored
 * [out, in, kh, kw] where JAX stores [kh, kw, in, out].
 */
public record Param(String name, NDArray array, Layout layout) {

    /** How a tensor's storage axes relate to the reference (JAX) layout. */
    public enum Layout {
        /** Stored exactly as the reference stores it (biases, embeddings, generic tensors). */
        GENERIC,
        /** Linear weight stored [out, in]; the reference stores [in, out]. */
        LINEAR_OUT_IN,
        /** Convolution kernel stored [out, in, kh, kw]; the reference stores [kh, kw, in, out]. */
        CONV_OIHW
    }

    public Param(String name, NDArray array) {
        this(name, array, Layout.GENERIC);
    }

    public long size() {
        return array.getShape().size();
    }
}
