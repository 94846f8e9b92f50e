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
 * outer_step, meta_loss, grad_norm, nan_count, wall_s, inner_steps; a non-finite value is written as null and read
 * as NaN).
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
            if (n == null || !n.isObject() || !n.path("outer_step").canConvertToLong()) {
                throw new ResultsError(where + "expected an object with an integer 'outer_step' (is this a "
                        + "lobench meta-train .jsonl log?)");
            }
            if (!rows.isEmpty() && n.path("outer_step").asLong() <= rows.get(rows.size() - 1).path("outer_step").asLong()) {
                throw new ResultsError(where + "outer_step " + n.path("outer_step").asLong() + " does not increase");
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
            step[i] = n.path("outer_step").asLong();
            loss[i] = num(n, "meta_loss");
            norm[i] = num(n, "grad_norm");
            nan[i] = n.path("nan_count").asInt(0);
            wall[i] = num(n, "wall_s");
            inner[i] = n.path("inner_steps").asLong(0);
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

    private static double num(JsonNode n, String k) {
        JsonNode v = n.get(k);
        return v != null && v.isNumber() ? v.asDouble() : Double.NaN;
    }
}
