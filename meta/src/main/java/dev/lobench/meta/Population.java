package dev.lobench.meta;

import dev.lobench.optimizers.Optimizer;

/**
 * A fixed number of inner-training slots of one inner problem that advance together (batched where the
 * implementation can). Each slot holds an inner run: parameters, optimizer state, data-stream position, step.
 */
public interface Population extends AutoCloseable {

    int size();

    /**
     * Starts a fresh inner run in {@code slot}: parameters initialised from {@code seed}, the data stream at its
     * start (also determined by {@code seed}), optimizer state {@code opt.init(params)}, step 0.
     */
    void reset(int slot, long seed, Optimizer opt);

    /** Makes slot {@code to} an exact copy of slot {@code from}; both must have been reset before. */
    void copy(int from, int to);

    /**
     * Advances slot j by {@code steps[j]} inner steps (0 leaves it untouched) with optimizer {@code opts[j]}
     * (may be null where steps[j] is 0). Returns per slot the mean of the minibatch training losses measured
     * before each update (NaN for idle slots).
     */
    default double[] unroll(Optimizer[] opts, int[] steps) {
        return unroll(opts, steps, LossNormaliser.NONE, null);
    }

    /**
     * As {@link #unroll(Optimizer[], int[])}, with every per-step loss passed through {@code norm} (for this
     * population's number of classes) before averaging. When {@code nonFinite} is not null, {@code nonFinite[j]} is
     * set to whether any raw loss of slot j in this unroll was NaN or infinite (its inner run is then broken, even
     * when the normalised mean is finite).
     */
    double[] unroll(Optimizer[] opts, int[] steps, LossNormaliser norm, boolean[] nonFinite);

    /** Inner steps done in the slot's current run. */
    long step(int slot);

    SlotSnapshot save(int slot);

    /** Restores a snapshot saved from a population of the same problem; the slot must have been reset before. */
    void load(int slot, SlotSnapshot snapshot);

    @Override
    void close();
}
