package dev.lobench.tasks.data;

import dev.lobench.tasks.UserError;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

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
        try (InputStream in = open(file, dataset)) {
            int magic = readHeaderInt(in, file, dataset, 16, 0);
            if (magic != IMAGES_MAGIC) {
                throw error(dataset, file, String.format(
                        "bad magic number 0x%08x: expected 0x%08x (unsigned-byte images, 3 dimensions)",
                        magic, IMAGES_MAGIC));
            }
            int count = readHeaderInt(in, file, dataset, 16, 4);
            int rows = readHeaderInt(in, file, dataset, 16, 8);
            int cols = readHeaderInt(in, file, dataset, 16, 12);
            if (count <= 0 || rows <= 0 || cols <= 0) {
                throw error(dataset, file, "bad dimensions " + Integer.toUnsignedString(count) + " x "
                        + Integer.toUnsignedString(rows) + " x " + Integer.toUnsignedString(cols)
                        + ": all must be positive");
            }
            long payload = (long) count * rows * cols;
            if (payload > Integer.MAX_VALUE - 64) {
                throw error(dataset, file, "bad dimensions " + count + " x " + rows + " x " + cols
                        + ": more than 2^31 bytes of pixels");
            }
            byte[] pixels = readPayload(in, file, dataset, 16, (int) payload);
            return new Images(count, rows, cols, pixels);
        } catch (IOException e) {
            throw ioError(dataset, file, e);
        }
    }

    /** Reads a labels file ({@code idx1-ubyte}); every label must lie in {@code 0..numClasses-1}. */
    public static byte[] readLabels(Path file, String dataset, int numClasses) {
        try (InputStream in = open(file, dataset)) {
            int magic = readHeaderInt(in, file, dataset, 8, 0);
            if (magic != LABELS_MAGIC) {
                throw error(dataset, file, String.format(
                        "bad magic number 0x%08x: expected 0x%08x (unsigned-byte labels, 1 dimension)",
                        magic, LABELS_MAGIC));
            }
            int count = readHeaderInt(in, file, dataset, 8, 4);
            if (count <= 0) {
                throw error(dataset, file, "bad label count " + Integer.toUnsignedString(count)
                        + ": must be positive");
            }
            byte[] labels = readPayload(in, file, dataset, 8, count);
            for (int i = 0; i < labels.length; i++) {
                int v = labels[i] & 0xff;
                if (v >= numClasses) {
                    throw error(dataset, file, "bad label " + v + " at index " + i + ": expected 0.."
                            + (numClasses - 1));
                }
            }
            return labels;
        } catch (IOException e) {
            throw ioError(dataset, file, e);
        }
    }

    /** Checks that an images file and its labels file describe the same number of examples. */
    public static void checkSameCount(Images images, Path imagesFile, byte[] labels, Path labelsFile,
                                      String dataset) {
        if (images.count() != labels.length) {
            throw new UserError(dataset + ": " + imagesFile + " has " + images.count() + " images but "
                    + labelsFile + " has " + labels.length + " labels");
        }
    }

    private static InputStream open(Path file, String dataset) throws IOException {
        InputStream raw;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw error(dataset, file, "no such file");
        }
        PushbackInputStream pb = new PushbackInputStream(raw, 2);
        int b0 = pb.read();
        int b1 = b0 < 0 ? -1 : pb.read();
        if (b1 >= 0) {
            pb.unread(b1);
        }
        if (b0 >= 0) {
            pb.unread(b0);
        }
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new BufferedInputStream(new GZIPInputStream(pb, 1 << 16), 1 << 16);
            } catch (ZipException | EOFException e) {
                pb.close();
                throw error(dataset, file, "corrupt gzip: " + e.getMessage());
            }
        }
        return pb;
    }

    private static int readHeaderInt(InputStream in, Path file, String dataset, int headerLen, int at)
            throws IOException {
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int b = in.read();
            if (b < 0) {
                throw error(dataset, file, "truncated: header needs " + headerLen + " bytes, found " + (at + k));
            }
            v = (v << 8) | b;
        }
        return v;
    }

    private static byte[] readPayload(InputStream in, Path file, String dataset, int headerLen, int n)
            throws IOException {
        byte[] out = new byte[n];
        int off = 0;
        while (off < n) {
            int r = in.read(out, off, n - off);
            if (r < 0) {
                throw error(dataset, file, "truncated: expected " + ((long) headerLen + n) + " bytes, found "
                        + ((long) headerLen + off));
            }
            off += r;
        }
        long extra = 0;
        byte[] skip = new byte[8192];
        int r;
        while ((r = in.read(skip)) > 0) {
            extra += r;
        }
        if (extra > 0) {
            throw error(dataset, file, "trailing bytes: expected " + ((long) headerLen + n) + " bytes, found "
                    + ((long) headerLen + n + extra));
        }
        return out;
    }

    private static UserError ioError(String dataset, Path file, IOException e) {
        if (e instanceof ZipException || e instanceof EOFException) {
            return error(dataset, file, "corrupt gzip: " + e.getMessage());
        }
        return error(dataset, file, "cannot read: " + e);
    }

    static UserError error(String dataset, Path file, String problem) {
        return new UserError(dataset + ": " + file + ": " + problem);
    }
}
