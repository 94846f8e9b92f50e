package dev.lobench.optimizers.external;

/** A failure of an external optimizer client; the training loop records the cell as {@code error} with its message. */
public final class ExternalOptimizerException extends RuntimeException {
    public ExternalOptimizerException(String message) {
        super(message);
    }
}
