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

        assertEquals("mlp.resolution: 14 is not allowed; allowed: 28, 8",
                err(() -> TaskRegistry.fromParameters("mlp", Map.of("resolution", 14))));
        assertEquals("mlp.activation: unknown activation 'relu6'; did you mean 'relu'? valid: gelu, relu, tanh",
                err(() -> TaskRegistry.fromParameters("mlp", Map.of("activation", "relu6"))));
        assertEquals("unknown mlp parameter 'hiden'; did you mean 'hidden'? valid: activation, batch, hidden, "
                        + "invert, labelNoise, lossScale, resolution, shift, steps",
                err(() -> TaskRegistry.fromParameters("mlp", Map.of("hiden", List.of(3)))));
        assertEquals("unknown task family 'rnn'; did you mean 'cnn'? valid: cnn, mlp, quadratic, transformer",
                err(() -> TaskRegistry.fromParameters("rnn", Map.of())));
        assertEquals("cnn.channels: must not be empty; expected a list of positive integers",
                err(() -> TaskRegistry.fromParameters("cnn", Map.of("channels", List.of()))));
        assertEquals("cnn.channels: width 0 is out of range; allowed: 1..65536",
                err(() -> TaskRegistry.fromParameters("cnn", Map.of("channels", List.of(8, 0)))));
        assertEquals("mlp.batch: expected an integer, got '1.5'",
                err(() -> TaskRegistry.fromParameters("mlp", Map.of("batch", 1.5))));
        assertEquals("mlp.shift: 8 is out of range; allowed: -7..7 (pixels at resolution 8)",
                err(() -> TaskRegistry.fromParameters("mlp", Map.of("resolution", 8, "shift", 8))));
        assertEquals("mlp.invert: expected true or false, got 'yes'",
                err(() -> TaskRegistry.fromParameters("mlp", Map.of("invert", "yes"))));
    }

    private static String err(org.junit.jupiter.api.function.Executable x) {
        return assertThrows(UserError.class, x).getMessage();
    }
}
