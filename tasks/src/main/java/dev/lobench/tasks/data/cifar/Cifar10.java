package dev.lobench.tasks.data.cifar;

import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reader for CIFAR-10 in its standard binary format ({@code cifar-10-binary.tar.gz}, extracted as
 * {@code cifar-10-batches-bin/}): train files {@code data_batch_1.bin .. data_batch_5.bin}, test file
 * {@code test_batch.bin}; each file is a sequence of 3073-byte records, one label byte (0..9) then 3072 pixel bytes
 * (the 1024 red, then 1024 green, then 1024 blue values of a 32x32 image, rows top to bottom). The official files
 * hold 10000 records each; the reader accepts any positive whole number of records.
 *
 * <p>Search order, the first directory holding any of the six files wins: {@code <data dir>/cifar-10-batches-bin},
 * {@code <data dir>} itself, {@code $LOBENCH_DATA/cifar-10-batches-bin},
 * {@code ~/.cache/lobench/cifar-10-batches-bin}. Nothing is downloaded. Problems (missing directory or file, a size
 * that is not a multiple of 3073, a label outside 0..9) are one-line {@link UserError}s naming the file.
 */
public final class Cifar10 {
    public static final String DIR_NAME = "cifar-10-batches-bin";
    public static final String URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
    public static final int SIDE = 32;
    public static final int CHANNELS = 3;
    public static final int PIXELS = CHANNELS * SIDE * SIDE;
    public static final int RECORD = 1 + PIXELS;
    public static final int CLASSES = 10;
    public static final List<String> CLASS_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");
    public static final List<String> TRAIN_FILES = List.of("data_batch_1.bin", "data_batch_2.bin",
            "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    public static final List<String> TEST_FILES = List.of("test_batch.bin");

    public enum Split {
        TRAIN, TEST;

        public List<String> files() {
            return this == TRAIN ? TRAIN_FILES : TEST_FILES;
        }
    }

    /**
     * Images of one split, in file order. {@code pixels} holds {@code count * 3072} unsigned bytes, image i at offset
     * {@code i * 3072} in channel-major order ([3, 32, 32], as in the files); {@code labels} holds the class of each.
     */
    public record Images(byte[] labels, byte[] pixels, int count) {
        public int label(int i) {
            return labels[i];
        }

        /** Pixel value 0..255 of image i, channel c, row y, column x. */
        public int pixel(int i, int c, int y, int x) {
            return pixels[i * PIXELS + c * SIDE * SIDE + y * SIDE + x] & 0xFF;
        }

        /** Writes images [from, from + n) scaled to [0, 1] into dst (length at least n * 3072), [n, 3, 32, 32]. */
        public void toFloats(int from, int n, float[] dst) {
            int off = from * PIXELS;
            for (int k = 0; k < n * PIXELS; k++) {
                dst[k] = (pixels[off + k] & 0xFF) * (1f / 255f);
            }
        }
    }

    private Cifar10() {}

    /** Reads {@code split} from the first directory of the search order. */
    public static Images load(DataContext data, Split split) {
        return read(locate(data), split);
    }

    /** The directory holding the CIFAR-10 binary files. */
    public static Path locate(DataContext data) {
        return locate(data, System.getenv("LOBENCH_DATA"), Path.of(System.getProperty("user.home")));
    }

    /** {@link #locate(DataContext)} with the given {@code $LOBENCH_DATA} value and home directory (null: none). */
    public static Path locate(DataContext data, String lobenchData, Path home) {
        List<Path> candidates = new ArrayList<>();
        data.dataDir().ifPresent(d -> {
            candidates.add(d.resolve(DIR_NAME));
            candidates.add(d);
        });
        if (lobenchData != null && !lobenchData.isBlank()) {
            candidates.add(Path.of(lobenchData).resolve(DIR_NAME));
        }
        if (home != null) {
            candidates.add(home.resolve(".cache").resolve("lobench").resolve(DIR_NAME));
        }
        List<String> tried = new ArrayList<>();
        for (Path dir : candidates) {
            tried.add(dir.toString());
            for (Split s : Split.values()) {
                for (String f : s.files()) {
                    if (Files.isRegularFile(dir.resolve(f))) {
                        return dir;
                    }
                }
            }
        }
        throw new UserError("CIFAR-10 binary files not found; looked in " + String.join(", ", tried)
                + "; download " + URL + " and extract it into ~/.cache/lobench/ (or $LOBENCH_DATA)");
    }

    /** Reads and validates the files of {@code split} in {@code dir}. */
    public static Images read(Path dir, Split split) {
        List<byte[]> contents = new ArrayList<>();
        long records = 0;
        for (String name : split.files()) {
            Path f = dir.resolve(name);
            if (!Files.isRegularFile(f)) {
                throw new UserError("CIFAR-10 file " + f + " is missing (" + split.name().toLowerCase()
                        + " split needs " + String.join(", ", split.files()) + "); extract " + URL + " again");
            }
            byte[] b;
            try {
                b = Files.readAllBytes(f);
            } catch (IOException e) {
                throw new UserError("cannot read CIFAR-10 file " + f + ": " + dev.lobench.tasks.IoReason.of(e), e);
            } catch (OutOfMemoryError e) {
                throw new UserError("CIFAR-10 file " + f + " is too large to be a CIFAR-10 batch", e);
            }
            if (b.length == 0 || b.length % RECORD != 0) {
                throw new UserError("CIFAR-10 file " + f + " has " + b.length
                        + " bytes, not a positive multiple of the record size " + RECORD
                        + " (1 label + 3072 pixels); the file is truncated or not the binary version");
            }
            for (int r = 0; r < b.length / RECORD; r++) {
                int label = b[r * RECORD] & 0xFF;
                if (label >= CLASSES) {
                    throw new UserError("CIFAR-10 file " + f + ": record " + r + " has label " + label
                            + ", expected 0..9 (is this CIFAR-100?)");
                }
            }
            contents.add(b);
            records += b.length / RECORD;
        }
        if (records * PIXELS > Integer.MAX_VALUE - 16) {
            throw new UserError("CIFAR-10 directory " + dir + ": " + records + " records are too many for one split");
        }
        int n = (int) records;
        byte[] labels = new byte[n];
        byte[] pixels = new byte[n * PIXELS];
        int i = 0;
        for (byte[] b : contents) {
            for (int r = 0; r < b.length / RECORD; r++, i++) {
                labels[i] = b[r * RECORD];
                System.arraycopy(b, r * RECORD + 1, pixels, i * PIXELS, PIXELS);
            }
        }
        return new Images(labels, pixels, n);
    }
}
