package dev.lobench.optimizers.learned;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lobench.tasks.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Theta files: safetensors weights with lobench metadata, and the theta JSON form used by the conformance command.
 *
 * <p>Safetensors layout (https://github.com/huggingface/safetensors): an unsigned little-endian 64-bit header length,
 * a UTF-8 JSON header, then the raw little-endian tensor data. The header maps each tensor name to {@code {"dtype":
 * "F32", "shape": [...], "data_offsets": [begin, end]}} (offsets relative to the data section) and carries a
 * string-to-string {@code __metadata__} map with: {@code arch} (star | small-fc), {@code config} (JSON of the fixed
 * architecture constants), {@code format_version} ("1"), {@code provenance} (JSON: seed, how produced, lobench
 * commit if known) and {@code data_sha256} (hex SHA-256 of the whole data section, verified at load).
 *
 * <p>Tensors: {@code momentum_decays} [3], {@code rms_decays} [1], {@code adafactor_decays} [3], {@code w0} [39, 4],
 * {@code b0} [4], {@code w1} [4, 4], {@code b1} [4], {@code w2} [4, K], {@code b2} [K]; weights [fan_in, fan_out].
 */
public final class ThetaFiles {
    public static final String FORMAT_VERSION = "1";
    static final String[] NAMES = {"momentum_decays", "rms_decays", "adafactor_decays", "w0", "b0", "w1", "b1", "w2",
        "b2"};
    private static final ObjectMapper JSON = new ObjectMapper();

    private ThetaFiles() {}

    /** A theta with the metadata it was stored with. */
    public record Loaded(Theta theta, Map<String, String> metadata, String source) {
        /** Summary text for {@code lobench lopt info}. */
        public String info() {
            return ThetaFiles.info(theta, metadata, source);
        }
    }

    static long[][] shapes(Arch arch) {
        int k = arch.outputs();
        return new long[][] {{3}, {1}, {3}, {Theta.INPUTS, Theta.HIDDEN}, {Theta.HIDDEN},
            {Theta.HIDDEN, Theta.HIDDEN}, {Theta.HIDDEN}, {Theta.HIDDEN, k}, {k}};
    }

    static float[][] arrays(Theta t) {
        return new float[][] {t.momentumDecays(), t.rmsDecays(), t.adafactorDecays(), t.w0(), t.b0(), t.w1(), t.b1(),
            t.w2(), t.b2()};
    }

    /** The fixed architecture constants, as the {@code config} metadata JSON (default step_mult). */
    public static String configJson(Arch arch) {
        return configJson(arch, Theta.DEFAULT_STEP_MULT);
    }

    /**
     * The fixed architecture constants of a theta, as the {@code config} metadata JSON: {@code step_mult} is the
     * learned term's multiplier ({@link Theta#stepMult}); star also records its nominal step size.
     */
    public static String configJson(Arch arch, float stepMult) {
        ObjectNode c = JSON.createObjectNode();
        c.put("arch", arch.id());
        c.put("inputs", Theta.INPUTS);
        c.put("normalised_inputs", Theta.NORMALISED_INPUTS);
        c.put("time_features", Theta.TIME_FEATURES);
        c.putArray("hidden").add(Theta.HIDDEN).add(Theta.HIDDEN);
        c.put("outputs", arch.outputs());
        c.put("step_mult", Double.parseDouble(Float.toString(stepMult)));
        c.put("exp_mult", 0.001);
        if (arch == Arch.STAR) {
            c.put("nominal_stepsize", 0.001);
        }
        c.putArray("base_momentum_decays").add(0.9).add(0.99).add(0.999);
        c.putArray("base_rms_decays").add(0.999);
        c.putArray("base_adafactor_decays").add(0.9).add(0.99).add(0.999);
        return c.toString();
    }

    /** Provenance metadata JSON. */
    public static String provenanceJson(Long seed, String how, String lobenchCommit) {
        ObjectNode p = JSON.createObjectNode();
        if (seed != null) {
            p.put("seed", seed);
        }
        p.put("produced_by", how);
        p.put("lobench_commit", lobenchCommit == null ? "unknown" : lobenchCommit);
        return p.toString();
    }

    // ------------------------------------------------------------------ safetensors write

    /** Serialises theta; {@code provenance} is stored as given (see {@link #provenanceJson}). */
    public static byte[] toBytes(Theta theta, String provenance) {
        float[][] arrs = arrays(theta);
        long[][] shapes = shapes(theta.arch());
        Map<String, SafetensorsIO.Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.length; i++) {
            tensors.put(NAMES[i], new SafetensorsIO.Tensor(shapes[i], arrs[i]));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("arch", theta.arch().id());
        meta.put("config", configJson(theta.arch(), theta.stepMult()));
        meta.put("format_version", FORMAT_VERSION);
        meta.put("provenance", provenance);
        return SafetensorsIO.toBytesWithDataSha256(tensors, meta);
    }

    public static void write(Path file, Theta theta, String provenance) {
        try {
            Files.write(file, toBytes(theta, provenance));
        } catch (IOException e) {
            throw new UserError("cannot write " + file + ": " + dev.lobench.tasks.IoReason.of(e), e);
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ safetensors read

    public static Loaded read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError("cannot read learned optimizer weights " + file + ": " + dev.lobench.tasks.IoReason.of(e), e);
        }
        return parse(bytes, file.toString());
    }

    /**
     * Parses safetensors bytes; {@code source} names the file in error messages. The container (header, offsets,
     * truncation) is checked by {@link SafetensorsIO#parse}; here the theta format: format version, arch, exactly
     * the theta tensors with their shapes for that arch, and the data SHA-256 recorded at write time.
     */
    public static Loaded parse(byte[] bytes, String source) {
        String where = "learned optimizer weights " + source + ": ";
        SafetensorsIO.Contents c = SafetensorsIO.parse(bytes, where);
        Map<String, String> meta = c.metadata();
        if (meta.isEmpty()) {
            throw new UserError(where + "missing __metadata__ (not a lobench theta file)");
        }
        String fv = meta.get("format_version");
        if (!FORMAT_VERSION.equals(fv)) {
            throw new UserError(where + "unsupported format_version " + (fv == null ? "(missing)" : "'" + fv + "'")
                    + ", expected '" + FORMAT_VERSION + "'");
        }
        String archId = meta.get("arch");
        if (archId == null) {
            throw new UserError(where + "__metadata__ has no 'arch'");
        }
        Arch arch;
        try {
            arch = Arch.parse(archId);
        } catch (UserError e) {
            throw new UserError(where + e.getMessage());
        }
        String sha = meta.get("data_sha256");
        if (sha == null) {
            throw new UserError(where + "__metadata__ has no 'data_sha256'");
        }
        if (!c.dataSha256().equalsIgnoreCase(sha)) {
            throw new UserError(where + "data SHA-256 mismatch (file says " + sha + ", data is " + c.dataSha256()
                    + "): the file is corrupt");
        }
        for (String name : c.tensors().keySet()) {
            if (indexOf(name) < 0) {
                throw new UserError(where + "unexpected tensor '" + name + "'");
            }
        }
        long[][] shapes = shapes(arch);
        float[][] arrs = new float[NAMES.length][];
        for (int i = 0; i < NAMES.length; i++) {
            SafetensorsIO.Tensor t = c.tensors().get(NAMES[i]);
            if (t == null) {
                throw new UserError(where + "missing tensor '" + NAMES[i] + "'");
            }
            if (!java.util.Arrays.equals(t.shape(), shapes[i])) {
                throw new UserError(where + "tensor '" + NAMES[i] + "' has shape " + java.util.Arrays.toString(t.shape())
                        + ", expected " + java.util.Arrays.toString(shapes[i]) + " for " + arch.id());
            }
            arrs[i] = t.values();
        }
        Theta theta;
        try {
            theta = new Theta(arch, arrs[0], arrs[1], arrs[2], arrs[3], arrs[4], arrs[5], arrs[6], arrs[7], arrs[8],
                    stepMultOf(meta.get("config"), where));
        } catch (UserError e) {
            throw new UserError(where + e.getMessage());
        }
        return new Loaded(theta, meta, source);
    }

    /**
     * The learned term's step multiplier recorded in a file's {@code config} (absent: the default 0.001, as every
     * file before it was recorded). A config whose {@code exp_mult} or {@code nominal_stepsize} differs from the
     * constants lobench implements is refused rather than silently run with other constants.
     */
    static float stepMultOf(String config, String where) {
        if (config == null) {
            return Theta.DEFAULT_STEP_MULT;
        }
        JsonNode c;
        try {
            c = JSON.readTree(config);
        } catch (JsonProcessingException e) {
            throw new UserError(where + "__metadata__ 'config' is not valid JSON (" + firstLine(e.getOriginalMessage())
                    + ")", e);
        }
        if (c == null || !c.isObject()) {
            throw new UserError(where + "__metadata__ 'config' is not a JSON object");
        }
        for (String fixed : new String[] {"exp_mult", "nominal_stepsize"}) {
            JsonNode v = c.get(fixed);
            if (v != null && !(v.isNumber() && (float) v.asDouble() == 0.001f)) {
                throw new UserError(where + "config " + fixed + " is " + v + "; lobench implements only 0.001");
            }
        }
        JsonNode sm = c.get("step_mult");
        if (sm == null) {
            return Theta.DEFAULT_STEP_MULT;
        }
        float v = (float) sm.asDouble();
        if (!sm.isNumber() || !(v > 0f) || !Float.isFinite(v)) {
            throw new UserError(where + "config step_mult must be a finite number > 0, got " + sm);
        }
        return v;
    }

    private static int indexOf(String name) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    // ------------------------------------------------------------------ info

    static String info(Theta theta, Map<String, String> meta, String source) {
        StringBuilder sb = new StringBuilder();
        sb.append("source:          ").append(source).append('\n');
        sb.append("arch:            ").append(theta.arch().id()).append('\n');
        sb.append("meta-parameters: ").append(theta.paramCount()).append('\n');
        sb.append("format_version:  ").append(meta.getOrDefault("format_version", "?")).append('\n');
        sb.append("provenance:      ").append(meta.getOrDefault("provenance", "?")).append('\n');
        sb.append("data_sha256:     ").append(meta.getOrDefault("data_sha256", "?")).append('\n');
        sb.append("config:          ").append(meta.getOrDefault("config", "?")).append('\n');
        sb.append(String.format(Locale.ROOT, "momentum decays: %s%n", fmt(theta.effectiveMomentumDecays())));
        sb.append(String.format(Locale.ROOT, "rms decay:       %s%n", fmt(theta.effectiveRmsDecays())));
        sb.append(String.format(Locale.ROOT, "adafactor decays:%s%n", fmt(theta.effectiveAdafactorDecays())));
        float[][] arrs = arrays(theta);
        for (int i = 3; i < NAMES.length; i++) {
            double ss = 0;
            double mx = 0;
            for (float v : arrs[i]) {
                ss += (double) v * v;
                mx = Math.max(mx, Math.abs(v));
            }
            sb.append(String.format(Locale.ROOT, "%-3s %-8s rms %.4g  max|.| %.4g%n", NAMES[i],
                    java.util.Arrays.toString(shapes(theta.arch())[i]), Math.sqrt(ss / arrs[i].length), mx));
        }
        return sb.toString();
    }

    private static String fmt(float[] a) {
        StringBuilder sb = new StringBuilder(" ");
        for (float v : a) {
            sb.append(String.format(Locale.ROOT, "%.6f ", v));
        }
        return sb.toString().stripTrailing();
    }

    // ------------------------------------------------------------------ theta JSON

    /** Theta as JSON {momentum_decays, rms_decays, adafactor_decays, w0 [fan_in][fan_out], b0, ...}. */
    public static String toJson(Theta theta) {
        ObjectNode o = JSON.createObjectNode();
        float[][] arrs = arrays(theta);
        long[][] shapes = shapes(theta.arch());
        for (int i = 0; i < NAMES.length; i++) {
            ArrayNode a = o.putArray(NAMES[i]);
            if (shapes[i].length == 1) {
                for (float v : arrs[i]) {
                    a.add(v);
                }
            } else {
                int cols = (int) shapes[i][1];
                for (int r = 0; r < shapes[i][0]; r++) {
                    ArrayNode row = a.addArray();
                    for (int c = 0; c < cols; c++) {
                        row.add(arrs[i][r * cols + c]);
                    }
                }
            }
        }
        if (theta.stepMult() != Theta.DEFAULT_STEP_MULT) {
            o.put("step_mult", Double.parseDouble(Float.toString(theta.stepMult())));
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void writeJson(Path file, Theta theta) {
        try {
            Files.writeString(file, toJson(theta));
        } catch (IOException e) {
            throw new UserError("cannot write " + file + ": " + dev.lobench.tasks.IoReason.of(e), e);
        }
    }

    public static Theta readJson(Path file) {
        try {
            return fromJson(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UserError("cannot read theta JSON " + file + ": " + dev.lobench.tasks.IoReason.of(e), e);
        }
    }

    /** Parses the theta JSON form; the architecture follows from the width of w2 (2: small-fc, 4: star). */
    public static Theta fromJson(String text, String source) {
        String where = "theta JSON " + source + ": ";
        JsonNode o;
        try {
            o = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UserError(where + "not valid JSON (" + firstLine(e.getOriginalMessage()) + ")", e);
        }
        if (o == null || !o.isObject()) {
            throw new UserError(where + "expected a JSON object");
        }
        JsonNode w2 = o.get("w2");
        if (w2 == null || !w2.isArray() || w2.size() == 0 || !w2.get(0).isArray()) {
            throw new UserError(where + "missing or malformed 'w2'");
        }
        Arch arch = switch (w2.get(0).size()) {
            case 2 -> Arch.SMALL_FC;
            case 4 -> Arch.STAR;
            default -> throw new UserError(where + "'w2' has " + w2.get(0).size()
                    + " columns (expected 2 for small-fc or 4 for star)");
        };
        long[][] shapes = shapes(arch);
        float[][] arrs = new float[NAMES.length][];
        for (int i = 0; i < NAMES.length; i++) {
            arrs[i] = readArray(o.get(NAMES[i]), shapes[i], where + "'" + NAMES[i] + "'");
        }
        JsonNode sm = o.get("step_mult");
        try {
            if (sm != null && !sm.isNumber()) {
                throw new UserError("'step_mult' must be a number, got " + sm);
            }
            return new Theta(arch, arrs[0], arrs[1], arrs[2], arrs[3], arrs[4], arrs[5], arrs[6], arrs[7], arrs[8],
                    sm == null ? Theta.DEFAULT_STEP_MULT : (float) sm.asDouble());
        } catch (UserError e) {
            throw new UserError(where + e.getMessage());
        }
    }

    private static float[] readArray(JsonNode n, long[] shape, String what) {
        if (n == null || !n.isArray()) {
            throw new UserError(what + " is missing or not an array");
        }
        if (shape.length == 1) {
            if (n.size() != shape[0]) {
                throw new UserError(what + " has " + n.size() + " values, expected " + shape[0]);
            }
            float[] a = new float[n.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = num(n.get(i), what);
            }
            return a;
        }
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        if (n.size() != rows) {
            throw new UserError(what + " has " + n.size() + " rows, expected " + rows + " ([fan_in][fan_out])");
        }
        float[] a = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            JsonNode row = n.get(r);
            if (!row.isArray() || row.size() != cols) {
                throw new UserError(what + " row " + r + " is not an array of " + cols + " numbers");
            }
            for (int c = 0; c < cols; c++) {
                a[r * cols + c] = num(row.get(c), what);
            }
        }
        return a;
    }

    private static float num(JsonNode v, String what) {
        if (v == null || !v.isNumber()) {
            throw new UserError(what + " contains a non-number " + v);
        }
        return (float) v.asDouble();
    }
}
