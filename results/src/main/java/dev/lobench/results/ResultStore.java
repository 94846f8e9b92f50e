package dev.lobench.results;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads, validates and merges results files (JSON Lines: a {@link RunHeader} line, one {@link CellRecord} line
 * per cell, then an optional {@link EndRecord} line; see {@link ResultsJson} for how non-finite numbers are
 * written).
 *
 * <p>Damage rules. A last line that is not terminated by a newline and is not valid JSON is the trace of a
 * run killed while writing it: it is skipped and counted ({@link ResultsFile#skippedPartialLines()}), never an
 * error. Any other bad line (invalid JSON, a wrong type, a missing required field, a record out of order, a
 * duplicate cell key) is an error: a {@link ResultsError} whose message starts with {@code file:line:}. A file
 * of a newer {@code schemaVersion} than {@link Schema#VERSION} is rejected with a message saying so; a schema-1 cell
 * is read as the schema-2 cell it stands for ({@link Schema#upgradeCell}). Blank lines are ignored.
 */
public final class ResultStore {
    /** The file name a suite run writes in its run directory. */
    public static final String FILE_NAME = "results.jsonl";

    private static final ObjectMapper MAPPER = ResultsJson.mapper();

    private ResultStore() {}

    /** Reads one results file. */
    public static ResultsFile read(Path file) {
        return parse(file).file;
    }

    /**
     * Reads every {@code *.jsonl} and {@code *.jsonl.gz} file directly in {@code dir} (except a stability file), in
     * file-name order.
     *
     * @throws ResultsError when {@code dir} is not a directory or holds no such file, or any file is bad
     */
    public static List<ResultsFile> readDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ResultsError(dir + ": not a directory");
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.{jsonl,jsonl.gz}")) {
            for (Path p : ds) {
                // not results files, though JSON lines: stability.jsonl (StabilityStore reads it), overhead.jsonl
                // (OverheadStore) and meta-training logs (<weights>.safetensors.jsonl, lobench meta-report)
                String plain = JsonLines.plainName(p);
                if (Files.isRegularFile(p) && !plain.equals(StabilityRecord.FILE)
                        && !plain.equals(OverheadStore.FILE_NAME) && !isMetaTrainingLog(p)) {
                    files.add(p);
                }
            }
        } catch (IOException e) {
            throw new ResultsError(dir + ": cannot list: " + IoErrors.reason(e), e);
        }
        if (files.isEmpty()) {
            throw new ResultsError(dir + ": no *.jsonl or *.jsonl.gz results files");
        }
        files.sort(null);
        List<ResultsFile> out = new ArrayList<>();
        for (Path p : files) {
            out.add(read(p));
        }
        return out;
    }

    /** Whether {@code file} is a meta-training log ({@code <weights>.safetensors.jsonl}, plain or gzipped). */
    public static boolean isMetaTrainingLog(Path file) {
        return JsonLines.plainName(file).endsWith(".safetensors.jsonl");
    }

    /**
     * The cells of a results file, or of every {@code *.jsonl} file of a directory, de-duplicated by cell key
     * as in {@link #merge(List, Path)}.
     */
    public static List<CellRecord> readCells(Path fileOrDir) {
        List<Parsed> parsed = new ArrayList<>();
        if (Files.isDirectory(fileOrDir)) {
            for (ResultsFile f : readDirectory(fileOrDir)) {
                parsed.add(parse(f.path()));
            }
        } else {
            parsed.add(parse(fileOrDir));
        }
        return new ArrayList<>(dedupe(parsed, new HashMap<>()).values());
    }

    /**
     * Merges results files (e.g. the shards of one suite) into one new file {@code output}, which must not
     * exist yet. Cells are kept in input order; a cell key found in several inputs is kept once (the first) when
     * the cells measured the same ({@link #resultDifference}: timings may differ) and is an error naming the
     * differing field when they did not. The merged header is the first
     * input's, with {@code extra.mergedFrom} listing the inputs' run ids; the end record is written only when
     * every input is complete, with the latest input end time. Inputs whose cells have different {@code lossEvery}
     * are refused ({@link #checkOneStride}), and so are different runs of one (task, optimizer, seed)
     * ({@link #checkOneRunPerSeed}).
     *
     * @return the merged file as read back from {@code output}
     * @throws ResultsError on a bad input, a conflicting duplicate, or an {@code output} that exists
     */
    public static ResultsFile merge(List<Path> inputs, Path output) {
        return merge(inputs, output, 1);
    }

    /**
     * {@link #merge(List, Path)}, with {@code lossEvery} K &gt; 1 also re-recording every per-step cell as a strided
     * one ({@link LossCurve#summarise}: block means of K steps, exactly what {@code run --loss-every K} records), to
     * keep long records small. Every metric computed from block means is the per-step one when K divides the final
     * train loss window and the steps (docs/metrics.md, "Strided records"); per-step detail is gone from the output
     * (keep the input). A restrided cell gets a derived key (the first 24 hex digits of SHA-256 of
     * {@code "<key>|lossEvery=<K>"}: it is another record of the same run) and {@code meta.restridedFrom} = its
     * per-step key; the header's {@code extra.restrided} records K and the SHA-256 of every input file. Cells already
     * strided at K are kept; any other stride is refused.
     */
    public static ResultsFile merge(List<Path> inputs, Path output, int lossEvery) {
        if (inputs.isEmpty()) {
            throw new ResultsError("merge: no input files");
        }
        if (lossEvery < 1) {
            throw new ResultsError("merge: --loss-every must be >= 1, got " + lossEvery);
        }
        List<Parsed> parsed = new ArrayList<>();
        for (Path p : inputs) {
            parsed.add(parse(p));
        }
        Map<String, String> where = new HashMap<>();
        Map<String, CellRecord> cells = dedupe(parsed, where);
        if (lossEvery == 1) {
            checkOneStride(parsed);
        } else {
            Map<String, CellRecord> restrided = new LinkedHashMap<>();
            for (CellRecord c : cells.values()) {
                CellRecord r = restride(c, lossEvery);
                restrided.put(r.cellKey(), r);
                where.putIfAbsent(r.cellKey(), where.get(c.cellKey()));
            }
            cells = restrided;
        }
        checkOneRunPerSeed(cells, where);
        RunHeader first = parsed.get(0).file.header();
        Map<String, Object> extra = first.extra() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(first.extra());
        List<String> from = new ArrayList<>();
        for (Parsed p : parsed) {
            from.add(p.file.header().runId());
        }
        extra.put("mergedFrom", from);
        if (lossEvery > 1) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("lossEvery", lossEvery);
            Map<String, String> sums = new LinkedHashMap<>();
            for (Parsed p : parsed) {
                sums.put(p.file.path().getFileName().toString(), sha256(p.file.path()));
            }
            r.put("inputsSha256", sums);
            extra.put("restrided", r);
        }
        RunHeader header = new RunHeader(RunHeader.TYPE, Schema.VERSION, first.runId(), first.suite(),
                first.lobenchVersion(), first.gitCommit(), first.jvm(), first.djlVersion(), first.libtorchVersion(),
                first.cpuModel(), first.threads(), first.os(), first.startTime(), first.commandLine(), extra);
        String endTime = null;
        boolean allComplete = true;
        for (Parsed p : parsed) {
            EndRecord e = p.file.end();
            if (e == null) {
                allComplete = false;
            } else if (e.endTime() != null && (endTime == null || e.endTime().compareTo(endTime) > 0)) {
                endTime = e.endTime();
            }
        }
        if (Files.exists(output)) {
            throw new ResultsError(output + ": merge output already exists");
        }
        try (ResultWriter w = ResultWriter.create(output, header)) {
            for (CellRecord c : cells.values()) {
                w.writeCell(c);
            }
            if (allComplete) {
                w.writeEnd(endTime);
            }
        }
        return read(output);
    }

    /** A cell re-recorded at stride {@code k} (see {@link #merge(List, Path, int)}). */
    static CellRecord restride(CellRecord c, int k) {
        int every = LossCurve.every(c);
        if (every == k) {
            return c;
        }
        if (every != 1) {
            throw new ResultsError("merge --loss-every " + k + ": cell '" + c.cellKey() + "' is already recorded as means"
                    + " of " + every + " steps; only per-step cells can be restrided");
        }
        int n = LossCurve.stepsRun(c);
        float[] tl = c.trainLoss() == null ? new float[0] : c.trainLoss();
        float[] blocks = LossCurve.summarise(tl, n, k, c.outcome() == Outcome.completed);
        String key;
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(
                    (c.cellKey() + "|lossEvery=" + k).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            key = java.util.HexFormat.of().formatHex(h, 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> meta = c.meta() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(c.meta());
        meta.put("restridedFrom", c.cellKey());
        return new CellRecord(c.type(), c.schemaVersion(), key, c.task(), c.taskFamily(), c.taskParams(),
                c.inMetaTrainingSet(), c.optimizer(), c.optimizerBase(), c.optimizerParams(), c.tunedGroup(), c.seed(),
                c.steps(), c.numParams(), c.outcome(), c.outcomeDetail(), c.initialLoss(), k, n, blocks, c.evals(),
                c.timing(), meta);
    }

    private static String sha256(Path file) {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw unchecked(file, e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Refuses inputs whose cells record their training losses at different strides ({@code lossEvery}, 1 when
     * absent): one results file holds one {@code lossEvery}, as {@code run --resume} keeps it for one directory.
     */
    static void checkOneStride(List<Parsed> parsed) {
        Map<Integer, String> seen = new java.util.TreeMap<>();
        for (Parsed p : parsed) {
            for (CellRecord c : p.file.cells()) {
                seen.putIfAbsent(LossCurve.every(c), p.file.path().toString());
            }
        }
        if (seen.size() > 1) {
            List<String> parts = new ArrayList<>();
            seen.forEach((k, f) -> parts.add("lossEvery " + k + " in " + f));
            throw new ResultsError("merge: the inputs record training losses at different strides ("
                    + String.join(", ", parts) + "); one results file holds one lossEvery: merge them apart");
        }
    }

    /**
     * Refuses merged cells of one (task, optimizer name, seed) that are different runs (different cell keys: other
     * steps, task parameters, weights, ...): every reader would pool them as one optimizer's seeds, so the merged file
     * could not be reported. {@code where} names each key's first input line.
     */
    static void checkOneRunPerSeed(Map<String, CellRecord> cells, Map<String, String> where) {
        Map<String, CellRecord> byName = new HashMap<>();
        for (CellRecord c : cells.values()) {
            String named = c.task() + " | " + c.optimizer() + " | seed " + c.seed();
            CellRecord prev = byName.putIfAbsent(named, c);
            if (prev != null) {
                throw new ResultsError("merge: the cell " + named + " is at " + where.get(prev.cellKey()) + " and at "
                        + where.get(c.cellKey()) + " as different runs (" + runDifference(prev, c) + "); merged, they"
                        + " would be pooled as one optimizer's seeds: merge them into separate directories");
            }
        }
    }

    /**
     * What makes two cells of one (task, optimizer name, seed) but different keys different runs, as far as the
     * records tell.
     */
    public static String runDifference(CellRecord a, CellRecord b) {
        if (a.steps() != b.steps()) {
            return "steps " + a.steps() + " vs " + b.steps();
        }
        if (!java.util.Objects.equals(a.taskParams(), b.taskParams())) {
            return "task parameters differ";
        }
        Object ia = a.meta() == null ? null : a.meta().get("optimizerIdentity");
        Object ib = b.meta() == null ? null : b.meta().get("optimizerIdentity");
        if (ia != null && ib != null && !ia.equals(ib)) {
            return "optimizer identity " + ia + " vs " + ib;
        }
        return "different cell keys: the optimizer's weights, the evaluation period or the lobench version differ";
    }

    private static Map<String, CellRecord> dedupe(List<Parsed> parsed, Map<String, String> where) {
        Map<String, CellRecord> cells = new LinkedHashMap<>();
        for (Parsed p : parsed) {
            List<CellRecord> cs = p.file.cells();
            for (int i = 0; i < cs.size(); i++) {
                CellRecord c = cs.get(i);
                String here = p.file.path() + ":" + p.cellLines.get(i);
                CellRecord prev = cells.putIfAbsent(c.cellKey(), c);
                if (prev == null) {
                    where.put(c.cellKey(), here);
                } else {
                    String differs = resultDifference(prev, c);
                    if (differs != null) {
                        throw new ResultsError(here + ": cell '" + c.cellKey() + "' conflicts with the different cell"
                                + " of the same key at " + where.get(c.cellKey()) + " (" + differs + " differs)");
                    }
                }
            }
        }
        return cells;
    }

    /**
     * The first field in which two cells of one key differ in what they measured (task, optimizer, seed, steps,
     * outcome, losses, evaluations), or null when they measured the same: timings, resource use and other
     * {@code meta} differ between two runs of one cell and do not make a conflict.
     */
    static String resultDifference(CellRecord a, CellRecord b) {
        Map<String, Boolean> same = new LinkedHashMap<>();
        same.put("task", java.util.Objects.equals(a.task(), b.task()));
        same.put("taskFamily", java.util.Objects.equals(a.taskFamily(), b.taskFamily()));
        same.put("taskParams", java.util.Objects.equals(a.taskParams(), b.taskParams()));
        same.put("optimizer", java.util.Objects.equals(a.optimizer(), b.optimizer()));
        same.put("optimizerParams", sameParams(a.optimizerParams(), b.optimizerParams()));
        same.put("seed", a.seed() == b.seed());
        same.put("steps", a.steps() == b.steps());
        same.put("numParams", a.numParams() == b.numParams());
        same.put("outcome", a.outcome() == b.outcome());
        same.put("initialLoss", Double.compare(a.initialLoss(), b.initialLoss()) == 0);
        same.put("lossEvery", LossCurve.every(a) == LossCurve.every(b));
        same.put("stepsRun", LossCurve.stepsRun(a) == LossCurve.stepsRun(b));
        same.put("trainLoss", java.util.Arrays.equals(a.trainLoss(), b.trainLoss()));
        same.put("evals", java.util.Objects.equals(a.evals(), b.evals()));
        for (Map.Entry<String, Boolean> e : same.entrySet()) {
            if (!e.getValue()) {
                return e.getKey();
            }
        }
        return null;
    }

    /**
     * Equal parameter maps, numbers compared by value: a schema-1 cell read as schema 2 has {@code "wd": 0} where a
     * schema-2 writer wrote {@code "wd": 0.0}, and they are the same parameter.
     */
    static boolean sameParams(Map<String, Object> a, Map<String, Object> b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, Object> e : a.entrySet()) {
            Object x = e.getValue();
            Object y = b.get(e.getKey());
            boolean same = x instanceof Number nx && y instanceof Number ny
                    ? Double.compare(nx.doubleValue(), ny.doubleValue()) == 0
                    : java.util.Objects.equals(x, y);
            if (!same) {
                return false;
            }
        }
        return true;
    }

    // ---- parsing ------------------------------------------------------------------------------------------

    /** A parsed file plus what the writer (resume) and merge need. */
    static final class Parsed {
        final ResultsFile file;
        final List<Integer> cellLines;
        /** Bytes up to and including the last accepted line's newline (a skipped partial line is after it). */
        final long validLength;

        Parsed(ResultsFile file, List<Integer> cellLines, long validLength) {
            this.file = file;
            this.cellLines = cellLines;
            this.validLength = validLength;
        }
    }

    static Parsed parse(Path file) {
        try (InputStream in = JsonLines.open(file)) {
            return parse(file, in);
        } catch (NoSuchFileException e) {
            throw new ResultsError(file + ": no such file");
        } catch (IOException e) {
            throw new ResultsError(file + ": cannot read: " + IoErrors.reason(e), e);
        }
    }

    private static Parsed parse(Path file, InputStream in) throws IOException {
        RunHeader header = null;
        EndRecord end = null;
        List<CellRecord> cells = new ArrayList<>();
        List<Integer> cellLines = new ArrayList<>();
        Map<String, Integer> keyLines = new HashMap<>();
        List<String> warnings = new ArrayList<>();
        int skipped = 0;
        long offset = 0;
        long validLength = 0;
        int lineNo = 0;
        LineReader lines = new LineReader(in);
        while (lines.next()) {
            boolean terminated = lines.terminated;
            lineNo++;
            offset += lines.len + (terminated ? 1 : 0);
            byte[] bytes = lines.buf;
            int len = lines.len;
            if (len > 0 && bytes[len - 1] == '\r') {
                len--;
            }
            if (isBlank(bytes, len)) {
                if (terminated) {
                    validLength = offset;
                }
                continue;
            }
            String at = file + ":" + lineNo;
            JsonNode node;
            try {
                node = MAPPER.readTree(bytes, 0, len);
            } catch (StreamReadException e) {
                if (!terminated) {
                    skipped++;
                    warnings.add(at + ": skipped a partial last line (" + len
                            + " bytes; the run was probably killed while writing it)");
                    break;
                }
                throw new ResultsError(at + ": not valid JSON: " + oneLine(e.getOriginalMessage()));
            }
            if (node == null || !node.isObject()) {
                throw new ResultsError(at + ": not a JSON object");
            }
            String type = node.path("type").isTextual() ? node.get("type").asText() : null;
            if (type == null) {
                throw new ResultsError(at + ": record has no string field \"type\"");
            }
            if (end != null) {
                throw new ResultsError(at + ": '" + type + "' record after the end record");
            }
            switch (type) {
                case RunHeader.TYPE -> {
                    if (header != null) {
                        throw new ResultsError(at + ": second header record");
                    }
                    checkVersion(node, at);
                    header = map(node, RunHeader.class, at);
                    validateHeader(header, at);
                }
                case CellRecord.TYPE -> {
                    requireHeader(header, at, type);
                    checkVersion(node, at);
                    CellRecord c = map(Schema.upgradeCell(node), CellRecord.class, at);
                    validateCell(c, at);
                    Integer prev = keyLines.putIfAbsent(c.cellKey(), lineNo);
                    if (prev != null) {
                        throw new ResultsError(at + ": duplicate cellKey '" + c.cellKey() + "' (first at line "
                                + prev + ")");
                    }
                    cells.add(c);
                    cellLines.add(lineNo);
                }
                case EndRecord.TYPE -> {
                    requireHeader(header, at, type);
                    end = map(node, EndRecord.class, at);
                    if (end.cells() != cells.size()) {
                        throw new ResultsError(at + ": end record says " + end.cells() + " cells, the file holds "
                                + cells.size());
                    }
                }
                default -> throw new ResultsError(at + ": unknown record type '" + type + "'");
            }
            validLength = offset;
        }
        if (header == null) {
            throw new ResultsError(file + ": no header record" + (lineNo == 0 ? " (empty file)" : ""));
        }
        ResultsFile rf = new ResultsFile(file, header, List.copyOf(cells), end, skipped, List.copyOf(warnings));
        return new Parsed(rf, List.copyOf(cellLines), validLength);
    }

    /** Splits a stream on '\n' and tells whether each line was terminated; reuses one growing buffer. */
    private static final class LineReader {
        private final InputStream in;
        private final byte[] chunk = new byte[1 << 16];
        private int pos;
        private int limit;
        byte[] buf = new byte[1 << 12];
        int len;
        boolean terminated;

        LineReader(InputStream in) {
            this.in = in;
        }

        /** Reads the next line into buf[0, len); false at end of stream with nothing read. */
        boolean next() throws IOException {
            len = 0;
            while (true) {
                if (pos == limit) {
                    limit = in.read(chunk, 0, chunk.length);
                    pos = 0;
                    if (limit <= 0) {
                        limit = 0;
                        terminated = false;
                        return len > 0;
                    }
                }
                int start = pos;
                while (pos < limit && chunk[pos] != '\n') {
                    pos++;
                }
                int n = pos - start;
                if (len + n > buf.length) {
                    buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
                }
                System.arraycopy(chunk, start, buf, len, n);
                len += n;
                if (pos < limit) {
                    pos++;
                    terminated = true;
                    return true;
                }
            }
        }
    }

    private static void requireHeader(RunHeader header, String at, String type) {
        if (header == null) {
            throw new ResultsError(at + ": '" + type + "' record before the header record");
        }
    }

    private static void checkVersion(JsonNode node, String at) {
        JsonNode v = node.get("schemaVersion");
        if (v == null || !v.isIntegralNumber()) {
            throw new ResultsError(at + ": missing or non-integer \"schemaVersion\"");
        }
        int version = v.asInt();
        if (version > Schema.VERSION) {
            throw new ResultsError(at + ": schemaVersion " + version + " is newer than this lobench reads ("
                    + Schema.VERSION + "); use a newer lobench to read this file");
        }
        if (version < 1) {
            throw new ResultsError(at + ": invalid schemaVersion " + version);
        }
    }

    private static <T> T map(JsonNode node, Class<T> type, String at) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonMappingException e) {
            String path = e.getPath().isEmpty() ? "" : " (field " + fieldPath(e) + ")";
            throw new ResultsError(at + ": bad " + type.getSimpleName() + path + ": " + oneLine(e.getOriginalMessage()));
        } catch (JacksonException e) {
            throw new ResultsError(at + ": bad " + type.getSimpleName() + ": " + oneLine(e.getOriginalMessage()));
        }
    }

    private static String fieldPath(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    static void validateHeader(RunHeader h, String at) {
        if (!RunHeader.TYPE.equals(h.type())) {
            throw new ResultsError(at + ": header type must be \"" + RunHeader.TYPE + "\", is \"" + h.type() + "\"");
        }
        if (h.schemaVersion() < 1 || h.schemaVersion() > Schema.VERSION) {
            throw new ResultsError(at + ": unsupported schemaVersion " + h.schemaVersion());
        }
    }

    static void validateCell(CellRecord c, String at) {
        if (!CellRecord.TYPE.equals(c.type())) {
            throw new ResultsError(at + ": cell type must be \"" + CellRecord.TYPE + "\", is \"" + c.type() + "\"");
        }
        if (c.schemaVersion() < 1 || c.schemaVersion() > Schema.VERSION) {
            throw new ResultsError(at + ": unsupported schemaVersion " + c.schemaVersion());
        }
        requireText(c.cellKey(), "cellKey", at);
        requireText(c.task(), "task", at);
        requireText(c.optimizer(), "optimizer", at);
        requireText(c.optimizerBase(), "optimizerBase", at);
        if (c.outcome() == null) {
            throw new ResultsError(at + ": cell '" + c.cellKey() + "' has no outcome");
        }
        if (c.steps() < 0) {
            throw new ResultsError(at + ": cell '" + c.cellKey() + "' has negative steps " + c.steps());
        }
        String layout = LossCurve.layoutProblem(c);
        if (layout != null) {
            throw new ResultsError(at + ": cell '" + c.cellKey() + "': " + layout);
        }
        if (c.evals() != null) {
            for (EvalPoint e : c.evals()) {
                if (e == null) {
                    throw new ResultsError(at + ": cell '" + c.cellKey() + "' has a null eval point");
                }
            }
        }
    }

    private static void requireText(String s, String field, String at) {
        if (s == null || s.isBlank()) {
            throw new ResultsError(at + ": missing or empty \"" + field + "\"");
        }
    }

    private static boolean isBlank(byte[] b, int len) {
        for (int i = 0; i < len; i++) {
            if (b[i] != ' ' && b[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    static UncheckedIOException unchecked(Path file, IOException e) {
        return new UncheckedIOException(file + ": " + IoErrors.reason(e), e);
    }
}
