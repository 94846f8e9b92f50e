package dev.lobench.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.lobench.results.JsonLines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The JSON Schemas of lobench's records ({@code docs/schemas/NAME.schema.json}, draft 2020-12) and validation of
 * JSON text against them with networknt's json-schema-validator, formats ({@code date-time}, {@code uuid})
 * asserted.
 */
final class RecordSchemas {
    static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

    /** Schema name for each results-file record {@code type} (the meta-training log and the baseline have none). */
    static final Map<String, String> BY_TYPE = Map.of("header", "header", "cell", "cell", "end", "end",
            "overhead", "overhead", "stability-header", "stability-header", "stability", "stability");
    static final String META_LOG = "meta-training-step";
    /** The camelCase branch of {@link #META_LOG} alone: a line as lobench writes a new log. */
    static final String META_LOG_STEP = META_LOG + "#/$defs/step";
    static final String BASELINE = "baseline";

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    private static final Map<String, Schema> CACHE = new ConcurrentHashMap<>();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private RecordSchemas() {}

    static Path dir() {
        return SelfContainedDocsTest.repositoryRoot().resolve("docs/schemas");
    }

    static Path file(String name) {
        return dir().resolve(name + ".schema.json");
    }

    /** The names of all schema files in docs/schemas, sorted. */
    static List<String> names() {
        try (Stream<Path> s = Files.list(dir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".schema.json"))
                    .map(n -> n.substring(0, n.length() - ".schema.json".length())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static com.fasterxml.jackson.databind.JsonNode tree(String name) {
        try {
            return JSON.readTree(file(name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The schema {@code name}: a file's, or with {@code #/pointer} a part of it that has no {@code $ref} (e.g.
     * {@link #META_LOG_STEP}), standing alone.
     */
    static Schema schema(String name) {
        return CACHE.computeIfAbsent(name, n -> {
            if (n.contains("#")) {
                String[] at = n.split("#", 2);
                com.fasterxml.jackson.databind.JsonNode part = tree(at[0]).at(at[1]);
                if (!part.isObject() || part.toString().contains("\"$ref\"")) {
                    throw new IllegalArgumentException(n + ": no object without $ref there");
                }
                com.fasterxml.jackson.databind.node.ObjectNode alone =
                        ((com.fasterxml.jackson.databind.node.ObjectNode) part.deepCopy()).put("$schema", DIALECT);
                String uri = file(at[0]).toUri().toString().replace(".schema.json",
                        at[1].replace('/', '.').replace("$", "") + ".schema.json");
                return REGISTRY.getSchema(SchemaLocation.of(uri), alone.toString(), InputFormat.JSON);
            }
            Path f = file(n);
            try {
                return REGISTRY.getSchema(SchemaLocation.of(f.toUri().toString()),
                        Files.readString(f, StandardCharsets.UTF_8), InputFormat.JSON);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Validation errors of {@code json} against schema {@code name} (empty when valid). */
    static List<String> errors(String name, String json) {
        return schema(name).validate(json, InputFormat.JSON).stream().map(Object::toString).toList();
    }

    static void assertValid(String name, String json, String where) {
        List<String> e = errors(name, json);
        if (!e.isEmpty()) {
            fail(where + ": not valid against " + name + ".schema.json: " + e + "\n  record: " + abbreviate(json));
        }
    }

    static void assertInvalid(String name, String json, String why) {
        assertFalse(errors(name, json).isEmpty(), name + ".schema.json accepts a record with " + why + ": "
                + abbreviate(json));
    }

    /** The schema a results-type line needs, by its {@code type}; fails on an unknown type. */
    static String forLine(String json, String where) {
        String type;
        try {
            type = JSON.readTree(json).path("type").asText("");
        } catch (IOException e) {
            throw new AssertionError(where + ": not JSON: " + e.getMessage(), e);
        }
        String name = BY_TYPE.get(type);
        if (name == null) {
            fail(where + ": record type '" + type + "' has no schema");
        }
        return name;
    }

    /**
     * Validates every line of a results, overhead or stability file (plain or .gz) against the schema of its
     * type and returns the types in order.
     */
    static List<String> assertFileValid(Path file) {
        List<String> types = new ArrayList<>();
        List<String> lines;
        try {
            lines = JsonLines.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String where = file + ":" + (i + 1);
            String name = forLine(lines.get(i), where);
            assertValid(name, lines.get(i), where);
            types.add(name);
        }
        return types;
    }

    /** Validates every line of a meta-training log (plain or .gz); returns the number of lines. */
    static int assertMetaLogValid(Path file) {
        List<String> lines;
        try {
            lines = JsonLines.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < lines.size(); i++) {
            assertValid(META_LOG, lines.get(i), file + ":" + (i + 1));
        }
        return lines.size();
    }

    static String abbreviate(String s) {
        return s.length() <= 600 ? s : s.substring(0, 600) + "...";
    }
}
