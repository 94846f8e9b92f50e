package dev.lobench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** docs/results-schema.md's field tables say what the JSON Schemas in docs/schemas/ say. */
class RecordSchemaDocTest {
    /**
     * docs/results-schema.md has a field table (field, type, required, meaning) for every schema, every
     * {@code $defs} entry and every object property with its own properties, introduced by a line naming the schema
     * (and JSON pointer) as {@code schemas/NAME.schema.json#/pointer} (a schema that is only a oneOf of its
     * {@code $defs} entries has just theirs); its rows are exactly the (sub)schema's
     * properties, with their required flag and JSON types.
     */
    private static final Path DOC = SelfContainedDocsTest.repositoryRoot().resolve("docs/results-schema.md");

    @Test
    void docTablesMatchTheSchemas() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        assertTrue(String.join("\n", lines).contains("docs/schemas/"), "the doc says where the schemas are");
        checkDoc(lines, DOC.toString());
    }

    @Test
    void theCheckFindsAMismatch() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        int row = lines.indexOf("| `runId` | string (UUID) | yes | a random UUID of the run; `lobench merge` keeps its first"
                + " input's |");
        assertTrue(row > 0, "the runId row of the header table");
        for (String edit : List.of("", "| `runId` | string | no | made optional |", "| `runId` | integer | yes | x |",
                "| `runID` | string | yes | misspelt |")) {
            List<String> broken = new ArrayList<>(lines);
            if (edit.isEmpty()) {
                broken.remove(row);
            } else {
                broken.set(row, edit);
            }
            assertThrows(AssertionFailedError.class, () -> checkDoc(broken, "doc"), "accepted: " + edit);
        }
        List<String> untabled = new ArrayList<>(lines);
        untabled.replaceAll(l -> l.startsWith("Schema: `schemas/cell.schema.json#/$defs/timing`") ? "Timing:" : l);
        assertThrows(AssertionFailedError.class, () -> checkDoc(untabled, "doc"), "a schema part without a table");
    }

    /** Checks every field table tied to a schema and that every schema part has one. */
    static void checkDoc(List<String> lines, String doc) {
        Pattern ref = Pattern.compile("schemas/([a-z-]+)\\.schema\\.json(#[^`)\\s]*)?");
        Set<String> tabled = new TreeSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            Matcher mt = ref.matcher(l);
            if (!l.startsWith("Schema: ") || !mt.find()) {
                continue;
            }
            String key = mt.group(1) + (mt.group(2) == null ? "" : mt.group(2));
            JsonNode sub = RecordSchemas.tree(mt.group(1)).at(mt.group(2) == null ? "" : mt.group(2).substring(1));
            assertFalse(sub.isMissingNode(), doc + ":" + (i + 1) + ": no " + key);
            int t = i + 1;
            while (t < lines.size() && !lines.get(t).startsWith("|")) {
                t++;
            }
            assertTrue(t < lines.size(), doc + ":" + (i + 1) + ": no table after it");
            assertEquals("| field | type | required | meaning |", lines.get(t).strip(), doc + ":" + (t + 1));
            List<String[]> rows = new ArrayList<>();
            for (int k = t + 2; k < lines.size() && lines.get(k).startsWith("|"); k++) {
                rows.add(lines.get(k).replace("\\|", "\u0000").split("\\|", -1));
            }
            checkTable(sub, rows, doc + ":" + (i + 1) + " (" + key + ")");
            assertTrue(tabled.add(key), key + " tabled twice");
        }
        Set<String> needed = new TreeSet<>();
        for (String n : RecordSchemas.names()) {
            JsonNode s = RecordSchemas.tree(n);
            if (s.has("properties") || !s.has("oneOf")) {
                needed.add(n); // a schema that is only a oneOf of $defs entries (meta-training-step) has their tables
            }
            s.path("$defs").fieldNames().forEachRemaining(d -> needed.add(n + "#/$defs/" + d));
            s.path("properties").fields().forEachRemaining(p -> {
                if (p.getValue().has("properties")) {
                    needed.add(n + "#/properties/" + p.getKey());
                }
            });
        }
        assertEquals(needed, tabled, "field tables in " + doc);
    }

    private static void checkTable(JsonNode schema, List<String[]> rows, String where) {
        Set<String> required = new TreeSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        Set<String> seen = new TreeSet<>();
        for (String[] cols : rows) {
            assertEquals(6, cols.length, where + ": a row of four columns: " + String.join("|", cols));
            String field = cols[1].strip();
            assertTrue(field.matches("`[A-Za-z_]+`"), where + ": field in backticks: " + field);
            field = field.substring(1, field.length() - 1);
            JsonNode p = schema.path("properties").path(field);
            assertFalse(p.isMissingNode(), where + ": '" + field + "' is not in the schema");
            String type = cols[2].replace('\u0000', '|');
            for (String word : typeWords(p)) {
                assertTrue(type.contains(word), where + ": type of '" + field + "' should name " + word + ": " + type);
            }
            String req = cols[3].strip();
            assertEquals(required.contains(field) ? "yes" : "no", req.split(" ")[0],
                    where + ": required flag of '" + field + "'");
            assertTrue(seen.add(field), where + ": '" + field + "' twice");
        }
        Set<String> props = new TreeSet<>();
        schema.path("properties").fieldNames().forEachRemaining(props::add);
        assertEquals(props, seen, where + ": the table's fields");
    }

    /** What the type column must name: the JSON types, or the constant / enum values. */
    private static List<String> typeWords(JsonNode p) {
        List<String> w = new ArrayList<>();
        if (p.has("const")) {
            w.add(p.get("const").toString());
        }
        p.path("enum").forEach(e -> w.add(e.toString()));
        JsonNode t = p.get("type");
        if (t != null && t.isTextual()) {
            w.add(t.asText());
        } else if (t != null) {
            t.forEach(x -> w.add(x.asText()));
        }
        if (p.has("$ref")) {
            w.add("object");
        }
        p.path("oneOf").forEach(o -> w.addAll(typeWords(o)));
        return w;
    }
}
