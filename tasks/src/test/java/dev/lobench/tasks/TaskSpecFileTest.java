package dev.lobench.tasks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskSpecFileTest {

    private static String err(String yaml) {
        return assertThrows(UserError.class, () -> TaskSpecFile.parse(yaml, "t.yaml")).getMessage();
    }

    @Test
    void yamlSpecBuildsTheTaskItDescribes() {
        List<TaskSpecFile.Entry> e = TaskSpecFile.parse("""
                name: tiny
                family: mlp
                dataset: fashion-mnist
                parameters: {resolution: 8, hidden: [16, 8], activation: gelu, batch: 32}
                steps: 300
                seeds: 4
                optimizers: [adam, "sgdm:lr=0.1"]
                """, "t.yaml");
        assertEquals(1, e.size());
        Task t = e.get(0).task();
        assertEquals("tiny", t.name());
        assertEquals("mlp", t.family());
        assertEquals(300, t.defaultSteps());
        // 64*16+16 + 16*8+8 + 8*10+10
        assertEquals(1266, t.numParams());
        assertEquals(4, e.get(0).seeds());
        assertEquals(List.of("adam", "sgdm:lr=0.1"), e.get(0).optimizers());
    }

    @Test
    void jsonAndListsOfTasks(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("two.json");
        Files.writeString(f, "{\"tasks\": [{\"family\": \"quadratic\", \"parameters\": {\"dim\": 10, \"kappa\": 5}},"
                + " {\"family\": \"cnn\", \"parameters\": {\"resolution\": 8, \"channels\": [4]}}]}");
        List<TaskSpecFile.Entry> e = TaskSpecFile.read(f);
        assertEquals(2, e.size());
        assertEquals("quadratic", e.get(0).task().family());
        assertEquals(10, e.get(0).task().numParams());
        assertNull(e.get(0).seeds());
        // 4*1*9+4 + 4*10+10
        assertEquals(90, e.get(1).task().numParams());
    }

    @Test
    void errorsNameTheFieldAndTheAllowedValues(@TempDir Path dir) {
        assertEquals("t.yaml: unknown field 'familly'; did you mean 'family'? valid: dataset, family, name, "
                + "optimizers, parameters, seeds, steps", err("familly: mlp\n"));
        assertEquals("t.yaml: family: missing (required); allowed: mlp, cnn, transformer, quadratic", err("steps: 3\n"));
        assertTrue(err("family: rnn\n").startsWith("t.yaml: family: unknown task family 'rnn'"));
        assertEquals("t.yaml: dataset: family mlp trains on 'fashion-mnist', got 'cifar10'",
                err("family: mlp\ndataset: cifar10\n"));
        assertTrue(err("family: mlp\nparameters: {activation: swish}\n")
                .startsWith("t.yaml: parameters: task family 'mlp': parameter 'activation' must be one of "
                        + "relu|tanh|gelu, got 'swish'"));
        assertEquals("t.yaml: steps: must be >= 1, got 0", err("family: mlp\nsteps: 0\n"));
        assertEquals("t.yaml: seeds: expected a whole number, got 1.5", err("family: mlp\nseeds: 1.5\n"));
        assertEquals("t.yaml: steps: 99999999999 is too large (at most 2147483647)",
                err("family: mlp\nsteps: 99999999999\n"));
        assertTrue(err("family: transformer\nparameters: {heads: 3, width: 64}\n").contains("heads"));
        assertTrue(err("tasks: []\n").contains("tasks: expected a non-empty list"));
        assertTrue(err("family: [mlp\n").startsWith("t.yaml:"));
        assertTrue(err("").contains("empty task spec file"));
        UserError missing = assertThrows(UserError.class, () -> TaskSpecFile.read(dir.resolve("nope.yaml")));
        assertTrue(missing.getMessage().startsWith("task spec file not found"));
    }

    @Test
    void registryTasksComeFromTheSameFormat() {
        // the named tasks are parsed from the bundled spec file: a task there must equal one built from parameters
        Task named = TaskRegistry.get("fmnist8-mlp32-tanh");
        Task built = TaskRegistry.fromParameters("mlp", java.util.Map.of("resolution", 8, "hidden", List.of(32),
                "activation", "tanh", "batch", 128, "steps", 2000));
        assertEquals(built.parameters(), named.parameters());
        assertEquals(built.numParams(), named.numParams());
    }
}
