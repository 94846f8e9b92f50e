package dev.lobench.optimizers.learned;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lobench.tasks.UserError;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Generic safetensors reading and writing of float tensors (see {@link ThetaFiles} for the format): the one
 * container reader and writer of the star / small-fc and velo-style weights files and of the importer of published
 * VeLO weights, whose tensor names are not fixed in advance. Reads F32, F64, F16 and BF16 (converted to float);
 * writes F32.
 */
final class SafetensorsIO {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsIO() {}

    /** One tensor: its shape and row-major values. */
    record Tensor(long[] shape, float[] values) {
        Tensor {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            if (n != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold "
                        + values.length + " values");
            }
        }
    }

    /** A parsed file: tensors in header order, the string metadata, and the SHA-256 of the data section. */
    record Contents(Map<String, Tensor> tensors, Map<String, String> metadata, String dataSha256) {}

    /** Serialises {@code tensors} (in map order) as F32 with the given metadata; adds nothing to the metadata. */
    static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        return assemble(tensors, metadata, data(tensors));
    }

    /**
     * Serialises {@code tensors} (in map order) as F32 with the given metadata followed by {@code data_sha256}, the
     * hex SHA-256 of the data section: the form of lobench's weights files ({@link ThetaFiles}, {@link VeloFiles}),
     * whose readers verify it.
     */
    static byte[] toBytesWithDataSha256(Map<String, Tensor> tensors, Map<String, String> metadata) {
        byte[] data = data(tensors);
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put("data_sha256", ThetaFiles.sha256(data));
        return assemble(tensors, meta, data);
    }

    /** The data section: every tensor's values as little-endian float32, in map order. */
    private static byte[] data(Map<String, Tensor> tensors) {
        int total = 0;
        for (Tensor t : tensors.values()) {
            total += t.values().length;
        }
        ByteBuffer data = ByteBuffer.allocate(4 * total).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : tensors.values()) {
            for (float x : t.values()) {
                data.putFloat(x);
            }
        }
        return data.array();
    }

    /** Header ({@code __metadata__} first, then the tensors in map order), padded to 8 bytes, then {@code data}. */
    private static byte[] assemble(Map<String, Tensor> tensors, Map<String, String> metadata, byte[] data) {
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        metadata.forEach(meta::put);
        long off = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            ArrayNode sh = t.putArray("shape");
            for (long s : e.getValue().shape()) {
                sh.add(s);
            }
            long bytes = 4L * e.getValue().values().length;
            t.putArray("data_offsets").add(off).add(off + bytes);
            off += bytes;
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (8 - (h.length % 8)) % 8;
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + pad + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length + pad);
        out.put(h);
        for (int i = 0; i < pad; i++) {
            out.put((byte) ' ');
        }
        out.put(data);
        return out.array();
    }

    /** The data section of serialised bytes (everything after the header). */
    static byte[] dataSection(byte[] bytes) {
        long hlen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return Arrays.copyOfRange(bytes, 8 + (int) hlen, bytes.length);
    }

    /** Parses safetensors bytes; {@code where} prefixes error messages (e.g. "velo-style weights x.safetensors: "). */
    static Contents parse(byte[] bytes, String where) {
        if (bytes.length < 8) {
            throw new UserError(where + "truncated (" + bytes.length + " bytes, no safetensors header)");
        }
        long hlen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (hlen <= 0 || hlen > bytes.length - 8L || hlen > 100_000_000L) {
            throw new UserError(where + "bad or truncated safetensors header (header length " + hlen + ", file "
                    + bytes.length + " bytes)");
        }
        int dataStart = 8 + (int) hlen;
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, 8, (int) hlen, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new UserError(where + "header is not valid JSON (" + firstLine(e.getOriginalMessage()) + ")", e);
        }
        if (header == null || !header.isObject()) {
            throw new UserError(where + "header is not a JSON object");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        JsonNode metaNode = header.get("__metadata__");
        if (metaNode != null) {
            if (!metaNode.isObject()) {
                throw new UserError(where + "__metadata__ is not an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = metaNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new UserError(where + "__metadata__ value '" + e.getKey() + "' is not a string");
                }
                meta.put(e.getKey(), e.getValue().asText());
            }
        }
        long dataLen = bytes.length - (long) dataStart;
        long used = 0;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                continue;
            }
            JsonNode t = e.getValue();
            if (!t.isObject()) {
                throw new UserError(where + "tensor '" + name + "' has a malformed header entry");
            }
            String dtype = t.path("dtype").asText();
            int width = switch (dtype) {
                case "F32" -> 4;
                case "F64" -> 8;
                case "F16", "BF16" -> 2;
                default -> throw new UserError(where + "tensor '" + name + "' has unsupported dtype '" + dtype
                        + "' (expected F32, F64, F16 or BF16)");
            };
            JsonNode sh = t.get("shape");
            if (sh == null || !sh.isArray()) {
                throw new UserError(where + "tensor '" + name + "' has no shape");
            }
            long[] shape = new long[sh.size()];
            long n = 1;
            for (int d = 0; d < shape.length; d++) {
                if (!sh.get(d).canConvertToLong() || sh.get(d).asLong() < 0) {
                    throw new UserError(where + "tensor '" + name + "' has a bad shape " + sh);
                }
                shape[d] = sh.get(d).asLong();
                n *= shape[d];
            }
            JsonNode offs = t.get("data_offsets");
            if (offs == null || !offs.isArray() || offs.size() != 2 || !offs.get(0).canConvertToLong()
                    || !offs.get(1).canConvertToLong()) {
                throw new UserError(where + "tensor '" + name + "' has bad data_offsets " + offs);
            }
            long b = offs.get(0).asLong();
            long end = offs.get(1).asLong();
            if (b < 0 || end - b != (long) width * n) {
                throw new UserError(where + "tensor '" + name + "' has data_offsets " + offs
                        + " inconsistent with its shape " + sh + " and dtype " + dtype);
            }
            if (end > dataLen) {
                throw new UserError(where + "truncated (tensor '" + name + "' ends at byte " + end + " of a "
                        + dataLen + "-byte data section)");
            }
            used = Math.max(used, end);
            ByteBuffer bb = ByteBuffer.wrap(bytes, dataStart + (int) b, (int) (end - b)).order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[(int) n];
            for (int k = 0; k < v.length; k++) {
                v[k] = switch (dtype) {
                    case "F32" -> bb.getFloat();
                    case "F64" -> (float) bb.getDouble();
                    case "F16" -> halfToFloat(bb.getShort());
                    default -> Float.intBitsToFloat((bb.getShort() & 0xffff) << 16);
                };
            }
            tensors.put(name, new Tensor(shape, v));
        }
        if (used != dataLen) {
            throw new UserError(where + "data section has " + dataLen + " bytes, tensors use " + used);
        }
        String sha = ThetaFiles.sha256(Arrays.copyOfRange(bytes, dataStart, bytes.length));
        return new Contents(tensors, meta, sha);
    }

    /** IEEE 754 binary16 to float (Float.float16ToFloat needs Java 20). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        float sign = (bits & 0x8000) != 0 ? -1f : 1f;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            return sign * mant * 0x1p-24f;
        }
        if (exp == 31) {
            return mant == 0 ? sign * Float.POSITIVE_INFINITY : Float.NaN;
        }
        return sign * (1f + mant / 1024f) * (float) Math.scalb(1.0, exp - 15);
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
