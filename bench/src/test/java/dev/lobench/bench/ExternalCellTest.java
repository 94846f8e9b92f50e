package dev.lobench.bench;

import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.results.CellRecord;
import dev.lobench.results.Outcome;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.TaskRegistry;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A failing external optimizer is a recorded cell outcome ({@code error} with the reason), never a hang. */
class ExternalCellTest {
    private static final Task QUAD = TaskRegistry.fromParameters("quadratic", Map.of("dim", 8, "kappa", 10));

    private static CellRecord run(String opt) {
        CellSpec cell = new CellSpec(QUAD, opt, 0, 20, 10);
        return TrainingLoop.run(cell, OptimizerRegistry.create(opt, 20), DataContext.defaults(), "test",
                false, null);
    }

    @Test
    void aCrashingClientIsAnErrorCell() {
        CellRecord r = run("ext:cmd=echo no module named numpy >&2; exit 4");
        assertEquals(Outcome.error, r.outcome());
        assertTrue(r.outcomeDetail().contains("exited with code 4 at init")
                && r.outcomeDetail().contains("no module named numpy"), r.outcomeDetail());
    }

    @Test
    void aSilentClientTimesOut() {
        long t0 = System.nanoTime();
        CellRecord r = run("ext:cmd=sleep 120,init_timeout=1");
        assertEquals(Outcome.error, r.outcome());
        assertTrue(r.outcomeDetail().contains("timed out after 1 s at init"), r.outcomeDetail());
        assertTrue((System.nanoTime() - t0) / 1e9 < 60, "cut by the timeout, not by the client");
    }
}
