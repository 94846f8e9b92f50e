package dev.lobench.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One (task, optimizer, seed) cell: its curves, timings and outcome. {@code type} is always {@code "cell"}.
 * {@code optimizer} is the canonical optimizer spec ({@code adam(lr=0.001)}), {@code optimizerBase} its registered
 * name ({@code adam}), {@code optimizerParams} every parameter with its typed value (numbers as numbers, flags as
 * booleans, text as strings), {@code tunedGroup} the {@code NAME-tuned} grid the cell's optimizer is a point of
 * (null if none). Records of schema 1 are upgraded when read ({@link Schema#upgradeCell}).
 * {@code trainLoss[t]} is the minibatch training loss at step t, measured before update t; its length is the
 * number of steps actually run (shorter than {@code steps} when the cell diverged or failed).
 *
 * <p>A strided record ({@code run --loss-every K}, K &gt; 1) also holds {@code lossEvery} = K and {@code stepsRun} (the
 * number of steps run), and {@code trainLoss} holds block means of K steps ({@link LossCurve} says which steps each
 * entry stands for). Both are null, and not written, in a per-step record (every record before them): such a cell
 * line is exactly what it was. Read the losses in steps through {@link LossCurve}, never by index.
 */
public record CellRecord(
        String type,
        int schemaVersion,
        String cellKey,
        String task,
        String taskFamily,
        Map<String, Object> taskParams,
        boolean inMetaTrainingSet,
        String optimizer,
        String optimizerBase,
        Map<String, Object> optimizerParams,
        String tunedGroup,
        long seed,
        int steps,
        long numParams,
        Outcome outcome,
        String outcomeDetail,
        double initialLoss,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer lossEvery,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer stepsRun,
        float[] trainLoss,
        List<EvalPoint> evals,
        Timing timing,
        Map<String, Object> meta) {
    public static final String TYPE = "cell";

    /** A per-step record ({@code lossEvery} and {@code stepsRun} absent). */
    public CellRecord(String type, int schemaVersion, String cellKey, String task, String taskFamily,
            Map<String, Object> taskParams, boolean inMetaTrainingSet, String optimizer, String optimizerBase,
            Map<String, Object> optimizerParams, String tunedGroup, long seed, int steps, long numParams,
            Outcome outcome, String outcomeDetail, double initialLoss, float[] trainLoss, List<EvalPoint> evals,
            Timing timing, Map<String, Object> meta) {
        this(type, schemaVersion, cellKey, task, taskFamily, taskParams, inMetaTrainingSet, optimizer, optimizerBase,
                optimizerParams, tunedGroup, seed, steps, numParams, outcome, outcomeDetail, initialLoss, null, null,
                trainLoss, evals, timing, meta);
    }

    /**
     * Component-wise equality, with {@code trainLoss} compared by content ({@link Arrays#equals(float[],
     * float[])}, so NaN equals NaN) rather than by reference. Used by round-trip checks and by
     * {@link ResultStore#merge} to tell an identical duplicate cell from a conflicting one.
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CellRecord c)) {
            return false;
        }
        return schemaVersion == c.schemaVersion
                && inMetaTrainingSet == c.inMetaTrainingSet
                && seed == c.seed
                && steps == c.steps
                && numParams == c.numParams
                && Double.compare(initialLoss, c.initialLoss) == 0
                && Objects.equals(type, c.type)
                && Objects.equals(cellKey, c.cellKey)
                && Objects.equals(task, c.task)
                && Objects.equals(taskFamily, c.taskFamily)
                && Objects.equals(taskParams, c.taskParams)
                && Objects.equals(optimizer, c.optimizer)
                && Objects.equals(optimizerBase, c.optimizerBase)
                && Objects.equals(tunedGroup, c.tunedGroup)
                && Objects.equals(optimizerParams, c.optimizerParams)
                && outcome == c.outcome
                && Objects.equals(outcomeDetail, c.outcomeDetail)
                && Objects.equals(lossEvery, c.lossEvery)
                && Objects.equals(stepsRun, c.stepsRun)
                && Arrays.equals(trainLoss, c.trainLoss)
                && Objects.equals(evals, c.evals)
                && Objects.equals(timing, c.timing)
                && Objects.equals(meta, c.meta);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, schemaVersion, cellKey, task, optimizer, seed, steps, outcome,
                Arrays.hashCode(trainLoss), evals, timing);
    }

    /**
     * The task's family and parameters (sorted), e.g. {@code mlp {activation=relu, hidden=[32]}}: what two cells
     * must share to be compared (the CI gate, {@code compare}).
     */
    public static String taskDefinition(CellRecord c) {
        return c.taskFamily() + " " + (c.taskParams() == null ? "{}" : new java.util.TreeMap<>(c.taskParams()));
    }

    @Override
    public String toString() {
        return "CellRecord[cellKey=" + cellKey + ", task=" + task + ", optimizer=" + optimizer + ", seed=" + seed
                + ", steps=" + steps + ", outcome=" + outcome
                + (lossEvery == null ? "" : ", lossEvery=" + lossEvery + ", stepsRun=" + stepsRun) + ", trainLoss.length="
                + (trainLoss == null ? "null" : trainLoss.length) + ", evals=" + evals + ", timing=" + timing + "]";
    }
}
