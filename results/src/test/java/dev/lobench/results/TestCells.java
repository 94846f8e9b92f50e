package dev.lobench.results;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builders for hand-made results records used by the tests. */
final class TestCells {
    private TestCells() {}

    static RunHeader header(String runId) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("note", "fixture");
        return new RunHeader(RunHeader.TYPE, Schema.VERSION, runId, "smoke", "0.1.0", "abc1234", "17.0.12",
                "0.36.0", "2.7.1", "Test CPU @ 2GHz", 2, "Linux 6.1", "2026-01-01T00:00:00Z", "lobench run smoke",
                extra);
    }

    /**
     * A trainLoss curve of {@code length} values: 9.0 everywhere except the last {@code tail.length} entries,
     * which are {@code tail}.
     */
    static float[] curve(int length, float... tail) {
        float[] c = new float[length];
        Arrays.fill(c, 9.0f);
        System.arraycopy(tail, 0, c, length - tail.length, tail.length);
        return c;
    }

    static Timing timing(double stepMs, double updateMs) {
        return new Timing(1.5, 1.0, 0.25, 0.25, stepMs, stepMs - updateMs, updateMs, 5);
    }

    static CellRecord cell(String task, String optimizer, long seed, int steps, Outcome outcome, float[] trainLoss,
            List<EvalPoint> evals, Timing timing) {
        Map<String, Object> taskParams = new LinkedHashMap<>();
        taskParams.put("dim", 8);
        taskParams.put("scale", 0.5);
        Map<String, Object> optParams = new LinkedHashMap<>();
        optParams.put("name", optimizer);
        return new CellRecord(CellRecord.TYPE, Schema.VERSION, task + "|" + optimizer + "|" + seed, task, "fixture",
                taskParams, false, optimizer, OptimizerNames.base(optimizer), optParams, null, seed, steps, 100L, outcome,
                outcome == Outcome.completed ? null : "detail of " + outcome, 10.0, trainLoss, evals, timing,
                Map.of());
    }

    /** {@code c} with {@code optimizerParams[key] = value} (e.g. a typed learning rate). */
    static CellRecord withParam(CellRecord c, String key, Object value) {
        Map<String, Object> p = new LinkedHashMap<>(c.optimizerParams());
        p.put(key, value);
        return new CellRecord(c.type(), c.schemaVersion(), c.cellKey(), c.task(), c.taskFamily(), c.taskParams(),
                c.inMetaTrainingSet(), c.optimizer(), c.optimizerBase(), p, c.tunedGroup(), c.seed(), c.steps(),
                c.numParams(), c.outcome(), c.outcomeDetail(), c.initialLoss(), c.trainLoss(), c.evals(), c.timing(),
                c.meta());
    }

    /** Two eval points: an early one with junk values (must be ignored by "last eval point") and the final one. */
    static List<EvalPoint> evals(int steps, double testLoss, double testAcc) {
        return List.of(new EvalPoint(steps / 2, 99.0, 0.01, Double.NaN),
                new EvalPoint(steps, testLoss, testAcc, Double.NaN));
    }
}
