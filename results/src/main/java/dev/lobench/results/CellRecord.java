package dev.lobench.results;

import java.util.List;
import java.util.Map;

/**
 * One (task, optimizer, seed) cell: its curves, timings and outcome. {@code type} is always {@code "cell"}.
 * {@code trainLoss[t]} is the minibatch training loss at step t, measured before update t; its length is the
 * number of steps actually run (shorter than {@code steps} when the cell diverged or failed).
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
        Map<String, Object> optimizerParams,
        long seed,
        int steps,
        long numParams,
        Outcome outcome,
        String outcomeDetail,
        double initialLoss,
        float[] trainLoss,
        List<EvalPoint> evals,
        Timing timing,
        Map<String, Object> meta) {
    public static final String TYPE = "cell";
}
