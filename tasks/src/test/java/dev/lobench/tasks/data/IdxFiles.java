package dev.lobench.tasks.data;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
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

    /**
     * Writes a full-size synthetic Fashion-MNIST directory (60,000 train and 10,000 test images of 28x28, gzipped
     * IDX under the real file names): a label-dependent band plus uniform noise, so the classes are learnable but not
     * trivially; deterministic.
     */
    public static Path fashionMnistShaped(Path dir) throws IOException {
        writeSplit(dir, "train", FashionMnist.TRAIN_COUNT);
        writeSplit(dir, "t10k", FashionMnist.TEST_COUNT);
        return dir;
    }

    /** One split ({@code train} or {@code t10k}) of {@link #fashionMnistShaped}, streamed to disk. */
    public static void writeSplit(Path dir, String prefix, int n) throws IOException {
        Random rng = new Random(prefix.hashCode());
        try (DataOutputStream img = new DataOutputStream(new GZIPOutputStream(new BufferedOutputStream(
                Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte.gz")), 1 << 16)));
             DataOutputStream lab = new DataOutputStream(new GZIPOutputStream(new BufferedOutputStream(
                Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte.gz")))))) {
            img.writeInt(0x00000803);
            img.writeInt(n);
            img.writeInt(28);
            img.writeInt(28);
            lab.writeInt(0x00000801);
            lab.writeInt(n);
            byte[] row = new byte[784];
            for (int i = 0; i < n; i++) {
                int label = rng.nextInt(10);
                for (int j = 0; j < 784; j++) {
                    int y = j / 28;
                    int x = j % 28;
                    boolean band = ((x + y * (label % 3 + 1)) / (label + 2)) % 2 == 0;
                    row[j] = (byte) Math.min(255, (band ? 150 : 30) + rng.nextInt(90));
                }
                img.write(row);
                lab.writeByte(label);
            }
        }
    }
}
