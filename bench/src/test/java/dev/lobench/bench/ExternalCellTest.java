package dev.lobench.bench;

import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.results.CellRecord;
import dev.lobench.results.Outcome;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.TaskRegistry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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

    /**
     * A client that asks for the shared memory file and crashes once it has it: an error cell, and the file is gone.
     */
    @Test
    void aClientThatCrashesAfterMappingTheSharedFileIsAnErrorCellAndLeavesNoFile(@TempDir Path dir)
            throws IOException {
        Assumptions.assumeTrue(pythonWithNumpy(), "SKIPPED: python3 with numpy not found; .ci/run installs it");
        Path examples = Path.of("..", "examples", "ext-optimizer").toAbsolutePath().normalize();
        Path script = dir.resolve("crash_shm.py");
        Path seen = dir.resolve("reached-step-3.txt");
        Files.writeString(script, String.join("\n",
                "import os, sys",
                "sys.path.insert(0, '" + examples + "')",
                "from lobench_ext import serve",
                "class Crash:",
                "    def step(self, step, loss, grads, params):",
                "        if step == 3:",
                "            open('" + seen + "', 'w').write('step 3')",
                "            print('crashed with the file mapped', file=sys.stderr, flush=True)",
                "            os._exit(11)",
                "        return [g * 0 for g in grads]",
                "serve(lambda names, shapes, steps: Crash(), shm=True)", ""));
        long before = shmFiles();
        CellRecord r = run("ext:cmd=python3 " + script);
        assertEquals(Outcome.error, r.outcome());
        assertTrue(r.outcomeDetail().contains("exited with code 11 at step 3")
                && r.outcomeDetail().contains("crashed with the file mapped"), r.outcomeDetail());
        assertTrue(Files.exists(seen), "the client ran to step 3");
        assertTrue(shmFiles() <= before, "no shared memory file of lobench's remains");
    }

    /** lobench's shared memory files in /dev/shm (where they go when it exists) right now. */
    private static long shmFiles() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (!Files.isDirectory(shm)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(shm)) {
            return s.filter(p -> p.getFileName().toString().startsWith("lobench-ext-")).count();
        }
    }

    private static boolean pythonWithNumpy() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
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
