package dev.lobench.results;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code stability.jsonl}: line 1 a header object {@code {"type": "stability-header", "schemaVersion": 1, ...}} (the
 * command, lobench version, git commit, time and the analysis settings), then one {@link StabilityRecord} per
 * (optimizer, curvature), {@code "type": "stability"}. Non-finite numbers are written as {@code null}
 * ({@link ResultsJson}).
 */
public final class StabilityStore {
    public static final int SCHEMA_VERSION = 1;

    private StabilityStore() {}

    /** The file and its contents. */
    public record Loaded(Path file, Map<String, Object> header, List<StabilityRecord> records) {}

    public static void write(Path file, Map<String, Object> header, List<StabilityRecord> records)
            throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        java.util.LinkedHashMap<String, Object> h = new java.util.LinkedHashMap<>();
        h.put("type", StabilityRecord.HEADER_TYPE);
        h.put("schemaVersion", SCHEMA_VERSION);
        h.putAll(header);
        // CREATE_NEW: a stability file is written once and never replaced
        try (BufferedWriter w = Files.newBufferedWriter(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            w.write(ResultsJson.mapper().writeValueAsString(h));
            w.newLine();
            for (StabilityRecord r : records) {
                w.write(ResultsJson.mapper().writeValueAsString(r));
                w.newLine();
            }
        }
    }

    /** Reads a stability file; a malformed file is a {@link ResultsError}. */
    @SuppressWarnings("unchecked")
    public static Loaded read(Path file) {
        List<String> lines;
        try {
            lines = JsonLines.readAllLines(file);
        } catch (IOException e) {
            throw new ResultsError("cannot read " + file + ": " + e.getMessage());
        }
        Map<String, Object> header = null;
        List<StabilityRecord> out = new ArrayList<>();
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode node = ResultsJson.mapper().readTree(line);
                String type = node.path("type").asText("");
                if (type.equals(StabilityRecord.HEADER_TYPE)) {
                    int v = node.path("schemaVersion").asInt(-1);
                    if (v != SCHEMA_VERSION) {
                        throw new ResultsError(file + ": stability schema version " + v + " is not supported (expected "
                                + SCHEMA_VERSION + ")");
                    }
                    header = ResultsJson.mapper().convertValue(node, Map.class);
                } else if (type.equals(StabilityRecord.TYPE)) {
                    out.add(ResultsJson.mapper().treeToValue(node, StabilityRecord.class));
                } else {
                    throw new ResultsError(file + " line " + n + ": not a stability record (type '" + type + "')");
                }
            } catch (IOException e) {
                throw new ResultsError(file + " line " + n + ": malformed stability record: "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        if (header == null) {
            throw new ResultsError(file + ": no stability header line");
        }
        return new Loaded(file, header, out);
    }

    /**
     * The stability file of a directory ({@code stability.jsonl}, else {@code stability.jsonl.gz}), or the path itself
     * when it is such a file; null when there is none.
     */
    public static Path find(Path p) {
        if (Files.isDirectory(p)) {
            return JsonLines.resolve(p, StabilityRecord.FILE);
        }
        return p.getFileName() != null && JsonLines.plainName(p).equals(StabilityRecord.FILE) ? p : null;
    }
}
