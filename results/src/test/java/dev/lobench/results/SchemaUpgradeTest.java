package dev.lobench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schema-1 results (committed runs, baselines' sources) read as schema 2 and report exactly as they did. */
class SchemaUpgradeTest {
    /** A committed schema-1 run with a six-point Adam learning-rate grid and three learned optimizers. */
    static final Path COMMITTED = Path.of("../experiments/meta-training/eval/fmnist-cnn16x32-500/results.jsonl.gz");

    @Test
    void aSchemaOneCellIsReadAsSchemaTwo() throws Exception {
        JsonNode v1 = ResultsJson.mapper().readTree("{\"type\":\"cell\",\"schemaVersion\":1,\"optimizer\":"
                + "\"Adam(lr=0.003)\",\"optimizerParams\":{\"lr\":\"0.003\",\"eps\":\"1e-8\",\"warmup\":\"0\","
                + "\"schedule\":\"constant\",\"steps\":\"auto\",\"weights\":\"init:0\",\"flag\":\"true\",\"n\":2}}");
        JsonNode v2 = Schema.upgradeCell(v1);
        assertEquals(2, v2.get("schemaVersion").asInt());
        assertEquals("adam", v2.get("optimizerBase").asText());
        assertTrue(v2.get("tunedGroup").isNull());
        JsonNode p = v2.get("optimizerParams");
        assertTrue(p.get("lr").isDouble() && p.get("lr").asDouble() == 0.003, p.toString());
        assertTrue(p.get("eps").isDouble() && p.get("eps").asDouble() == 1e-8, p.toString());
        assertTrue(p.get("warmup").isIntegralNumber(), p.toString());
        assertTrue(p.get("flag").isBoolean() && p.get("flag").asBoolean(), p.toString());
        assertEquals("constant", p.get("schedule").asText());
        assertEquals("auto", p.get("steps").asText());
        assertEquals("init:0", p.get("weights").asText());
        assertEquals(2, p.get("n").asInt());
        assertEquals(1, v1.get("schemaVersion").asInt(), "the node read is not changed");
        JsonNode later = ResultsJson.mapper().readTree("{\"type\":\"cell\",\"schemaVersion\":2,\"optimizer\":\"x\"}");
        assertTrue(later == Schema.upgradeCell(later), "a schema-2 cell is read as it is");
    }

    @Test
    void aCommittedSchemaOneRunReportsIdenticallyAfterConversionToSchemaTwo(@TempDir Path tmp) throws Exception {
        assertTrue(Files.isRegularFile(COMMITTED), COMMITTED.toAbsolutePath().toString());
        assertTrue(rawCells(COMMITTED).stream().allMatch(c -> c.get("schemaVersion").asInt() == 1
                && !c.has("optimizerBase") && (c.get("optimizerParams").get("lr") == null
                        || c.get("optimizerParams").get("lr").isTextual())), "the committed run is schema 1");
        ResultsFile v1 = ResultStore.read(COMMITTED);
        Path converted = tmp.resolve("results.jsonl");
        try (ResultWriter w = ResultWriter.create(converted, v1.header())) {
            for (CellRecord c : v1.cells()) {
                w.writeCell(c);
            }
            w.writeEnd(v1.end().endTime());
        }
        // the converted file is schema 2 on disk: base names, typed learning rates
        List<JsonNode> raw = rawCells(converted);
        assertEquals(v1.cells().size(), raw.size());
        int adam = 0;
        for (JsonNode c : raw) {
            assertEquals(Schema.VERSION, c.get("schemaVersion").asInt());
            assertTrue(c.get("optimizerBase").isTextual(), c.toString());
            if (c.get("optimizerBase").asText().equals("adam")) {
                adam++;
                assertTrue(c.get("optimizerParams").get("lr").isNumber(), c.get("optimizerParams").toString());
            }
        }
        assertEquals(18, adam, "six learning rates x three seeds of Adam");
        ResultsFile v2 = ResultStore.read(converted);
        assertTrue(v1.cells().equals(v2.cells()), "the cells read from either file are equal");
        for (FullReport.Format f : FullReport.Format.values()) {
            String before = FullReport.render(v1.header(), v1.cells(), f);
            String after = FullReport.render(v2.header(), v2.cells(), f);
            assertEquals(before, after, f.toString());
        }
        assertEquals(FullReport.csvTables(v1.cells()), FullReport.csvTables(v2.cells()));
        // the Adam reference and the speedup envelope are found from the typed fields of both
        String md = FullReport.render(v2.header(), v2.cells(), FullReport.Format.MARKDOWN);
        assertTrue(md.contains("× Adam"), md);
        Speedup.Envelope e = Speedup.envelope(v2.cells().stream().filter(c -> c.task().equals(v2.cells().get(0)
                .task())).toList());
        assertEquals(6, e.learningRates().size(), e.learningRates().toString());
        assertFalse(e.learningRates().contains(-1.0));
    }

    @Test
    void schemaTwoWritesTypedParameters(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("r.jsonl");
        CellRecord c = TestCells.cell("t", "adam(lr=0.01)", 0, 3, Outcome.completed, new float[] {3, 2, 1},
                List.of(), TestCells.timing(1, 0.5));
        c = TestCells.withParam(TestCells.withParam(c, "lr", 0.01), "amsgrad", false);
        c = new CellRecord(c.type(), c.schemaVersion(), c.cellKey(), c.task(), c.taskFamily(), c.taskParams(),
                c.inMetaTrainingSet(), c.optimizer(), c.optimizerBase(), c.optimizerParams(), "adam-tuned",
                c.seed(), c.steps(), c.numParams(), c.outcome(), c.outcomeDetail(), c.initialLoss(), c.trainLoss(),
                c.evals(), c.timing(), c.meta());
        try (ResultWriter w = ResultWriter.create(f, TestCells.header("r"))) {
            w.writeCell(c);
        }
        JsonNode raw = rawCells(f).get(0);
        assertEquals(0.01, raw.get("optimizerParams").get("lr").doubleValue());
        assertTrue(raw.get("optimizerParams").get("amsgrad").isBoolean());
        assertEquals("adam", raw.get("optimizerBase").asText());
        assertEquals("adam-tuned", raw.get("tunedGroup").asText());
        CellRecord back = ResultStore.read(f).cells().get(0);
        assertEquals(c, back);
        assertEquals(Map.of("lr", 0.01, "amsgrad", false, "name", "adam(lr=0.01)"), back.optimizerParams());
        assertNull(TestCells.cell("t", "sgd", 0, 1, Outcome.completed, new float[] {1}, List.of(), null).tunedGroup());
    }

    @Test
    void aCellWithoutItsBaseNameIsRefused(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("r.jsonl");
        CellRecord c = TestCells.cell("t", "sgd", 0, 1, Outcome.completed, new float[] {1}, List.of(),
                TestCells.timing(1, 0.5));
        try (ResultWriter w = ResultWriter.create(f, TestCells.header("r"))) {
            w.writeCell(c);
        }
        String text = Files.readString(f).replace("\"optimizerBase\":\"sgd\",", "");
        Files.writeString(f, text);
        ResultsError e = org.junit.jupiter.api.Assertions.assertThrows(ResultsError.class, () -> ResultStore.read(f));
        assertTrue(e.getMessage().contains("optimizerBase"), e.getMessage());
    }

    @Test
    void aSchemaOneCellAndItsSchemaTwoRerunMeasureTheSame() {
        CellRecord v2 = TestCells.withParam(TestCells.withParam(TestCells.cell("t", "adam(lr=0.001)", 0, 2,
                Outcome.completed, new float[] {2, 1}, List.of(), TestCells.timing(1, 0.5)), "lr", 0.001), "wd", 0.0);
        // schema 1 wrote the default "0", read back as the whole number 0
        CellRecord v1 = TestCells.withParam(v2, "wd", 0);
        assertNull(ResultStore.resultDifference(v1, v2));
        assertEquals("optimizerParams", ResultStore.resultDifference(TestCells.withParam(v2, "wd", 0.1), v2));
        assertEquals("optimizerParams", ResultStore.resultDifference(TestCells.withParam(v2, "wd", "0"), v2));
    }

    static List<JsonNode> rawCells(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(JsonLines.open(file),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode n = ResultsJson.mapper().readTree(line);
                if (n.path("type").asText().equals("cell")) {
                    out.add(n);
                }
            }
        }
        return out;
    }
}
