package dev.lobench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The invariant "no shipped learned optimizer diverges within the first 200 steps at default settings", on small
 * tasks of each kind (an 8x8 and a 28x28 MLP, the paper's meta-training task, a deeper MLP, a CNN, a quadratic) and
 * a Fashion-MNIST-shaped synthetic data set written here. {@code experiments/first-200-steps/check.sh} checks every
 * registered task on the real data.
 */
class ShippedFirstStepsTest {
    static final List<String> TASKS = List.of("fmnist8-mlp32", "fmnist-mlp128x128", "fmnist-mlp32", "fmnist8-mlp32x32x32",
            "fmnist8-cnn8x16", "quadratic-d100-k100");

    @Test
    void shippedLearnedOptimizersComplete200StepsOnSmallTasks(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        writeSplit(data, "train", 60_000);
        writeSplit(data, "t10k", 10_000);
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

    /** A Fashion-MNIST-shaped IDX split: images of 28x28 whose pattern depends on the label, plus noise. */
    static void writeSplit(Path dir, String prefix, int n) throws IOException {
        java.util.Random rng = new java.util.Random(prefix.hashCode());
        try (DataOutputStream img = new DataOutputStream(new GZIPOutputStream(new BufferedOutputStream(
                Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte.gz")), 1 << 16)));
             DataOutputStream lab = new DataOutputStream(new GZIPOutputStream(new BufferedOutputStream(
                Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte.gz")))))) {
            img.writeInt(0x00000803);
            img.writeInt(n);
            img.writeInt(28);
            img.writeInt(28);
            lab.writeInt(0x00000801);
            lab.writeInt(n);
            byte[] row = new byte[784];
            for (int i = 0; i < n; i++) {
                int label = rng.nextInt(10);
                for (int j = 0; j < 784; j++) {
                    int y = j / 28;
                    int x = j % 28;
                    // a label-dependent band plus uniform noise, so the classes are learnable but not trivially
                    boolean band = ((x + y * (label % 3 + 1)) / (label + 2)) % 2 == 0;
                    row[j] = (byte) Math.min(255, (band ? 150 : 30) + rng.nextInt(90));
                }
                img.write(row);
                lab.writeByte(label);
            }
        }
    }
}
