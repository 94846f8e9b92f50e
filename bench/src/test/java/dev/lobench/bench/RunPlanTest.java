package dev.lobench.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lobench.results.CellRecord;
import dev.lobench.results.ResultStore;
import dev.lobench.results.ResultsFile;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.TaskRegistry;
import dev.lobench.optimizers.OptimizerRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Optimizer specs are parsed once into typed specs; cells keep the keys of runs made before. */
class RunPlanTest {
    static final Path COMMITTED = Path.of("../experiments/meta-training/eval/fmnist-cnn16x32-500/results.jsonl.gz");

    @Test
    void aCommittedRunsPlanHasTheSameCellKeys() {
        assertTrue(Files.isRegularFile(COMMITTED), COMMITTED.toAbsolutePath().toString());
        ResultsFile run = ResultStore.read(COMMITTED);
        // its command line: --task fmnist-cnn16x32 --optimizer star,small-fc,velo-style,adam,
        // adam-tuned:lrs=5,min=3e-4,max=3e-2 --seeds 3 --steps 500
        assertTrue(run.header().commandLine().contains("adam,adam-tuned:lrs=5,min=3e-4,max=3e-2 --seeds 3 --steps 500"),
                run.header().commandLine());
        assertEquals(new java.util.TreeMap<>(run.cells().get(0).taskParams()).toString(),
                new java.util.TreeMap<>(TaskRegistry.get("fmnist-cnn16x32").parameters()).toString(),
                "the task is defined as it was");
        RunPlan plan = RunPlan.ofTasks(List.of("fmnist-cnn16x32"), List.of("adam", "adam-tuned:lrs=5", "min=3e-4",
                "max=3e-2"), 3, 500, null);
        assertEquals(18, plan.cells().size());
        Set<String> committed = run.cells().stream().filter(c -> c.optimizerBase().equals("adam"))
                .map(CellRecord::cellKey).collect(Collectors.toSet());
        Set<String> planned = plan.cells().stream().map(c -> c.key(run.header().lobenchVersion()))
                .collect(Collectors.toSet());
        assertEquals(committed, planned, "every Adam cell of the committed run has the key it had");
        assertEquals(Set.of("adam(lr=0.001)", "adam(lr=3e-4)", "adam(lr=9.49e-4)", "adam(lr=0.003)",
                "adam(lr=0.00949)", "adam(lr=0.03)"), plan.cells().stream().map(CellSpec::optimizer)
                .collect(Collectors.toSet()), "the canonical names of the committed records");
    }

    @Test
    void lossEveryIsPartOfTheKeysAndTheFingerprintAboveOneOnly() {
        RunPlan plan = RunPlan.ofTasks(List.of("quadratic-d100-k100"), List.of("adam"), 2, 50, null);
        Path d = Path.of("unused");
        String v = "v";
        String f1 = new SuiteRunner(plan, DataContext.defaults(), d, "x").fingerprint(v);
        assertEquals(f1, new SuiteRunner(plan.withLossEvery(1), DataContext.defaults(), d, "x").fingerprint(v));
        String f10 = new SuiteRunner(plan.withLossEvery(10), DataContext.defaults(), d, "x").fingerprint(v);
        assertTrue(!f1.equals(f10), "the fingerprint includes lossEvery");
        assertEquals(10, plan.withLossEvery(10).cells().get(1).lossEvery());
        assertEquals(1, plan.cells().get(0).lossEvery());
        dev.lobench.tasks.UserError e = org.junit.jupiter.api.Assertions.assertThrows(dev.lobench.tasks.UserError.class,
                () -> plan.withLossEvery(0));
        assertTrue(e.getMessage().contains("--loss-every"), e.getMessage());
    }

    @Test
    void cellsOfOneSpecShareOneTypedSpec() {
        RunPlan plan = RunPlan.ofTasks(List.of("quadratic-d100-k100"), List.of("sgd-tuned:lrs=2,min=0.01,max=0.1",
                "sgdm:lr=0.05", "momentum=0.8"), 2, 5, null);
        assertEquals(6, plan.cells().size());
        assertSame(plan.cells().get(0).spec(), plan.cells().get(1).spec(), "validated once, not per seed");
        assertEquals("sgd-tuned(lrs=2,min=0.01,max=0.1)", plan.cells().get(0).spec().tunedGroup());
        assertEquals(0.01, plan.cells().get(0).spec().params().get("lr"));
        assertEquals(0.1, plan.cells().get(2).spec().params().get("lr"));
        assertEquals("sgdm(lr=0.05,momentum=0.8)", plan.cells().get(4).optimizer());
        assertNull(plan.cells().get(4).spec().tunedGroup());
    }

    @Test
    void theRecordCarriesBaseTypedParametersAndTunedGroup() {
        RunPlan plan = RunPlan.ofTasks(List.of("quadratic-d100-k100"), List.of("adam-tuned:lrs=1,min=0.01"), 1, 4,
                null);
        CellSpec cell = plan.cells().get(0);
        CellRecord r = TrainingLoop.run(cell, cell.spec().build(cell.steps()), DataContext.defaults(), "test", false,
                null);
        assertEquals("adam(lr=0.01)", r.optimizer());
        assertEquals("adam", r.optimizerBase());
        assertEquals("adam-tuned(lrs=1,min=0.01,max=0.1)", r.tunedGroup());
        assertEquals(0.01, r.optimizerParams().get("lr"));
        assertEquals(0.9, r.optimizerParams().get("beta1"));
        assertEquals("constant", r.optimizerParams().get("schedule"));
        assertEquals(dev.lobench.results.Schema.VERSION, r.schemaVersion());
    }

    private static final AtomicInteger BUILDS = new AtomicInteger();

    @Test
    void aRunBuildsEachCellsOptimizerOnceAfterOneValidation(@TempDir Path dir) {
        OptimizerRegistry.register("counted-sgd-test", "sgd, counting its builds",
                OptimizerRegistry.entry("sgd").defaults(), hp -> {
                    BUILDS.incrementAndGet();
                    return OptimizerRegistry.entry("sgd").factory().create(hp);
                });
        RunPlan plan = RunPlan.ofTasks(List.of("quadratic-d100-k100"), List.of("counted-sgd-test:lr=0.01"), 3, 4,
                null);
        assertEquals(1, BUILDS.get(), "the plan validates the spec once for its three cells");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        SuiteRunner.Summary s = new SuiteRunner(plan, DataContext.defaults(), dir.resolve("run"), "test", false,
                new Progress(new PrintStream(progress), false)).run();
        assertEquals(3, s.ran());
        assertEquals(1 + 3, BUILDS.get(), "then one optimizer per cell");
        CellRecord r = s.records().get(0);
        assertEquals("counted-sgd-test", r.optimizerBase());
        assertEquals(0.01, r.optimizerParams().get("lr"));
        assertEquals(plan.cells().get(0).key(RunEnvironment.lobenchVersion()), r.cellKey());
    }

    @Test
    void aSchemaOneRunResumesWithSchemaTwoCells(@TempDir Path dir) throws Exception {
        RunPlan plan = RunPlan.ofTasks(List.of("quadratic-d100-k100"), List.of("sgd:lr=0.01"), 2, 4, null);
        Path run = dir.resolve("run");
        Progress quiet = new Progress(new PrintStream(new ByteArrayOutputStream()), false);
        new SuiteRunner(plan, DataContext.defaults(), run, "test", false, quiet).run();
        Path file = run.resolve(SuiteRunner.RESULTS_FILE);
        // the run as a lobench of schema 1 would have left it, killed after its first cell
        com.fasterxml.jackson.databind.ObjectMapper m = dev.lobench.results.ResultsJson.mapper();
        List<String> lines = Files.readAllLines(file);
        com.fasterxml.jackson.databind.node.ObjectNode header =
                (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(lines.get(0));
        header.put("schemaVersion", 1);
        com.fasterxml.jackson.databind.node.ObjectNode cell =
                (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(lines.get(1));
        cell.put("schemaVersion", 1);
        cell.remove("optimizerBase");
        cell.remove("tunedGroup");
        com.fasterxml.jackson.databind.node.ObjectNode params =
                (com.fasterxml.jackson.databind.node.ObjectNode) cell.get("optimizerParams");
        List<String> keys = new java.util.ArrayList<>();
        params.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
            params.put(k, params.get(k).asText());
        }
        assertEquals("0.01", params.get("lr").asText());
        Files.writeString(file, m.writeValueAsString(header) + "\n" + m.writeValueAsString(cell) + "\n");
        SuiteRunner.Summary s = new SuiteRunner(plan, DataContext.defaults(), run, "test", true, quiet).run();
        assertEquals(1, s.skipped(), "the schema-1 cell keeps its key");
        assertEquals(1, s.ran());
        List<String> now = Files.readAllLines(file);
        assertEquals(1, m.readTree(now.get(1)).get("schemaVersion").asInt());
        assertEquals(2, m.readTree(now.get(2)).get("schemaVersion").asInt());
        List<CellRecord> cells = ResultStore.readCells(file);
        assertEquals(2, cells.size());
        for (CellRecord c : cells) {
            assertEquals("sgd", c.optimizerBase());
            assertEquals(0.01, c.optimizerParams().get("lr"));
            assertEquals(cells.get(0).optimizerParams(), c.optimizerParams(), "read alike, whichever schema");
        }
    }
}
