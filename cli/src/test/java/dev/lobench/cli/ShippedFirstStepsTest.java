package dev.lobench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lobench.tasks.data.IdxFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The invariant "no shipped learned optimizer diverges within the first 200 steps at default settings", on small
 * tasks of each kind (an 8x8 and a 28x28 MLP, the paper's meta-training task, a deeper MLP, a CNN, a quadratic) and
 * a Fashion-MNIST-shaped synthetic data set ({@code IdxFiles.fashionMnistShaped}).
 * {@code experiments/first-200-steps/check.sh} checks every registered task on the real data.
 */
class ShippedFirstStepsTest {
    static final List<String> TASKS = List.of("fmnist8-mlp32", "fmnist-mlp128x128", "fmnist-mlp32", "fmnist8-mlp32x32x32",
            "fmnist8-cnn8x16", "quadratic-d100-k100");

    @Test
    void shippedLearnedOptimizersComplete200StepsOnSmallTasks(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        IdxFiles.fashionMnistShaped(data);
        Path out = dir.resolve("run");
        CliTest.Result r = CliTest.run("run", "--task", String.join(",", TASKS), "--optimizer",
                "star,small-fc,velo-style", "--seeds", "1", "--steps", "200", "--data-dir", data.toString(),
                "--no-fetch", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        ObjectMapper om = new ObjectMapper();
        List<String> bad = new ArrayList<>();
        int cells = 0;
        for (String line : Files.readAllLines(out.resolve("results.jsonl"))) {
            JsonNode n = om.readTree(line);
            if (!n.path("type").asText().equals("cell")) {
                continue;
            }
            cells++;
            if (!n.path("outcome").asText().equals("completed")) {
                bad.add(n.path("task").asText() + " " + n.path("optimizer").asText() + ": " + n.path("outcome").asText()
                        + " after " + n.path("trainLoss").size() + " steps (" + n.path("outcomeDetail").asText() + ")");
            }
        }
        assertEquals(3 * TASKS.size(), cells);
        assertTrue(bad.isEmpty(), "shipped learned optimizers that did not complete 200 steps: " + bad);
    }
}
