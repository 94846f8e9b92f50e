package dev.lobench.tasks;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskRegistryTest {
    @Test
    void namedTasksAndParameterCounts() {
        List<String> names = TaskRegistry.all().stream().map(Task::name).toList();
        assertEquals(List.of("fmnist8-mlp32", "fmnist-mlp128x128"), names.subList(0, 2));
        assertTrue(names.containsAll(List.of("fmnist-cnn16x32", "fortunes-tf-w64-d2", "fortunes-de-tf-w64-d2",
                "quadratic-d100-k100", "fmnist8-mlp32-lossx100", "fmnist8-mlp32-invert")), names.toString());
        assertEquals(names.size(), new java.util.HashSet<>(names).size(), "names are unique");
        // 64*32+32 + 32*10+10
        assertEquals(2410, TaskRegistry.get("fmnist8-mlp32").numParams());
        // 784*128+128 + 128*128+128 + 128*10+10
        assertEquals(118282, TaskRegistry.get("fmnist-mlp128x128").numParams());
        // 16*1*9+16 + 32*16*9+32 + 32*10+10
        assertEquals(5130, TaskRegistry.get("fmnist-cnn16x32").numParams());
        Task t = TaskRegistry.get("fmnist8-mlp32");
        assertEquals("mlp", t.family());
        assertEquals(8, t.parameters().get("resolution"));
        assertEquals(List.of(32), t.parameters().get("hidden"));
        assertEquals(128, t.parameters().get("batch"));
        assertEquals("cnn", TaskRegistry.get("fmnist-cnn16x32").family());
    }

    @Test
    void unknownNameSuggestsClosest() {
        String valid = " valid: " + String.join(", ", new java.util.TreeSet<>(TaskRegistry.names()));
        UserError e = assertThrows(UserError.class, () -> TaskRegistry.get("fmnist-mlp128"));
        assertEquals("unknown task 'fmnist-mlp128'; did you mean 'fmnist-mlp128x128'?" + valid, e.getMessage());
        UserError far = assertThrows(UserError.class, () -> TaskRegistry.get("resnet50-imagenet"));
        assertEquals("unknown task 'resnet50-imagenet'" + valid, far.getMessage());
        UserError typo = assertThrows(UserError.class, () -> TaskRegistry.get("fmnist-cnn16x23"));
        assertEquals("unknown task 'fmnist-cnn16x23'; did you mean 'fmnist-cnn16x32'?" + valid, typo.getMessage());
    }

    @Test
    void levenshtein() {
        assertEquals(3, Names.levenshtein("kitten", "sitting"));
        assertEquals(0, Names.levenshtein("", ""));
        assertEquals(4, Names.levenshtein("", "abcd"));
        assertEquals("adam", Names.closest("Adma", List.of("sgd", "adam", "adamw")).orElseThrow());
    }

    @Test
    void fromParametersValidates() {
        Task t = TaskRegistry.fromParameters("mlp", Map.of("resolution", 8L, "hidden", List.of(16, 8.0),
                "activation", "gelu", "batch", 64, "invert", true, "shift", -2));
        assertEquals("fmnist8-mlp16x8-gelu-b64-invert-shift-2", t.name());
        assertEquals(64 * 16 + 16 + 16 * 8 + 8 + 8 * 10 + 10, t.numParams());
        assertEquals(Map.of("resolution", 8, "hidden", List.of(16, 8), "activation", "gelu", "batch", 64,
                "steps", 2000, "invert", true, "shift", -2), t.parameters());

        // mlp/cnn validate through their ParamSpecs (FamilyParams), with the messages of every other family
        assertEquals("task family 'mlp': parameter 'resolution' must be one of 28|8, got 14",
                err(() -> TaskRegistry.fromParameters("mlp", Map.of("resolution", 14))));
        assertEquals("task family 'mlp': parameter 'activation' must be one of relu|tanh|gelu, got 'relu6'",
                err(() -> TaskRegistry.fromParameters("mlp", Map.of("activation", "relu6"))));
        assertEquals("task family 'mlp': unknown parameter 'hiden'; did you mean 'hidden'? accepted parameters: "
                        + "resolution, hidden, activation, batch, steps, invert, shift, labelNoise, lossScale",
                err(() -> TaskRegistry.fromParameters("mlp", Map.of("hiden", List.of(3)))));
        assertEquals("unknown task family 'rnn'; did you mean 'cnn'? valid: cnn, mlp, quadratic, transformer",
                err(() -> TaskRegistry.fromParameters("rnn", Map.of())));
        assertEquals("task family 'cnn': parameter 'channels' must not be empty; allowed: non-empty list of "
                        + "1..65536",
                err(() -> TaskRegistry.fromParameters("cnn", Map.of("channels", List.of()))));
        assertEquals("task family 'cnn': parameter 'channels': element 0 is out of range; allowed: non-empty list "
                        + "of 1..65536",
                err(() -> TaskRegistry.fromParameters("cnn", Map.of("channels", List.of(8, 0)))));
        assertEquals("task family 'mlp': parameter 'batch' must be an integer in 1..10000, got '1.5'",
                err(() -> TaskRegistry.fromParameters("mlp", Map.of("batch", 1.5))));
        assertEquals("task family 'mlp': parameter 'shift' must be in -7..7 at resolution 8, got 8",
                err(() -> TaskRegistry.fromParameters("mlp", Map.of("resolution", 8, "shift", 8))));
        assertEquals("task family 'mlp': parameter 'invert' must be true or false, got 'yes'",
                err(() -> TaskRegistry.fromParameters("mlp", Map.of("invert", "yes"))));
        assertEquals("task family 'cnn': parameter 'lossScale' must be > 0, got 0.0",
                err(() -> TaskRegistry.fromParameters("cnn", Map.of("lossScale", 0))));
        assertEquals("task family 'mlp': parameter 'labelNoise' must be in 0.0..1.0, got 1.5",
                err(() -> TaskRegistry.fromParameters("mlp", Map.of("labelNoise", 1.5))));
    }

    @Test
    void familiesAreTheRegisteredClassesInOrder() {
        assertEquals(List.of("mlp", "cnn", "transformer", "quadratic"), TaskRegistry.FAMILIES);
        assertEquals("transformer", TaskRegistry.family("transformer").name());
        assertEquals("fortunes", TaskRegistry.family("transformer").dataset());
        assertEquals("unknown task family 'mpl'; did you mean 'mlp'? valid: cnn, mlp, quadratic, transformer",
                err(() -> TaskRegistry.family("mpl")));
    }

    /** What help prints is what validation applies: every spec's default, given explicitly, builds the same task. */
    @Test
    void helpDefaultsAreTheDefaultsBuildApplies() {
        for (String name : TaskRegistry.FAMILIES) {
            Family f = TaskRegistry.family(name);
            Map<String, Object> defaults = new java.util.LinkedHashMap<>();
            for (ParamSpec s : f.parameters()) {
                defaults.put(s.name(), s.defaultValue());
            }
            Task implicit = f.build(Map.of());
            Task explicit = f.build(defaults);
            assertEquals(implicit.name(), explicit.name(), name);
            assertEquals(implicit.parameters(), explicit.parameters(), name);
            assertEquals(f.parameters().size(), f.describeParameters().size(), name);
            for (ParamSpec s : f.parameters()) {
                assertTrue(f.describeParameters().stream().anyMatch(l -> l.startsWith(s.name() + " (")), s.name());
            }
        }
        // the classifier families' out-of-distribution parameters are in their help (they were missing once)
        for (String name : List.of("mlp", "cnn")) {
            List<String> help = TaskRegistry.family(name).describeParameters();
            assertTrue(help.stream().anyMatch(l -> l.startsWith("lossScale (double, default 1.0")), help.toString());
            assertTrue(help.stream().anyMatch(l -> l.startsWith("labelNoise (double, default 0.0, 0.0..1.0)")),
                    help.toString());
        }
        assertEquals("hidden (list, default [128,128], list of 1..65536): hidden widths (empty = linear model)",
                TaskRegistry.family("mlp").describeParameters().get(1));
    }

    /** A task's definition is its fingerprint (cell keys, the CI gate): the optional keys appear only when set. */
    @Test
    void classifierDefinitionsAndNamesAreStable() {
        Task lossx = TaskRegistry.get("fmnist8-mlp32-lossx100");
        assertEquals(List.of("resolution", "hidden", "activation", "batch", "steps", "invert", "shift", "lossScale"),
                List.copyOf(lossx.parameters().keySet()));
        assertEquals(100.0, lossx.parameters().get("lossScale"));
        assertEquals("{activation=relu, batch=128, hidden=[32], invert=false, resolution=8, shift=0, steps=2000}",
                new java.util.TreeMap<>(TaskRegistry.get("fmnist8-mlp32").parameters()).toString());
        assertEquals("{batch=128, channels=[16, 32], invert=false, resolution=28, shift=0, steps=2000}",
                new java.util.TreeMap<>(TaskRegistry.get("fmnist-cnn16x32").parameters()).toString());
        // named classifier tasks stay ClassifierTasks (meta-training and the external protocol read their network)
        assertTrue(TaskRegistry.get("fmnist8-mlp32") instanceof dev.lobench.tasks.models.ClassifierTask);
        assertEquals("fmnist8-cnn8x16-labelnoise0.2-lossx0.5", TaskRegistry.fromParameters("cnn",
                Map.of("resolution", 8, "channels", List.of(8, 16), "labelNoise", 0.2, "lossScale", 0.5)).name());
        // choices are case-insensitive and kept in their canonical spelling
        assertEquals("tanh", TaskRegistry.fromParameters("mlp", Map.of("activation", "TanH")).parameters()
                .get("activation"));
    }

    private static String err(org.junit.jupiter.api.function.Executable x) {
        return assertThrows(UserError.class, x).getMessage();
    }
}
