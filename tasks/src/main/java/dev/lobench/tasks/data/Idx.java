package dev.lobench.tasks.data;

import dev.lobench.tasks.UserError;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reader for the IDX format of MNIST-style datasets (http://yann.lecun.com/exdb/mnist/), gzipped or plain; the
 * format is detected from the gzip magic bytes, not the file name.
 *
 * <p>Validated strictly: magic number ({@code 0x00000803} for unsigned-byte images with 3 dimensions,
 * {@code 0x00000801} for unsigned-byte labels with 1), positive dimensions, the exact payload length (a short file is
 * "truncated", extra bytes are "trailing bytes"), gzip integrity, and label range. Every problem is a
 * {@link UserError} whose one-line message starts with {@code <dataset>: <file>: }.
 */
public final class Idx {

    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;

    private Idx() {
    }

    /** Unsigned-byte images, row-major {@code [count][rows][cols]}. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        /** Pixel {@code (r, c)} of image {@code i} as 0..255. */
        public int pixel(int i, int r, int c) {
            return pixels[(i * rows + r) * cols + c] & 0xff;
        }
    }

    /** Reads an images file ({@code idx3-ubyte}). */
    public static Images readImages(Path file, String dataset) {
        byte[] b = readAll(file, dataset);
        int magic = headerInt(b, file, dataset, 16, 0);
        if (magic != IMAGES_MAGIC) {
            throw error(dataset, file, String.format(
                    "bad magic number 0x%08x: expected 0x%08x (unsigned-byte images, 3 dimensions)",
                    magic, IMAGES_MAGIC));
        }
        int count = headerInt(b, file, dataset, 16, 4);
        int rows = headerInt(b, file, dataset, 16, 8);
        int cols = headerInt(b, file, dataset, 16, 12);
        if (count <= 0 || rows <= 0 || cols <= 0) {
            throw error(dataset, file, "bad dimensions " + Integer.toUnsignedString(count) + " x "
                    + Integer.toUnsignedString(rows) + " x " + Integer.toUnsignedString(cols)
                    + ": all must be positive");
        }
        long payload = (long) count * rows * cols;
        checkLength(b, file, dataset, 16 + payload);
        return new Images(count, rows, cols, Arrays.copyOfRange(b, 16, b.length));
    }

    /** Reads a labels file ({@code idx1-ubyte}); every label must lie in {@code 0..numClasses-1}. */
    public static byte[] readLabels(Path file, String dataset, int numClasses) {
        byte[] b = readAll(file, dataset);
        int magic = headerInt(b, file, dataset, 8, 0);
        if (magic != LABELS_MAGIC) {
            throw error(dataset, file, String.format(
                    "bad magic number 0x%08x: expected 0x%08x (unsigned-byte labels, 1 dimension)",
                    magic, LABELS_MAGIC));
        }
        int count = headerInt(b, file, dataset, 8, 4);
        if (count <= 0) {
            throw error(dataset, file, "bad label count " + Integer.toUnsignedString(count) + ": must be positive");
        }
        checkLength(b, file, dataset, 8L + count);
        byte[] labels = Arrays.copyOfRange(b, 8, b.length);
        for (int i = 0; i < labels.length; i++) {
            int v = labels[i] & 0xff;
            if (v >= numClasses) {
                throw error(dataset, file, "bad label " + v + " at index " + i + ": expected 0.." + (numClasses - 1));
            }
        }
        return labels;
    }

    /** Checks that an images file and its labels file describe the same number of examples. */
    public static void checkSameCount(Images images, Path imagesFile, byte[] labels, Path labelsFile,
                                      String dataset) {
        if (images.count() != labels.length) {
            throw new UserError(dataset + ": " + imagesFile + " has " + images.count() + " images but "
                    + labelsFile + " has " + labels.length + " labels");
        }
    }

    /**
     * The whole (decompressed) content. Reading a gzip stream to its end verifies its CRC and length, so corruption
     * is reported as such before any header is parsed.
     */
    private static byte[] readAll(Path file, String dataset) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw error(dataset, file, "no such file");
        } catch (IOException e) {
            throw error(dataset, file, "cannot read: " + e);
        }
        if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw error(dataset, file, "corrupt gzip: " + e.getMessage());
            }
        }
        return raw;
    }

    private static int headerInt(byte[] b, Path file, String dataset, int headerLen, int at) {
        if (b.length < headerLen) {
            throw error(dataset, file, "truncated: header needs " + headerLen + " bytes, found " + b.length);
        }
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    private static void checkLength(byte[] b, Path file, String dataset, long expected) {
        if (b.length < expected) {
            throw error(dataset, file, "truncated: expected " + expected + " bytes, found " + b.length);
        }
        if (b.length > expected) {
            throw error(dataset, file, "trailing bytes: expected " + expected + " bytes, found " + b.length);
        }
    }

    static UserError error(String dataset, Path file, String problem) {
        return new UserError(dataset + ": " + file + ": " + problem);
    }
}
