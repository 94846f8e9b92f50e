package dev.lobench.optimizers.chain;

import dev.lobench.optimizers.OptimizerProvider;

/** Loads the optimizer spec files named by the system property (set by --optimizer-spec; JMH forks inherit it). */
public final class ChainProvider implements OptimizerProvider {
    @Override
    public void registerOptimizers() {
        ChainSpecFile.loadConfigured();
    }
}
