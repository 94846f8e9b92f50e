package dev.lobench.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lobench.tasks.UserError;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A single-file container: 8-byte magic {@code LOBMETA1}, a little-endian int32 header length, a UTF-8 JSON header
 * ({@code meta} object, {@code arrays} list of name/dtype/length, {@code data_bytes}, {@code crc32}), then the raw
 * little-endian arrays (f32 or f64) in header order.
 *
 * <p>{@link #write} is atomic: it writes {@code .<name>.tmp-*} in the same directory, fsyncs it, renames it over the
 * target with an atomic move and fsyncs the directory. A reader therefore sees the old or the new file, never a
 * partial one; stale temp files of a killed writer are ignored by {@link #read} and removed by the next write.
 */
public final class CheckpointFile {
    private static final byte[] MAGIC = "LOBMETA1".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Header metadata plus named arrays ({@code float[]} or {@code double[]}), in insertion order. */
    public record Contents(ObjectNode meta, Map<String, Object> arrays) {
        public float[] f32(String name) {
            Object a = arrays.get(name);
            if (!(a instanceof float[] f)) {
                throw new UserError("checkpoint lacks f32 array '" + name + "'");
            }
            return f;
        }

        public double[] f64(String name) {
            Object a = arrays.get(name);
            if (!(a instanceof double[] d)) {
                throw new UserError("checkpoint lacks f64 array '" + name + "'");
            }
            return d;
        }
    }

    private CheckpointFile() {}

    public static ObjectNode newMeta() {
        return JSON.createObjectNode();
    }

    public static void write(Path target, ObjectNode meta, Map<String, Object> arrays) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        String prefix = "." + abs.getFileName() + ".tmp-";
        removeStale(dir, prefix);

        long dataBytes = 0;
        ArrayNode list = JSON.createArrayNode();
        for (Map.Entry<String, Object> e : arrays.entrySet()) {
            ObjectNode a = list.addObject();
            a.put("name", e.getKey());
            if (e.getValue() instanceof float[] f) {
                a.put("dtype", "f32").put("length", f.length);
                dataBytes += 4L * f.length;
            } else if (e.getValue() instanceof double[] d) {
                a.put("dtype", "f64").put("length", d.length);
                dataBytes += 8L * d.length;
            } else {
                throw new IllegalArgumentException("unsupported array type for " + e.getKey());
            }
        }
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(dataBytes)).order(ByteOrder.LITTLE_ENDIAN);
        for (Object v : arrays.values()) {
            if (v instanceof float[] f) {
                data.asFloatBuffer().put(f);
                data.position(data.position() + 4 * f.length);
            } else {
                double[] d = (double[]) v;
                data.asDoubleBuffer().put(d);
                data.position(data.position() + 8 * d.length);
            }
        }
        data.flip();
        CRC32 crc = new CRC32();
        crc.update(data.duplicate());

        ObjectNode header = JSON.createObjectNode();
        header.set("meta", meta);
        header.set("arrays", list);
        header.put("data_bytes", dataBytes);
        header.put("crc32", crc.getValue());
        byte[] h = JSON.writeValueAsBytes(header);
        ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 4 + h.length).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).putInt(h.length).put(h).flip();

        Path tmp = dir.resolve(prefix + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (head.hasRemaining()) {
                ch.write(head);
            }
            while (data.hasRemaining()) {
                ch.write(data);
            }
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // directories cannot be opened for fsync on every platform; the rename itself is atomic
        }
    }

    private static void removeStale(Path dir, String prefix) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path p : s) {
                Files.deleteIfExists(p);
            }
        }
    }

    public static Contents read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserError("checkpoint not found: " + file);
        } catch (IOException e) {
            throw new UserError("cannot read checkpoint " + file + ": " + dev.lobench.tasks.IoReason.of(e), e);
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < MAGIC.length + 4) {
            throw corrupt(file, "truncated");
        }
        for (byte b : MAGIC) {
            if (buf.get() != b) {
                throw corrupt(file, "not a lobench meta checkpoint");
            }
        }
        int hlen = buf.getInt();
        if (hlen < 0 || hlen > buf.remaining()) {
            throw corrupt(file, "bad header length");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, buf.position(), hlen, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw corrupt(file, "unreadable header");
        }
        buf.position(buf.position() + hlen);
        long dataBytes = header.path("data_bytes").asLong(-1);
        if (dataBytes != buf.remaining()) {
            throw corrupt(file, "expected " + dataBytes + " data bytes, found " + buf.remaining());
        }
        CRC32 crc = new CRC32();
        crc.update(buf.duplicate());
        if (crc.getValue() != header.path("crc32").asLong(-1)) {
            throw corrupt(file, "checksum mismatch");
        }
        long declared = 0;
        for (JsonNode a : header.path("arrays")) {
            declared += (a.path("dtype").asText().equals("f64") ? 8L : 4L) * Math.max(0, a.path("length").asLong(0));
        }
        if (declared != dataBytes) {
            throw corrupt(file, "arrays declare " + declared + " bytes, data has " + dataBytes);
        }
        Map<String, Object> arrays = new LinkedHashMap<>();
        for (JsonNode a : header.path("arrays")) {
            int n = a.path("length").asInt(-1);
            String dtype = a.path("dtype").asText();
            if (n < 0) {
                throw corrupt(file, "bad array length");
            }
            if (dtype.equals("f32")) {
                float[] f = new float[n];
                buf.asFloatBuffer().get(f);
                buf.position(buf.position() + 4 * n);
                arrays.put(a.path("name").asText(), f);
            } else if (dtype.equals("f64")) {
                double[] d = new double[n];
                buf.asDoubleBuffer().get(d);
                buf.position(buf.position() + 8 * n);
                arrays.put(a.path("name").asText(), d);
            } else {
                throw corrupt(file, "unknown dtype " + dtype);
            }
        }
        if (!(header.get("meta") instanceof ObjectNode meta)) {
            throw corrupt(file, "missing meta");
        }
        return new Contents(meta, arrays);
    }

    private static UserError corrupt(Path file, String why) {
        return new UserError("corrupt checkpoint " + file + " (" + why + "); delete it to start over");
    }
}
