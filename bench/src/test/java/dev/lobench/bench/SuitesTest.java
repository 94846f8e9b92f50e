package dev.lobench.bench;

import dev.lobench.tasks.TaskRegistry;
import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SuitesTest {
    private static final String OK = """
            suites:
              - name: tiny
                description: "two tasks: one labelled"
                tasks:
                  - {task: fmnist8-mlp32, steps: 30, evalEvery: 10}
                  - {task: quadratic-d100-k100, steps: 20, evalEvery: 5, label: quad-short}
                optimizers: [adam, "sgd:lr=0.1"]
                seeds: 2
            """;

    private static String err(String yaml) {
        return assertThrows(UserError.class, () -> Suites.parse(yaml, "s.yaml")).getMessage();
    }

    @Test
    void shippedSuites() {
        assertEquals(List.of("smoke", "quick", "generalization", "ood", "horizon", "full"),
                Suites.all().stream().map(Suite::name).toList());
        Suite smoke = Suites.get("smoke");
        assertEquals(List.of(new Suite.Entry("fmnist8-mlp32", 300, 100), new Suite.Entry("fmnist-cnn16x32", 150, 75),
                new Suite.Entry("fortunes-tf-w32-d1", 150, 75), new Suite.Entry("quadratic-d100-k100", 300, 100)),
                smoke.entries());
        assertEquals(List.of("adam", "sgdm"), smoke.optimizers());
        assertEquals(1, smoke.seeds());
        assertEquals("CI smoke test: every task family, Adam and SGD-momentum, 1 seed, a few hundred steps",
                smoke.description());
        // folded multi-line descriptions become one line
        assertTrue(Suites.get("generalization").description().contains("against tuned Adam on MLPs"),
                Suites.get("generalization").description());
        assertEquals(new Suite.Entry("fmnist8-mlp32", 200000, 20000, "fmnist8-mlp32-h100x"),
                Suites.get("horizon").entries().get(2));
        assertEquals(List.of("adam-tuned:lrs=5,min=1e-4,max=1e-1", "star", "small-fc", "velo-style"),
                Suites.get("ood").optimizers());
        // 'tasks: all' is every named task at its default steps, evaluated every steps/8
        Suite full = Suites.get("full");
        assertEquals(TaskRegistry.all().size(), full.entries().size());
        assertEquals(new Suite.Entry("quadratic-d100-k100", 1000, 125), full.entries().stream()
                .filter(e -> e.task().equals("quadratic-d100-k100")).findFirst().orElseThrow());
    }

    @Test
    void parsesAFile() {
        List<Suite> s = Suites.parse(OK, "s.yaml");
        assertEquals(1, s.size());
        assertEquals("two tasks: one labelled", s.get(0).description());
        assertEquals(List.of(new Suite.Entry("fmnist8-mlp32", 30, 10),
                new Suite.Entry("quadratic-d100-k100", 20, 5, "quad-short")), s.get(0).entries());
        assertNull(s.get(0).entries().get(0).label());
        assertEquals(List.of("adam", "sgd:lr=0.1"), s.get(0).optimizers());
        assertEquals(2, s.get(0).seeds());
    }

    @Test
    void errorsNameTheLineAndTheKey() {
        assertEquals("s.yaml:5: suite tiny: unknown task 'fmnist8-mlp23'; did you mean 'fmnist8-mlp32'? valid: "
                        + String.join(", ", new java.util.TreeSet<>(TaskRegistry.names())),
                err(OK.replace("{task: fmnist8-mlp32,", "{task: fmnist8-mlp23,")));
        assertEquals("s.yaml:6: unknown key 'evalevery'; did you mean 'evalEvery'? valid: evalEvery, label, steps, "
                + "task (in a task entry)", err(OK.replace("evalEvery: 5", "evalevery: 5")));
        assertEquals("s.yaml:8: unknown key 'seed'; did you mean 'seeds'? valid: description, name, optimizers, "
                + "seeds, tasks (in a suite)", err(OK.replace("seeds: 2", "seed: 2")));
        assertEquals("s.yaml:2: seeds: missing (required)", err(OK.replace("    seeds: 2\n", "")));
        assertEquals("s.yaml:5: suite tiny: fmnist8-mlp32: steps: expected a whole number >= 1, got 0",
                err(OK.replace("steps: 30", "steps: 0")));
        assertEquals("s.yaml:4: suite tiny: tasks: expected a list of {task, steps, evalEvery} or 'all', got some",
                err(OK.replace("tasks:\n      - {task: fmnist8-mlp32, steps: 30, evalEvery: 10}\n"
                        + "      - {task: quadratic-d100-k100, steps: 20, evalEvery: 5, label: quad-short}",
                        "tasks: some")));
        assertEquals("s.yaml:9: suite 'tiny' defined twice", err(OK + OK.substring("suites:\n".length())));
        assertEquals("s.yaml:1: unknown key 'suite'; did you mean 'suites'? valid: suites (in the file)",
                err(OK.replace("suites:", "suite:")));
        assertTrue(err("suites: [\n").startsWith("s.yaml:"), err("suites: [\n"));
    }
}
