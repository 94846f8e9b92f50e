package dev.lobench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lobench.meta.PopulationBenchmark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lobench meta-bench --json}: one document whose keys follow the camelCase convention of all JSON lobench writes. */
class MetaBenchJsonTest {

    /** Every key of {@code n}, at any depth, as {@code path.key}. */
    static List<String> keys(JsonNode n, String at) {
        List<String> k = new ArrayList<>();
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> {
                k.add(at + e.getKey());
                k.addAll(keys(e.getValue(), at + e.getKey() + "."));
            });
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                k.addAll(keys(n.get(i), at + i + "."));
            }
        }
        return k;
    }

    @Test
    void theJsonDocumentHasCamelCaseKeys(@TempDir Path dir) throws Exception {
        PopulationBenchmark.Numbers star = new PopulationBenchmark.Numbers(1200, 400);
        PopulationBenchmark.Numbers none = new PopulationBenchmark.Numbers(3000, 1000);
        Map<String, Object> doc = MetaBenchCommand.document("fmnist8-mlp32", 16, 200, 50, 3, 2, "Some CPU", "abc123",
                List.of(MetaBenchCommand.row("star", star), MetaBenchCommand.row("none", none)));
        Path f = dir.resolve("sub/bench.json");
        MetaBenchCommand.writeJson(f, doc);
        JsonNode n = new ObjectMapper().readTree(f.toFile());
        List<String> keys = keys(n, "");
        assertTrue(keys.size() > 10, keys.toString());
        for (String k : keys) {
            String last = k.substring(k.lastIndexOf('.') + 1);
            assertTrue(last.matches("[a-z][a-zA-Z0-9]*"), "a camelCase key: " + k);
        }
        assertEquals(16, n.path("innerRuns").asInt());
        assertEquals("Some CPU", n.path("cpuModel").asText());
        assertEquals("abc123", n.path("gitCommit").asText());
        JsonNode r = n.path("results").get(0);
        assertEquals("star", r.path("arch").asText());
        assertEquals(star.batched(), r.path("batchedInnerStepsPerSecond").asDouble());
        assertEquals(star.looped(), r.path("loopedInnerStepsPerSecond").asDouble());
        assertEquals(star.speedup(), r.path("speedup").asDouble());
        assertEquals("none", n.path("results").get(1).path("arch").asText());
    }
}
