package dev.lobench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.lobench.meta.BatchedMlpProblem;
import dev.lobench.meta.LearnedMetaArch;
import dev.lobench.meta.MetaTrainer;
import dev.lobench.meta.SafetensorsThetaSink;
import dev.lobench.optimizers.learned.Arch;
import dev.lobench.results.JsonLines;
import dev.lobench.results.OverheadRecord;
import dev.lobench.results.OverheadStore;
import dev.lobench.results.RunHeader;
import dev.lobench.results.Schema;
import dev.lobench.results.StabilityRecord;
import dev.lobench.results.StabilityStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every record type lobench writes has a JSON Schema in docs/schemas/, and the records lobench's own code paths
 * write (the CLI in-process, the meta-trainer, the writer classes) and the records committed under experiments/
 * and ci/baselines/ are valid against it; broken records are not.
 */
class RecordSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    // ---------------------------------------------------------------- the schemas themselves

    /** Keywords the schemas may use: anything else is a typo that would silently not constrain. */
    private static final Set<String> KEYWORDS = Set.of("$schema", "$id", "$ref", "$defs", "title", "description",
            "type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems", "const", "enum",
            "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "pattern", "format", "minLength", "if",
            "then", "else", "oneOf", "allOf", "not");

    @Test
    void everySchemaIsDraft202012WithARelativeIdAndIsUsed() throws IOException {
        List<String> names = RecordSchemas.names();
        Set<String> used = new TreeSet<>(RecordSchemas.BY_TYPE.values());
        used.add(RecordSchemas.META_LOG);
        used.add(RecordSchemas.BASELINE);
        assertEquals(List.copyOf(used), names, "schemas in docs/schemas vs the record types validated here");
        SchemaRegistry meta = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        var metaSchema = meta.getSchema(SchemaLocation.of(RecordSchemas.DIALECT));
        for (String n : names) {
            JsonNode s = RecordSchemas.tree(n);
            assertEquals(RecordSchemas.DIALECT, s.path("$schema").asText(), n);
            assertEquals(n + ".schema.json", s.path("$id").asText(), n + ": $id is the relative file name");
            assertEquals("object", s.path("type").asText(), n);
            assertTrue(s.has("additionalProperties") || everyBranchStatesIt(s),
                    n + ": states its additionalProperties policy (itself, or in each of its oneOf branches)");
            assertEquals(List.of(), metaSchema.validate(Files.readString(RecordSchemas.file(n)), InputFormat.JSON)
                    .stream().map(Object::toString).toList(), n + " against the 2020-12 meta-schema");
            checkKeywords(s, n);
            RecordSchemas.schema(n); // loads, $refs resolve
        }
    }

    /** The fields and constants of the schemas are those of the Java types the writers serialise. */
    @Test
    void schemasMatchTheJavaRecordsAndConstants() {
        Map<String, Class<?>> closed = new java.util.LinkedHashMap<>();
        closed.put("header", RunHeader.class);
        closed.put("cell", dev.lobench.results.CellRecord.class);
        closed.put("cell#/$defs/evalPoint", dev.lobench.results.EvalPoint.class);
        closed.put("cell#/$defs/timing", dev.lobench.results.Timing.class);
        closed.put("end", dev.lobench.results.EndRecord.class);
        closed.put("overhead", OverheadRecord.class);
        closed.put("stability", StabilityRecord.class);
        closed.put("stability-header#/properties/settings", dev.lobench.bench.stability.StabilityRunner.Settings.class);
        closed.put("baseline", dev.lobench.ci.Baseline.class);
        closed.put("baseline#/$defs/machine", dev.lobench.ci.Baseline.Machine.class);
        closed.put("baseline#/$defs/entry", dev.lobench.ci.Baseline.Entry.class);
        closed.put("baseline#/$defs/seed", dev.lobench.ci.Baseline.Seed.class);
        for (Map.Entry<String, Class<?>> e : closed.entrySet()) {
            String[] at = e.getKey().split("#");
            JsonNode s = RecordSchemas.tree(at[0]).at(at.length > 1 ? at[1] : "");
            Set<String> props = new TreeSet<>();
            s.path("properties").fieldNames().forEachRemaining(props::add);
            Set<String> components = new TreeSet<>();
            for (var c : e.getValue().getRecordComponents()) {
                components.add(c.getName());
            }
            assertEquals(components, props, e.getKey() + " vs " + e.getValue().getName());
            assertFalse(s.path("additionalProperties").asBoolean(true), e.getKey() + ": a closed field set");
        }
        List<String> outcomes = Stream.of(dev.lobench.results.Outcome.values()).map(Enum::name).toList();
        assertEquals(outcomes, strings(RecordSchemas.tree("cell").at("/properties/outcome/enum")));
        assertEquals(outcomes, strings(RecordSchemas.tree("baseline").at("/$defs/seed/properties/outcome/enum")));
        assertEquals(List.of(OverheadRecord.OPTIMIZER_ONLY, OverheadRecord.FULL_STEP, OverheadRecord.CALIBRATION),
                strings(RecordSchemas.tree("overhead").at("/properties/kind/enum")));
        // the meta-training log: the keys MetaTrainer writes now (camelCase) and those of older logs (snake_case)
        Set<String> camel = new TreeSet<>();
        Set<String> snake = new TreeSet<>();
        for (dev.lobench.meta.MetaLogKey k : dev.lobench.meta.MetaLogKey.values()) {
            camel.add(k.camelCase);
            snake.add(k.snakeCase);
        }
        Set<String> step = new TreeSet<>();
        RecordSchemas.tree(RecordSchemas.META_LOG).at("/$defs/step/properties").fieldNames().forEachRemaining(step::add);
        assertEquals(camel, step, "meta-training-step#/$defs/step vs MetaLogKey");
        Set<String> old = new TreeSet<>();
        RecordSchemas.tree(RecordSchemas.META_LOG).at("/$defs/snakeCaseStep/properties").fieldNames()
                .forEachRemaining(old::add);
        assertEquals(snake, old, "meta-training-step#/$defs/snakeCaseStep vs MetaLogKey");
        for (String k : camel) {
            assertTrue(k.matches("[a-z][A-Za-z0-9]*"), "camelCase: " + k);
        }
        Map<String, String> types = Map.of("header", RunHeader.TYPE, "cell", dev.lobench.results.CellRecord.TYPE,
                "end", dev.lobench.results.EndRecord.TYPE, "overhead", OverheadRecord.TYPE, "stability",
                StabilityRecord.TYPE, "stability-header", StabilityRecord.HEADER_TYPE);
        types.forEach((schema, type) -> assertEquals(type,
                RecordSchemas.tree(schema).at("/properties/type/const").asText(), schema));
        Map<String, Integer> versions = Map.of("overhead", OverheadRecord.SCHEMA_VERSION, "stability-header",
                StabilityStore.SCHEMA_VERSION, "baseline", dev.lobench.ci.Baseline.SCHEMA_VERSION);
        versions.forEach((schema, v) -> assertEquals(v.intValue(),
                RecordSchemas.tree(schema).at("/properties/schemaVersion/const").asInt(-1), schema));
        // results files: every version a reader accepts, the newest the one written
        for (String schema : List.of("header", "cell")) {
            List<Integer> accepted = new java.util.ArrayList<>();
            RecordSchemas.tree(schema).at("/properties/schemaVersion/enum").forEach(x -> accepted.add(x.asInt()));
            assertEquals(java.util.stream.IntStream.rangeClosed(Schema.OLDEST_READ, Schema.VERSION).boxed().toList(),
                    accepted, schema);
        }
    }

    /** A schema that is a oneOf of {@code $defs} entries, each of which states its additionalProperties policy. */
    private static boolean everyBranchStatesIt(JsonNode s) {
        if (!s.path("oneOf").isArray() || s.path("oneOf").isEmpty()) {
            return false;
        }
        for (JsonNode b : s.path("oneOf")) {
            String ref = b.path("$ref").asText();
            if (!ref.startsWith("#/") || !s.at(ref.substring(1)).has("additionalProperties")) {
                return false;
            }
        }
        return true;
    }

    private static List<String> strings(JsonNode array) {
        List<String> l = new java.util.ArrayList<>();
        array.forEach(x -> l.add(x.asText()));
        return l;
    }

    /** Walks the subschemas of {@code s} (not the names under properties/$defs) and checks their keywords. */
    private static void checkKeywords(JsonNode s, String at) {
        if (!s.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            assertTrue(KEYWORDS.contains(k), at + ": unknown keyword '" + k + "'");
            switch (k) {
                case "properties", "$defs" -> e.getValue().fields()
                        .forEachRemaining(p -> checkKeywords(p.getValue(), at + "/" + k + "/" + p.getKey()));
                case "items", "additionalProperties", "if", "then", "else", "not" -> checkKeywords(e.getValue(),
                        at + "/" + k);
                case "oneOf", "allOf" -> e.getValue().forEach(x -> checkKeywords(x, at + "/" + k));
                default -> { }
            }
        }
    }

    // ---------------------------------------------------------------- records written by lobench now

    @Test
    void runMergeAndCiBaselineWriteValidRecords(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a");
        // sgd at lr 1000 diverges on the quadratic at once: a cell with an outcome detail
        CliTest.Result r = CliTest.run("run", "--task", "quadratic-d100-k100", "--optimizer", "adam,sgd:lr=1000",
                "--steps", "5", "--out", a.toString());
        assertEquals(0, r.code(), r.err());
        Path results = a.resolve("results.jsonl");
        assertEquals(List.of("header", "cell", "cell", "end"), RecordSchemas.assertFileValid(results));
        List<String> lines = Files.readAllLines(results);
        assertTrue(lines.get(1).contains("\"outcome\":\"completed\""), lines.get(1));
        assertTrue(lines.get(2).contains("\"outcome\":\"diverged\""), lines.get(2));
        // schema 2: the base name and typed parameters, as pandas should see them
        JsonNode adam = dev.lobench.results.ResultsJson.mapper().readTree(lines.get(1));
        assertEquals(Schema.VERSION, adam.get("schemaVersion").asInt());
        assertEquals("adam", adam.get("optimizerBase").asText());
        assertEquals(0.001, adam.get("optimizerParams").get("lr").doubleValue(), 0);
        assertTrue(adam.get("optimizerParams").get("lr").isNumber(), adam.get("optimizerParams").toString());
        assertTrue(adam.get("tunedGroup").isNull());

        Path b = dir.resolve("b");
        assertEquals(0, CliTest.run("run", "--task", "quadratic-d100-k100", "--optimizer", "sgdm", "--steps", "5",
                "--out", b.toString()).code());
        Path merged = dir.resolve("m");
        CliTest.Result m = CliTest.run("merge", a.toString(), b.toString(), "--out", merged.toString());
        assertEquals(0, m.code(), m.err());
        Path mergedFile = merged.resolve("results.jsonl");
        assertEquals(List.of("header", "cell", "cell", "cell", "end"), RecordSchemas.assertFileValid(mergedFile));
        assertTrue(Files.readAllLines(mergedFile).get(0).contains("\"mergedFrom\""));

        Path base = dir.resolve("baseline.json");
        CliTest.Result ci = CliTest.run("ci", "baseline", a.toString(), "--out", base.toString());
        assertEquals(0, ci.code(), ci.err());
        String json = Files.readString(base);
        RecordSchemas.assertValid(RecordSchemas.BASELINE, json, base.toString());
        JsonNode entries = JSON.readTree(json).path("entries");
        assertEquals(2, entries.size());
        for (JsonNode e : entries) {
            // optional in the schema (older baselines lack them), always written now
            assertTrue(e.path("steps").isInt() && e.path("taskDefinition").isTextual(), e.toString());
        }
        assertTrue(json.contains("\"outcome\" : \"diverged\""), json);
    }

    @Test
    void stabilityWritesValidRecords(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("stab");
        CliTest.Result r = CliTest.run("stability", "--optimizer", "sgd:lr=0.1", "--curvature", "1,30", "--steps", "200",
                "--burn-in", "20", "--probes", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Path file = out.resolve(StabilityRecord.FILE);
        assertEquals(List.of("stability-header", "stability", "stability"), RecordSchemas.assertFileValid(file));
        List<StabilityRecord> recs = StabilityStore.read(file).records();
        assertEquals("completed", recs.get(0).outcome());
        assertEquals("diverged", recs.get(1).outcome(), "sgd(lr=0.1) at h = 30: |1 - 3| > 1");

        // a burn-in that diverged into a non-finite Jacobian: NaN eigenvalues and radius (written as null)
        StabilityRecord nan = new StabilityRecord(StabilityRecord.TYPE, "sgd(lr=10)", "sgd(lr=10)", 30, 1, 1,
                Double.NaN, Double.NaN, Double.NaN, new double[][] {{Double.NaN, Double.NaN}}, 1, 3, true, 1e-3, false,
                20, "diverged", "non-finite loss after step 2", 2, 1.5, Double.NaN, Double.NaN, 15);
        Path f2 = dir.resolve("nan").resolve(StabilityRecord.FILE);
        StabilityStore.write(f2, Map.of("command", List.of("lobench", "stability"), "lobenchVersion", "0.1.0",
                "gitCommit", "unknown", "createdAt", "2026-01-01T00:00:00Z", "curvatures", new double[] {30},
                "settings", new dev.lobench.bench.stability.StabilityRunner.Settings(1, 1, 20, 5, 1, 1e-3, 1e-3, 0)),
                List.of(nan));
        assertEquals(List.of("stability-header", "stability"), RecordSchemas.assertFileValid(f2));
    }

    @Test
    void overheadWritesValidRecords(@TempDir Path dir) throws IOException {
        // the smallest real run: JMH in this JVM (--forks 0), --quick iterations, one synthetic task, one optimizer
        // (about 10 s: two calibration benchmarks and one optimizer-only benchmark)
        Path out = dir.resolve("ovh");
        CliTest.Result r = CliTest.run("overhead", "--quick", "--forks", "0", "--threads", "1", "--tasks",
                "synthetic-10k", "--optimizers", "adam", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Path file = out.resolve(OverheadStore.FILE_NAME);
        assertEquals(List.of("header", "overhead", "overhead", "overhead", "end"), RecordSchemas.assertFileValid(file));

        // a benchmark without a result: the record the runner writes then (status error, times null)
        RunHeader h = OverheadStore.read(file).header();
        OverheadStore.Writer w = OverheadStore.create(dir.resolve("err"), h);
        w.write(new OverheadRecord(OverheadRecord.TYPE, OverheadRecord.SCHEMA_VERSION, OverheadRecord.FULL_STEP, "fmnist8-mlp32",
                "adam", "adam(lr=0.001)", "cpu", 1, 2410, Double.NaN, Double.NaN, Double.NaN, 0, 0, 19280, 0, "error",
                "benchmark produced no result (see jmh.log)"));
        w.end("2026-01-01T00:00:00Z");
        assertEquals(List.of("header", "overhead", "end"), RecordSchemas.assertFileValid(w.file()));
    }

    @Test
    void metaTrainingWritesAValidLog(@TempDir Path dir) throws IOException {
        // a synthetic classification problem (as the optimizers module's meta-training tests use)
        Random rng = new Random(9);
        int n = 64;
        int dim = 6;
        int classes = 3;
        float[] x = new float[n * dim];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(classes);
            for (int k = 0; k < dim; k++) {
                x[i * dim + k] = (float) (rng.nextGaussian() + (k % classes == y[i] ? 1 : 0));
            }
        }
        BatchedMlpProblem problem = new BatchedMlpProblem("synthetic", x, y, dim, classes, new int[] {5}, 8);
        Path out = dir.resolve("w.safetensors");
        java.util.function.IntFunction<MetaTrainer.Builder> cfg = steps -> MetaTrainer
                .builder(new LearnedMetaArch(Arch.STAR, 1), problem, out).particles(2).trunc(4).horizon(10)
                .outerSteps(steps).sigma(0.01).metaLr(1e-3).seed(11).checkpointEvery(3);
        MetaTrainer.Config c3 = cfg.apply(3).build();
        MetaTrainer.run(c3, new SafetensorsThetaSink(c3, "synthetic", "abc"), null);
        // resume from the light checkpoint only: step 4 carries inner_runs_restarted
        Files.delete(c3.checkpointPath());
        MetaTrainer.Config c5 = cfg.apply(5).resume(true).build();
        MetaTrainer.run(c5, new SafetensorsThetaSink(c5, "synthetic", "abc"), null);

        Path log = c5.logPath();
        assertEquals(5, RecordSchemas.assertMetaLogValid(log));
        List<String> lines = Files.readAllLines(log);
        assertTrue(lines.get(3).contains("\"innerRunsRestarted\":true"), lines.get(3));
        for (String l : lines) {
            // only the camelCase branch: a new log is never written in the convention of older ones
            RecordSchemas.assertValid(RecordSchemas.META_LOG_STEP, l, "camelCase line " + l);
        }
        // a log that an older lobench began (snake_case keys) resumed by this one: still valid, in snake_case
        List<String> older = new java.util.ArrayList<>();
        for (String l : lines) {
            ObjectNode o = JSON.createObjectNode();
            JSON.readTree(l).fields().forEachRemaining(e -> o.set(
                    e.getKey().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT)
                            .replace("wall_seconds", "wall_s"), e.getValue()));
            older.add(o.toString());
        }
        Files.write(log, older);
        MetaTrainer.Config c7 = cfg.apply(7).resume(true).build();
        MetaTrainer.run(c7, new SafetensorsThetaSink(c7, "synthetic", "abc"), null);
        assertEquals(7, RecordSchemas.assertMetaLogValid(log));
        List<String> resumed = Files.readAllLines(log);
        assertTrue(resumed.get(6).startsWith("{\"outer_step\":7,\"meta_loss\":"), resumed.get(6));
        RecordSchemas.assertInvalid(RecordSchemas.META_LOG_STEP, resumed.get(6), "not the camelCase branch");
    }

    // ---------------------------------------------------------------- records committed to the repository

    private static final long MAX_BYTES = 1 << 20;

    @Test
    void committedRecordsAreValid() throws IOException {
        Path root = SelfContainedDocsTest.repositoryRoot();
        Map<String, Integer> count = new java.util.TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(root.resolve("experiments"))) {
            files = s.filter(Files::isRegularFile).filter(JsonLines::isJsonLines).sorted().toList();
        }
        for (Path f : files) {
            if (Files.size(f) > MAX_BYTES) {
                continue; // a sample: the large result files take long to validate and are written the same way
            }
            String name = JsonLines.plainName(f);
            if (name.endsWith(".safetensors.jsonl")) {
                RecordSchemas.assertMetaLogValid(f);
                count.merge("meta-training log", 1, Integer::sum);
            } else if (name.equals("results.jsonl") || name.equals(OverheadStore.FILE_NAME)
                    || name.equals(StabilityRecord.FILE)) {
                RecordSchemas.assertFileValid(f);
                count.merge(name, 1, Integer::sum);
            } else {
                throw new AssertionError(root.relativize(f) + ": a committed JSON Lines file of no known kind");
            }
        }
        try (Stream<Path> s = Files.list(root.resolve("ci/baselines"))) {
            for (Path f : s.filter(p -> p.toString().endsWith(".json")).toList()) {
                RecordSchemas.assertValid(RecordSchemas.BASELINE, Files.readString(f), f.toString());
                count.merge("baseline", 1, Integer::sum);
            }
        }
        assertEquals(Set.of("baseline", "meta-training log", "overhead.jsonl", "results.jsonl", "stability.jsonl"),
                count.keySet(), count.toString());
    }

    // ---------------------------------------------------------------- broken records are rejected

    /** The first record of {@code type} in a committed file: a real record to break. */
    private static ObjectNode committed(String file, String type) throws IOException {
        for (String l : JsonLines.readAllLines(SelfContainedDocsTest.repositoryRoot().resolve(file))) {
            ObjectNode n = (ObjectNode) JSON.readTree(l);
            if (type == null || type.equals(n.path("type").asText())) {
                return n;
            }
        }
        throw new AssertionError(file + " has no " + type + " record");
    }

    @FunctionalInterface
    interface Edit {
        void apply(ObjectNode n) throws IOException;
    }

    /** Asserts {@code base} is valid and each edited copy is not. */
    private static void assertRejects(String schema, ObjectNode base, Map<String, Edit> edits) throws IOException {
        RecordSchemas.assertValid(schema, base.toString(), "unbroken " + schema);
        for (Map.Entry<String, Edit> e : edits.entrySet()) {
            ObjectNode broken = base.deepCopy();
            e.getValue().apply(broken);
            RecordSchemas.assertInvalid(schema, broken.toString(), e.getKey());
        }
    }

    private static final String RESULTS = "experiments/meta-training/eval/fmnist8-mlp32-2000/results.jsonl.gz";

    @Test
    void brokenRecordsAreRejected() throws IOException {
        assertRejects("header", committed(RESULTS, "header"), Map.of(
                "no runId", n -> n.remove("runId"),
                "threads as a string", n -> n.put("threads", "2"),
                "a newer schemaVersion", n -> n.put("schemaVersion", Schema.VERSION + 1),
                "a startTime that is no date-time", n -> n.put("startTime", "yesterday"),
                "an undocumented field", n -> n.put("host", "x")));
        ObjectNode cell = committed(RESULTS, "cell");
        assertEquals("completed", cell.path("outcome").asText());
        assertRejects("cell", cell, Map.of(
                "no outcome", n -> n.remove("outcome"),
                "an unknown outcome", n -> n.put("outcome", "exploded").put("outcomeDetail", "boom"),
                "a loss as a string", n -> ((ArrayNode) n.get("trainLoss")).set(0, "NaN"),
                "a completed cell with a detail", n -> n.put("outcomeDetail", "why"),
                "a diverged cell without a detail", n -> n.put("outcome", "diverged"),
                "a timing without warmupSteps", n -> ((ObjectNode) n.get("timing")).remove("warmupSteps"),
                "an eval step as a string", n -> ((ObjectNode) n.get("evals").get(0)).put("step", "0"),
                "a cell key that is no hash", n -> n.put("cellKey", "t1|adam"),
                "a schema-1 optimizer parameter as a number", n -> ((ObjectNode) n.get("optimizerParams")).put("lr", 0.1),
                "a schema-1 cell with a base name", n -> n.put("optimizerBase", "adam")));
        // the same cell as schema 2 (as the reader upgrades it): typed parameters, base name and tuned group
        ObjectNode cell2 = (ObjectNode) Schema.upgradeCell(cell);
        assertEquals(2, cell2.get("schemaVersion").asInt());
        assertRejects("cell", cell2, Map.of(
                "no optimizerBase", n -> n.remove("optimizerBase"),
                "no tunedGroup", n -> n.remove("tunedGroup"),
                "an empty optimizerBase", n -> n.put("optimizerBase", ""),
                "a parameter as an object", n -> ((ObjectNode) n.get("optimizerParams")).putObject("lr"),
                "a tuned group as a number", n -> n.put("tunedGroup", 3),
                "a newer schemaVersion", n -> n.put("schemaVersion", Schema.VERSION + 1)));
        assertRejects("end", committed(RESULTS, "end"), Map.of(
                "no endTime", n -> n.remove("endTime"),
                "a negative cell count", n -> n.put("cells", -1),
                "a schemaVersion (the end record has none)", n -> n.put("schemaVersion", 1)));
        String overhead = "experiments/overhead-quick/overhead.jsonl.gz";
        assertRejects("overhead", committed(overhead, "overhead"), Map.of(
                "an unknown kind", n -> n.put("kind", "end-to-end"),
                "status ok without a median", n -> n.putNull("medianMs"),
                "status error with times", n -> n.put("status", "error").put("detail", "failed"),
                "fractional samples", n -> n.put("samples", 1.5),
                "no detail", n -> n.remove("detail")));
        String stability = "experiments/stability/default/stability.jsonl.gz";
        assertRejects("stability-header", committed(stability, "stability-header"), Map.of(
                "an undocumented setting", n -> ((ObjectNode) n.get("settings")).put("extra", 1),
                "no curvatures", n -> n.putArray("curvatures"),
                "schemaVersion as a string", n -> n.put("schemaVersion", "1")));
        assertRejects("stability", committed(stability, "stability"), Map.of(
                "eigenvalues as \"NaN\" strings (the writer before this schema)",
                    n -> n.putArray("eigenvalues").addArray().add("NaN").add("NaN"),
                "an eigenvalue without its imaginary part", n -> n.putArray("eigenvalues").addArray().add(0.5),
                "a completed run with a divergence step", n -> n.put("divergedAtStep", 5),
                "no noiseFloor", n -> n.remove("noiseFloor")));
        String log = "experiments/meta-training/runs/star/star.safetensors.jsonl.gz";
        ObjectNode snakeCase = committed(log, null);
        assertRejects(RecordSchemas.META_LOG, snakeCase, Map.of(
                "outer step 0", n -> n.put("outer_step", 0),
                "meta_loss as the string NaN", n -> n.put("meta_loss", "NaN"),
                "no wall_s", n -> n.remove("wall_s"),
                "inner_runs_restarted false (written only as true)", n -> n.put("inner_runs_restarted", false),
                "an undocumented field", n -> n.put("lr", 0.1),
                "a camelCase key beside the snake_case ones", n -> n.put("innerRunsRestarted", true),
                "a camelCase wallSeconds for wall_s", n -> n.put("wallSeconds", n.remove("wall_s"))));
        // the same line as lobench writes it now
        ObjectNode camelCase = JSON.createObjectNode();
        for (dev.lobench.meta.MetaLogKey k : dev.lobench.meta.MetaLogKey.values()) {
            if (snakeCase.has(k.snakeCase)) {
                camelCase.set(k.camelCase, snakeCase.get(k.snakeCase));
            }
        }
        camelCase.put("dropped", 0);
        assertRejects(RecordSchemas.META_LOG, camelCase, Map.of(
                "outer step 0", n -> n.put("outerStep", 0),
                "metaLoss as the string NaN", n -> n.put("metaLoss", "NaN"),
                "no dropped (always written in camelCase)", n -> n.remove("dropped"),
                "no wallSeconds", n -> n.remove("wallSeconds"),
                "a snake_case key beside the camelCase ones", n -> n.put("inner_steps", 3),
                "wall_s for wallSeconds", n -> n.put("wall_s", n.remove("wallSeconds"))));
        ObjectNode baseline = (ObjectNode) JSON.readTree(SelfContainedDocsTest.repositoryRoot()
                .resolve("ci/baselines/smoke.json").toFile());
        assertRejects(RecordSchemas.BASELINE, baseline, Map.of(
                "no entries", n -> n.putArray("entries"),
                "an entry without a task", n -> ((ObjectNode) n.get("entries").get(0)).remove("task"),
                "a diverged seed with a final loss", n -> ((ObjectNode) n.get("entries").get(0).get("seeds").get(0))
                        .put("outcome", "diverged"),
                "threads as a string", n -> ((ObjectNode) n.get("machine")).put("threads", "2"),
                "steps as a string", n -> ((ObjectNode) n.get("entries").get(0)).put("steps", "150")));
    }
}
