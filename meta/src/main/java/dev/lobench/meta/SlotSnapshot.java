package dev.lobench.meta;

import java.util.Map;

/**
 * The complete state of one inner run: step counter, the seed its run started from, the data-stream position,
 * parameter values by name and the optimizer state as exported by {@link dev.lobench.optimizers.OptState#export()}.
 */
public record SlotSnapshot(long step, long seed, long dataPosition, Map<String, float[]> params,
        Map<String, float[]> optState) {}
