package dev.lobench.optimizers;

/**
 * Service-provider hook: implementations listed in {@code META-INF/services/dev.lobench.optimizers.OptimizerProvider}
 * are loaded once, on the first registry lookup, and call {@link OptimizerRegistry#register} for their optimizers.
 */
public interface OptimizerProvider {
    void registerOptimizers();
}
