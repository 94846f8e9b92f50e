package dev.lobench.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes {@value #FILE_NAME}, the results file of {@code lobench overhead}: JSON Lines with a
 * {@link RunHeader} first, one {@link OverheadRecord} per (task, optimizer, kind) and per calibration benchmark, then
 * an {@link EndRecord}. It lives in its own run directory (beside the raw JMH JSON files), never in a quality results
 * directory. Non-finite numbers are written as null as in {@link ResultsJson}.
 */
public final class OverheadStore {
    public static final String FILE_NAME = "overhead.jsonl";
    private static final ObjectMapper MAPPER = ResultsJson.mapper();

    private OverheadStore() {}

    /** Appending writer; each record is one line, flushed and forced before the call returns. */
    public static final class Writer {
        private final Path file;
        private int records;

        private Writer(Path file) {
            this.file = file;
        }

        public synchronized void write(OverheadRecord r) {
            line(r);
            records++;
        }

        public synchronized void end(String endTime) {
            line(EndRecord.of(endTime, records));
        }

        private void line(Object o) {
            try {
                byte[] json = MAPPER.writeValueAsBytes(o);
                byte[] withNl = java.util.Arrays.copyOf(json, json.length + 1);
                withNl[json.length] = '\n';
                Files.write(file, withNl, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot serialise " + o.getClass().getSimpleName(), e);
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": " + IoErrors.reason(e), e);
            }
        }

        public Path file() {
            return file;
        }
    }

    /** Creates {@code dir/overhead.jsonl} (it must not exist) with the header line. */
    public static Writer create(Path dir, RunHeader header) {
        Path file = dir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dir);
            if (Files.exists(file)) {
                throw new ResultsError(file + ": overhead results already exist (use another --out)");
            }
            Files.write(file, new byte[0], StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new ResultsError(file + ": cannot create: " + IoErrors.reason(e), e);
        }
        Writer w = new Writer(file);
        w.line(header);
        return w;
    }

    /**
     * Reads an overhead run: {@code overhead.jsonl} (or {@code overhead.jsonl.gz}) itself or the run directory holding
     * it.
     */
    public static OverheadRun read(Path fileOrDir) {
        Path file = fileOrDir;
        if (Files.isDirectory(fileOrDir)) {
            Path found = JsonLines.resolve(fileOrDir, FILE_NAME);
            file = found != null ? found : fileOrDir.resolve(FILE_NAME);
        }
        List<String> lines;
        try {
            lines = JsonLines.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new ResultsError(file + ": no such file (not an overhead run directory: expected " + FILE_NAME
                    + " from 'lobench overhead')");
        } catch (IOException e) {
            throw new ResultsError(file + ": cannot read: " + e.getMessage(), e);
        }
        RunHeader header = null;
        List<OverheadRecord> records = new ArrayList<>();
        boolean ended = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            String at = file + ":" + (i + 1);
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = MAPPER.readTree(line);
            } catch (JsonProcessingException e) {
                if (i == lines.size() - 1) {
                    break; // a partial last line of a killed run
                }
                throw new ResultsError(at + ": not valid JSON");
            }
            String type = node.path("type").asText("");
            if (ended) {
                throw new ResultsError(at + ": '" + type + "' record after the end record");
            }
            try {
                switch (type) {
                    case RunHeader.TYPE -> {
                        if (header != null) {
                            throw new ResultsError(at + ": second header record");
                        }
                        header = MAPPER.treeToValue(node, RunHeader.class);
                    }
                    case OverheadRecord.TYPE -> {
                        if (header == null) {
                            throw new ResultsError(at + ": overhead record before the header");
                        }
                        OverheadRecord r = MAPPER.treeToValue(node, OverheadRecord.class);
                        if (r.kind() == null || r.task() == null || r.optimizer() == null) {
                            throw new ResultsError(at + ": overhead record without kind, task or optimizer");
                        }
                        records.add(r);
                    }
                    case EndRecord.TYPE -> ended = true;
                    case CellRecord.TYPE -> throw new ResultsError(at + ": a quality results cell, not an overhead "
                            + "record (give the 'lobench overhead' run directory)");
                    default -> throw new ResultsError(at + ": unknown record type '" + type + "'");
                }
            } catch (JsonProcessingException e) {
                throw new ResultsError(at + ": bad " + type + " record: " + e.getOriginalMessage().split("\n")[0]);
            }
        }
        if (header == null) {
            throw new ResultsError(file + ": no header record");
        }
        return new OverheadRun(file, header, List.copyOf(records), ended);
    }
}
