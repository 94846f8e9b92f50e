package dev.lobench.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A meta-training log ({@code lobench meta-train}'s {@code <out>.jsonl}: one JSON object per outer step with
 * outerStep, metaLoss, gradNorm, nanCount, wallSeconds, innerSteps; a non-finite value is written as null and read
 * as NaN). Logs begun by lobench before issue 15, and lines appended by older lobench versions, have the same fields
 * under snake_case keys (outer_step, meta_loss, grad_norm, nan_count, wall_s, inner_steps): each line is read in
 * either convention (docs/results-schema.md "Meta-training log").
 *
 * @param name the run's name: the log's directory name (e.g. {@code star} for {@code runs/star/star.safetensors.jsonl})
 */
public record MetaLog(String name, Path source, long[] outerStep, double[] metaLoss, double[] gradNorm, int[] nanCount,
                      double[] wallS, long[] innerSteps) {

    public int size() {
        return outerStep.length;
    }

    /** Mean meta-loss of entries {@code from .. to-1} (finite values only; NaN when there are none). */
    public double meanMetaLoss(int from, int to) {
        double s = 0;
        int n = 0;
        for (int i = Math.max(0, from); i < Math.min(to, size()); i++) {
            if (Double.isFinite(metaLoss[i])) {
                s += metaLoss[i];
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    /** Outer steps whose meta-gradient had NaN/Inf entries. */
    public int stepsWithNan() {
        int k = 0;
        for (int c : nanCount) {
            if (c > 0) {
                k++;
            }
        }
        return k;
    }

    /** Reads a log; a malformed line is an error naming the file and line. */
    public static MetaLog read(Path file) {
        List<String> lines;
        try {
            lines = JsonLines.readAllLines(file);
        } catch (IOException e) {
            throw new ResultsError("cannot read meta-training log " + file + ": " + e.getMessage(), e);
        }
        ObjectMapper om = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty()) {
                continue;
            }
            String where = "meta-training log " + file + " line " + (i + 1) + ": ";
            JsonNode n;
            try {
                n = om.readTree(l);
            } catch (JsonProcessingException e) {
                if (i == lines.size() - 1) {
                    break; // a run killed mid-write leaves a partial last line
                }
                String m = e.getOriginalMessage();
                throw new ResultsError(where + "not valid JSON (" + (m == null ? "" : m.split("\n")[0]) + ")", e);
            }
            if (n == null || !n.isObject() || !field(n, OUTER_STEP).canConvertToLong()) {
                throw new ResultsError(where + "expected an object with an integer 'outerStep' (or 'outer_step', "
                        + "as older logs name it; is this a lobench meta-train .jsonl log?)");
            }
            long s = field(n, OUTER_STEP).asLong();
            if (!rows.isEmpty() && s <= field(rows.get(rows.size() - 1), OUTER_STEP).asLong()) {
                throw new ResultsError(where + "outer step " + s + " does not increase");
            }
            rows.add(n);
        }
        if (rows.isEmpty()) {
            throw new ResultsError("meta-training log " + file + " has no outer steps");
        }
        int k = rows.size();
        long[] step = new long[k];
        double[] loss = new double[k];
        double[] norm = new double[k];
        int[] nan = new int[k];
        double[] wall = new double[k];
        long[] inner = new long[k];
        for (int i = 0; i < k; i++) {
            JsonNode n = rows.get(i);
            step[i] = field(n, OUTER_STEP).asLong();
            loss[i] = num(n, META_LOSS);
            norm[i] = num(n, GRAD_NORM);
            nan[i] = field(n, NAN_COUNT).asInt(0);
            wall[i] = num(n, WALL_SECONDS);
            inner[i] = field(n, INNER_STEPS).asLong(0);
        }
        Path abs = file.toAbsolutePath();
        String name = abs.getParent() != null && abs.getParent().getFileName() != null
                ? abs.getParent().getFileName().toString() : file.getFileName().toString();
        // runs laid out as ARM/seedS/<file> (experiments/star-paper-task) are named ARM/seedS, not just seedS
        if (name.matches("seed\\d+") && abs.getParent().getParent() != null
                && abs.getParent().getParent().getFileName() != null) {
            name = abs.getParent().getParent().getFileName() + "/" + name;
        }
        return new MetaLog(name, file, step, loss, norm, nan, wall, inner);
    }

    /** The keys lobench writes ({@code [0]}, camelCase) and the keys of logs before issue 15 ({@code [1]}). */
    static final String[] OUTER_STEP = {"outerStep", "outer_step"};
    static final String[] META_LOSS = {"metaLoss", "meta_loss"};
    static final String[] GRAD_NORM = {"gradNorm", "grad_norm"};
    static final String[] NAN_COUNT = {"nanCount", "nan_count"};
    static final String[] WALL_SECONDS = {"wallSeconds", "wall_s"};
    static final String[] INNER_STEPS = {"innerSteps", "inner_steps"};

    /** The field under its camelCase key, else under its snake_case key; a missing node when neither is there. */
    private static JsonNode field(JsonNode n, String[] keys) {
        JsonNode v = n.get(keys[0]);
        return v != null ? v : n.path(keys[1]);
    }

    private static double num(JsonNode n, String[] keys) {
        JsonNode v = field(n, keys);
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }
}
