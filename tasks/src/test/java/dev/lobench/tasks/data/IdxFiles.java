package dev.lobench.tasks.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Test helper: writes tiny IDX files (header bytes written by hand, big-endian). */
public final class IdxFiles {
    private IdxFiles() {
    }

    public static byte[] imagesBytes(int count, int rows, int cols, byte[] pixels) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        writeInt(b, 0x00000803);
        writeInt(b, count);
        writeInt(b, rows);
        writeInt(b, cols);
        b.writeBytes(pixels);
        return b.toByteArray();
    }

    public static byte[] labelsBytes(byte[] labels) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        writeInt(b, 0x00000801);
        writeInt(b, labels.length);
        b.writeBytes(labels);
        return b.toByteArray();
    }

    static void writeInt(ByteArrayOutputStream b, int v) {
        b.write(v >>> 24);
        b.write(v >>> 16);
        b.write(v >>> 8);
        b.write(v);
    }

    public static Path gz(Path file, byte[] content) throws IOException {
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(file))) {
            o.write(content);
        }
        return file;
    }

    /**
     * Writes a complete tiny Fashion-MNIST-shaped directory: {@code train} and {@code test} random 28x28 images
     * whose labels are a simple function of the pixels (so models can learn), all gzipped.
     */
    public static Path tinyDataset(Path dir, int train, int test, long seed) throws IOException {
        Random r = new Random(seed);
        write(dir, FashionMnist.TRAIN_IMAGES, FashionMnist.TRAIN_LABELS, train, r);
        write(dir, FashionMnist.TEST_IMAGES, FashionMnist.TEST_LABELS, test, r);
        return dir;
    }

    private static void write(Path dir, String images, String labels, int n, Random r) throws IOException {
        byte[] px = new byte[n * 784];
        byte[] lb = new byte[n];
        for (int i = 0; i < n; i++) {
            int label = r.nextInt(10);
            lb[i] = (byte) label;
            for (int p = 0; p < 784; p++) {
                int v = r.nextInt(64);
                if (p / 78 == label) {
                    v += 160; // a bright band whose position encodes the label
                }
                px[i * 784 + p] = (byte) v;
            }
        }
        gz(dir.resolve(images), imagesBytes(n, 28, 28, px));
        gz(dir.resolve(labels), labelsBytes(lb));
    }
}
