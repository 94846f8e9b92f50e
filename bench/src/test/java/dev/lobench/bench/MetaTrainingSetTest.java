package dev.lobench.bench;

import dev.lobench.tasks.TaskRegistry;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetaTrainingSetTest {

    @Test
    void shippedWeightsNameTheirMetaTrainingTaskAndHorizon() {
        // star and small-fc ship with provenance meta_training.task = fmnist8-mlp32, horizon 2000
        assertTrue(MetaTrainingSet.origins().stream().anyMatch(o -> o.optimizer().equals("star")
                && o.task().name().equals("fmnist8-mlp32") && o.horizon() == 2000), MetaTrainingSet.origins().toString());
    }

    @Test
    void inDistributionOnlyOnTheSameTaskWithinTheHorizon() {
        assertTrue(MetaTrainingSet.contains(TaskRegistry.get("fmnist8-mlp32"), 2000));
        assertTrue(MetaTrainingSet.contains(TaskRegistry.get("fmnist8-mlp32"), 500));
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
        assertEquals(Map.of("architecture", "mlp -> transformer", "relativeTo", "fmnist8-mlp32"),
                MetaTrainingSet.describe(TaskRegistry.get("fortunes-tf-w64-d2"), 2000));
        assertEquals(Map.of("lossScale", "null -> 100.0", "relativeTo", "fmnist8-mlp32"),
                MetaTrainingSet.describe(TaskRegistry.get("fmnist8-mlp32-lossx100"), 2000));
    }
}
