package dev.lobench.optimizers.learned;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lobench.tasks.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * velo-style weights files: safetensors with one F32 tensor per {@link VeloTheta} segment (names and shapes as in
 * {@link VeloTheta}, in flat order) and {@code __metadata__}: {@code arch} ("velo-style"), {@code config} (JSON with
 * {@code lstm_hidden} and {@code bank} and the fixed constants), {@code format_version} ("1"), {@code provenance}
 * (JSON, see {@link ThetaFiles#provenanceJson}) and {@code data_sha256} (SHA-256 of the data section, verified at load).
 */
public final class VeloFiles {
    public static final String ARCH = "velo-style";
    public static final String FORMAT_VERSION = "1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private VeloFiles() {}

    /** A theta with its metadata. */
    public record Loaded(VeloTheta theta, Map<String, String> metadata, String source) {
        public String sha256() {
            return metadata.get("data_sha256");
        }

        /** A human-readable summary: sizes, provenance, checksum and per-segment rms / max. */
        public String info() {
            StringBuilder sb = new StringBuilder();
            sb.append("source:          ").append(source).append('\n');
            sb.append("arch:            ").append(ARCH).append(" (lstm ").append(theta.hidden()).append(", bank ")
                    .append(theta.bank()).append(")\n");
            sb.append("meta-parameters: ").append(theta.paramCount()).append('\n');
            sb.append("format_version:  ").append(metadata.getOrDefault("format_version", "?")).append('\n');
            sb.append("provenance:      ").append(metadata.getOrDefault("provenance", "?")).append('\n');
            sb.append("data_sha256:     ").append(metadata.getOrDefault("data_sha256", "?")).append('\n');
            sb.append("config:          ").append(metadata.getOrDefault("config", "?")).append('\n');
            float[] flat = theta.flat();
            for (Map.Entry<String, long[]> e : theta.shapes().entrySet()) {
                int off = theta.offset(e.getKey());
                long n = 1;
                for (long d : e.getValue()) {
                    n *= d;
                }
                double ss = 0;
                double mx = 0;
                for (int i = off; i < off + n; i++) {
                    ss += (double) flat[i] * flat[i];
                    mx = Math.max(mx, Math.abs(flat[i]));
                }
                sb.append(String.format(java.util.Locale.ROOT, "%-9s %-12s rms %.4g  max|.| %.4g%n", e.getKey(),
                        java.util.Arrays.toString(e.getValue()), Math.sqrt(ss / n), mx));
            }
            return sb.toString();
        }
    }

    /**
     * The theta JSON form (for conformance checks by other implementations):
     * {@code {"arch":"velo-style","lstm":H,"bank":K,"shapes":{seg:[...]},"segments":{seg:[...row-major...]}}}, segments
     * in {@link VeloTheta}'s order and layout ([fan_in, fan_out] matrices).
     */
    public static void writeJson(Path file, VeloTheta theta) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("arch", ARCH);
        root.put("lstm", theta.hidden());
        root.put("bank", theta.bank());
        ObjectNode shapes = root.putObject("shapes");
        ObjectNode segs = root.putObject("segments");
        for (Map.Entry<String, long[]> e : theta.shapes().entrySet()) {
            ArrayNode sh = shapes.putArray(e.getKey());
            for (long d : e.getValue()) {
                sh.add(d);
            }
            ArrayNode a = segs.putArray(e.getKey());
            for (float v : theta.segment(e.getKey())) {
                a.add(v);
            }
        }
        try {
            Files.writeString(file, m.writeValueAsString(root));
        } catch (IOException e) {
            throw new UserError("cannot write " + file + ": " + dev.lobench.tasks.IoReason.of(e), e);
        }
    }

    /** Reads the theta JSON form written by {@link #writeJson}; errors name the file and the problem. */
    public static VeloTheta readJson(Path file) {
        String where = "velo-style theta JSON " + file + ": ";
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            String msg = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage()
                    : e.getMessage();
            throw new UserError(where + "cannot read (" + (msg == null ? "" : msg.split("\n")[0]) + ")", e);
        }
        if (root == null || !root.isObject() || !ARCH.equals(root.path("arch").asText())) {
            throw new UserError(where + "expected an object with \"arch\":\"" + ARCH + "\"");
        }
        if (!root.path("lstm").canConvertToInt() || !root.path("bank").canConvertToInt()) {
            throw new UserError(where + "needs integer 'lstm' and 'bank'");
        }
        int h = root.path("lstm").asInt();
        int k = root.path("bank").asInt();
        try {
            VeloTheta.checkSizes(h, k);
        } catch (UserError e) {
            throw new UserError(where + e.getMessage());
        }
        JsonNode segs = root.path("segments");
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : VeloTheta.shapes(h, k).entrySet()) {
            JsonNode a = segs.get(e.getKey());
            long n = VeloTheta.count(e.getValue());
            if (a == null || !a.isArray() || a.size() != n) {
                throw new UserError(where + "segment '" + e.getKey() + "' must be an array of " + n + " numbers");
            }
            float[] v = new float[(int) n];
            for (int i = 0; i < n; i++) {
                if (!a.get(i).isNumber()) {
                    throw new UserError(where + "segment '" + e.getKey() + "' has a non-number at " + i);
                }
                v[i] = (float) a.get(i).asDouble();
            }
            out.put(e.getKey(), v);
        }
        return VeloTheta.fromSegments(h, k, out);
    }

    /** The {@code config} metadata JSON. */
    public static String configJson(int hidden, int bank) {
        ObjectNode c = JSON.createObjectNode();
        c.put("arch", ARCH);
        c.put("lstm_hidden", hidden);
        c.put("bank", bank);
        c.put("tensor_features", VeloTheta.TENSOR_FEATURES);
        c.put("element_features", VeloTheta.ELEMENT_FEATURES);
        c.putArray("mlp").add(VeloTheta.ELEMENT_FEATURES).add(VeloTheta.MLP_HIDDEN).add(VeloTheta.MLP_HIDDEN)
                .add(VeloTheta.MLP_OUTPUTS);
        c.put("bank_mix", "100/K * sum_k c_k theta_k");
        c.put("step_mult", 0.001);
        c.put("exp_mult", 0.001);
        c.put("grad_clip", 1000.0);
        ArrayNode order = c.putArray("theta_order");
        VeloTheta.NAMES.forEach(order::add);
        return c.toString();
    }

    public static byte[] toBytes(VeloTheta theta, String provenance) {
        Map<String, SafetensorsIO.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : theta.shapes().entrySet()) {
            tensors.put(e.getKey(), new SafetensorsIO.Tensor(e.getValue(), theta.segment(e.getKey())));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("arch", ARCH);
        meta.put("config", configJson(theta.hidden(), theta.bank()));
        meta.put("format_version", FORMAT_VERSION);
        meta.put("provenance", provenance);
        return SafetensorsIO.toBytesWithDataSha256(tensors, meta);
    }

    public static void write(Path file, VeloTheta theta, String provenance) {
        try {
            Files.write(file, toBytes(theta, provenance));
        } catch (IOException e) {
            throw new UserError("cannot write " + file + ": " + dev.lobench.tasks.IoReason.of(e), e);
        }
    }

    public static Loaded read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError("cannot read velo-style weights " + file + ": " + dev.lobench.tasks.IoReason.of(e), e);
        }
        return parse(bytes, file.toString());
    }

    /** Whether the bytes look like a velo-style weights file (metadata arch = velo-style). */
    public static boolean isVeloFile(Path file) {
        try {
            return isVeloBytes(Files.readAllBytes(file));
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether shipped weights {@code name} exist and are a velo-style weights file. */
    static boolean isVeloResource(String name) {
        try (InputStream in = VeloFiles.class.getResourceAsStream(LearnedOptimizers.shippedResource(name))) {
            return in != null && isVeloBytes(in.readAllBytes());
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isVeloBytes(byte[] bytes) {
        try {
            return ARCH.equals(SafetensorsIO.parse(bytes, "").metadata().get("arch"));
        } catch (UserError e) {
            return false;
        }
    }

    public static Loaded parse(byte[] bytes, String source) {
        String where = "velo-style weights " + source + ": ";
        SafetensorsIO.Contents c = SafetensorsIO.parse(bytes, where);
        Map<String, String> meta = c.metadata();
        if (meta.isEmpty()) {
            throw new UserError(where + "missing __metadata__ (not a lobench weights file; published VeLO weights "
                    + "must first be converted with 'lobench lopt import velo FILE')");
        }
        String fv = meta.get("format_version");
        if (!FORMAT_VERSION.equals(fv)) {
            throw new UserError(where + "unsupported format_version " + (fv == null ? "(missing)" : "'" + fv + "'")
                    + ", expected '" + FORMAT_VERSION + "'");
        }
        if (!ARCH.equals(meta.get("arch"))) {
            throw new UserError(where + "weights are for '" + meta.get("arch") + "', not " + ARCH);
        }
        String sha = meta.get("data_sha256");
        if (sha == null) {
            throw new UserError(where + "__metadata__ has no 'data_sha256'");
        }
        if (!sha.equalsIgnoreCase(c.dataSha256())) {
            throw new UserError(where + "data SHA-256 mismatch (file says " + sha + ", data is " + c.dataSha256()
                    + "): the file is corrupt");
        }
        int hidden;
        int bank;
        try {
            JsonNode cfg = JSON.readTree(meta.getOrDefault("config", ""));
            if (cfg == null || !cfg.path("lstm_hidden").canConvertToInt() || !cfg.path("bank").canConvertToInt()) {
                throw new UserError(where + "config metadata lacks integer 'lstm_hidden' and 'bank'");
            }
            hidden = cfg.get("lstm_hidden").asInt();
            bank = cfg.get("bank").asInt();
        } catch (IOException e) {
            throw new UserError(where + "config metadata is not valid JSON");
        }
        try {
            VeloTheta.checkSizes(hidden, bank);
        } catch (UserError e) {
            throw new UserError(where + e.getMessage());
        }
        Map<String, long[]> shapes = VeloTheta.shapes(hidden, bank);
        for (String name : c.tensors().keySet()) {
            if (!shapes.containsKey(name)) {
                throw new UserError(where + "unexpected tensor '" + name + "'");
            }
        }
        Map<String, float[]> segs = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            SafetensorsIO.Tensor t = c.tensors().get(e.getKey());
            if (t == null) {
                throw new UserError(where + "missing tensor '" + e.getKey() + "'");
            }
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new UserError(where + "tensor '" + e.getKey() + "' has shape " + Arrays.toString(t.shape())
                        + ", expected " + Arrays.toString(e.getValue()) + " for lstm=" + hidden + ", bank=" + bank);
            }
            segs.put(e.getKey(), t.values());
        }
        try {
            return new Loaded(VeloTheta.fromSegments(hidden, bank, segs), meta, source);
        } catch (UserError e) {
            throw new UserError(where + e.getMessage());
        }
    }

    /** Shipped weights {@code /lobench/weights/<name>.safetensors}, or null if there is no such resource. */
    public static Loaded loadShipped(String name) {
        byte[] bytes = PinnedWeights.read(name);
        return bytes == null ? null : parse(bytes, "resource " + LearnedOptimizers.shippedResource(name));
    }
}
