package dev.lobench.bench;

import dev.lobench.optimizers.TypedOptimizerSpec;
import dev.lobench.tasks.Task;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;

/**
 * One cell of a suite: a task, an optimizer spec (typed and validated where it entered lobench: {@link RunPlan}), a
 * seed and a step budget. {@code evalEvery} is the test-set
 * evaluation period (evaluations also happen at step 0 and at the end). {@code divergenceFactor}: the cell stops as
 * diverged when a minibatch loss exceeds this multiple of the initial loss ({@link TrainingLoop#DIVERGENCE_FACTOR}
 * unless {@code run --divergence-factor} says otherwise; +Infinity stops only on a non-finite loss). {@code paramStats}:
 * record each parameter tensor's L2 norm and largest magnitude at every evaluation ({@code run --param-stats}).
 * {@code lossEvery}: the cell records its training losses as means of blocks of that many steps
 * ({@code run --loss-every}; 1, the default, records every step; {@link dev.lobench.results.LossCurve}).
 */
public record CellSpec(Task task, TypedOptimizerSpec spec, long seed, int steps, int evalEvery,
        double divergenceFactor, boolean paramStats, int lossEvery) {

    public CellSpec {
        if (spec == null) {
            throw new IllegalArgumentException("a cell needs an optimizer spec");
        }
        if (!(divergenceFactor > 1)) {
            throw new IllegalArgumentException("divergence factor must be > 1, got " + divergenceFactor);
        }
        if (lossEvery < 1) {
            throw new IllegalArgumentException("lossEvery must be >= 1, got " + lossEvery);
        }
    }

    public CellSpec(Task task, TypedOptimizerSpec spec, long seed, int steps, int evalEvery,
            double divergenceFactor, boolean paramStats) {
        this(task, spec, seed, steps, evalEvery, divergenceFactor, paramStats, 1);
    }

    public CellSpec(Task task, TypedOptimizerSpec spec, long seed, int steps, int evalEvery) {
        this(task, spec, seed, steps, evalEvery, TrainingLoop.DIVERGENCE_FACTOR, false);
    }

    /** A cell of one optimizer spec text, parsed and validated here (a plan parses its specs once for all cells). */
    public CellSpec(Task task, String optimizer, long seed, int steps, int evalEvery) {
        this(task, TypedOptimizerSpec.resolve(optimizer, steps), seed, steps, evalEvery);
    }

    /** The canonical optimizer spec, e.g. {@code adam(lr=0.001)}. */
    public String optimizer() {
        return spec.canonical();
    }

    /** What makes the cell's results comparable: {@link TypedOptimizerSpec#identity}. */
    public String optimizerIdentity() {
        return spec.identity();
    }

    /** This cell with another divergence factor. */
    public CellSpec withDivergenceFactor(double factor) {
        return new CellSpec(task, spec, seed, steps, evalEvery, factor, paramStats, lossEvery);
    }

    /** This cell with or without parameter statistics at every evaluation ({@code run --param-stats}). */
    public CellSpec withParamStats(boolean on) {
        return new CellSpec(task, spec, seed, steps, evalEvery, divergenceFactor, on, lossEvery);
    }

    /** This cell recording block means of {@code k} steps ({@code run --loss-every}; 1: every step). */
    public CellSpec withLossEvery(int k) {
        return new CellSpec(task, spec, seed, steps, evalEvery, divergenceFactor, paramStats, k);
    }

    /** True when the cell uses the default divergence rule (10x the initial loss). */
    public boolean defaultDivergence() {
        return divergenceFactor == TrainingLoop.DIVERGENCE_FACTOR;
    }

    public String label() {
        return task.name() + " " + optimizer() + " seed " + seed;
    }

    /**
     * Stable key: a hash of the task definition, the optimizer identity (its spec, plus the SHA-256 of learned
     * weights when there are any), the seed, the steps, a non-default divergence factor, a {@code lossEvery} above 1
     * and the lobench version (the keys of per-step cells are those of every earlier run). Resume skips cells whose
     * key already has a record; the plan fingerprint hashes the keys, so it includes {@code lossEvery}.
     */
    public String key(String lobenchVersion) {
        String text = task.family() + "|" + task.name() + "|" + new TreeMap<>(task.parameters()) + "|"
                + optimizerIdentity() + "|" + seed + "|" + steps + "|" + evalEvery + "|" + lobenchVersion
                + (defaultDivergence() ? "" : "|divergence=" + divergenceFactor) + (paramStats ? "|paramStats" : "")
                + (lossEvery == 1 ? "" : "|lossEvery=" + lossEvery);
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
