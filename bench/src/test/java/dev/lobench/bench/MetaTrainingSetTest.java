package dev.lobench.bench;

import dev.lobench.tasks.Task;
import dev.lobench.tasks.TaskRegistry;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetaTrainingSetTest {

    @Test
    void shippedWeightsNameTheirMetaTrainingTaskAndHorizon() {
        // star and small-fc ship from experiments/star-paper-task (fmnist-mlp128x128), velo-style from
        // experiments/meta-training (fmnist8-mlp32); every one with horizon 2000
        for (String[] w : new String[][] {{"star", "fmnist-mlp128x128"}, {"small-fc", "fmnist-mlp128x128"},
            {"velo-style", "fmnist8-mlp32"}}) {
            assertTrue(MetaTrainingSet.origins().stream().anyMatch(o -> o.optimizer().equals(w[0])
                    && o.task().name().equals(w[1]) && o.horizon() == 2000), MetaTrainingSet.origins().toString());
        }
    }

    @Test
    void aLearnedOptimizersCellIsJudgedByItsOwnWeights(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Task mlp128 = TaskRegistry.get("fmnist-mlp128x128");
        Task mlp32 = TaskRegistry.get("fmnist8-mlp32");
        Map<String, Object> auto = Map.of("weights", "auto");
        assertTrue(MetaTrainingSet.contains("star", auto, mlp128, 2000));
        assertFalse(MetaTrainingSet.contains("star", auto, mlp32, 2000), "velo-style's task is not star's");
        assertFalse(MetaTrainingSet.contains("star", auto, mlp128, 2001), "past the horizon");
        assertTrue(MetaTrainingSet.contains("velo-style", auto, mlp32, 2000));
        assertFalse(MetaTrainingSet.contains("velo-style", auto, mlp128, 2000));
        assertTrue(MetaTrainingSet.contains("star", Map.of("weights", "star-fmnist8-v1"), mlp32, 2000));
        assertFalse(MetaTrainingSet.contains("star", Map.of("weights", "init:3"), mlp128, 2000), "not meta-trained");
        assertEquals(Map.of("resolution", "28 -> 8", "hidden", "[128, 128] -> [32]", "relativeTo", "fmnist-mlp128x128"),
                MetaTrainingSet.describe("small-fc", auto, mlp32, 2000));
        // weights from a file: its provenance's task
        java.nio.file.Path f = dir.resolve("w.safetensors");
        dev.lobench.optimizers.learned.ThetaFiles.write(f, dev.lobench.optimizers.learned.Theta.init(
                dev.lobench.optimizers.learned.Arch.SMALL_FC, 1), "{\"meta_training\":{\"task\":\"fmnist8-mlp32-tanh\","
                + "\"horizon\":500}}");
        Map<String, Object> file = Map.of("weights", f.toString());
        assertTrue(MetaTrainingSet.contains("small-fc", file, TaskRegistry.get("fmnist8-mlp32-tanh"), 500));
        assertFalse(MetaTrainingSet.contains("small-fc", file, TaskRegistry.get("fmnist8-mlp32-tanh"), 1000));
        assertFalse(MetaTrainingSet.contains("small-fc", file, mlp128, 2000));
        // an optimizer without meta-training is judged against every shipped learned optimizer's task
        assertTrue(MetaTrainingSet.contains("adam", Map.of(), mlp128, 2000));
        assertTrue(MetaTrainingSet.contains("adam", Map.of(), mlp32, 2000));
    }

    @Test
    void inDistributionOnlyOnTheSameTaskWithinTheHorizon() {
        assertTrue(MetaTrainingSet.contains(TaskRegistry.get("fmnist8-mlp32"), 2000));
        assertTrue(MetaTrainingSet.contains(TaskRegistry.get("fmnist8-mlp32"), 500));
        assertTrue(MetaTrainingSet.contains(TaskRegistry.get("fmnist-mlp128x128"), 2000));
        // a renamed copy (the horizon suite's labels) is still the same task
        assertTrue(MetaTrainingSet.contains(TaskRegistry.renamed(TaskRegistry.get("fmnist8-mlp32"), "x-h1x"), 2000));
        assertFalse(MetaTrainingSet.contains(TaskRegistry.get("fmnist8-mlp32"), 20000));
        assertFalse(MetaTrainingSet.contains(TaskRegistry.get("fmnist8-mlp32-tanh"), 2000));
        assertFalse(MetaTrainingSet.contains(TaskRegistry.get("fmnist-cnn16x32"), 2000));
    }

    @Test
    void oodAxesNameWhatChanged() {
        assertEquals(Map.of(), MetaTrainingSet.describe(TaskRegistry.get("fmnist8-mlp32"), 2000));
        assertEquals(Map.of("activation", "relu -> tanh", "relativeTo", "fmnist8-mlp32"),
                MetaTrainingSet.describe(TaskRegistry.get("fmnist8-mlp32-tanh"), 2000));
        assertEquals(Map.of("hidden", "[32] -> [128]", "relativeTo", "fmnist8-mlp32"),
                MetaTrainingSet.describe(TaskRegistry.get("fmnist8-mlp128"), 1000));
        assertEquals(Map.of("horizon", "x10.0", "relativeTo", "fmnist8-mlp32"),
                MetaTrainingSet.describe(TaskRegistry.get("fmnist8-mlp32"), 20000));
        assertEquals("mlp -> transformer", MetaTrainingSet.describe(TaskRegistry.get("fortunes-tf-w64-d2"), 2000)
                .get("architecture"));
        assertEquals(Map.of("lossScale", "null -> 100.0", "relativeTo", "fmnist8-mlp32"),
                MetaTrainingSet.describe(TaskRegistry.get("fmnist8-mlp32-lossx100"), 2000));
    }
}
