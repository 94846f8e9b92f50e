package dev.lobench.tasks.data;

import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.UserError;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fashion-MNIST (Xiao et al. 2017): 60,000 training and 10,000 test images of 28x28 grey pixels, 10 classes.
 *
 * <p>Pixels are returned as floats in [0, 1] (byte / 255). At {@code side = 8} every image is downsampled by area
 * averaging ("FashionMnist8" of the learned-optimizer literature), see {@link #areaResize}.
 *
 * <p>Loaded splits are cached in-process (keyed by the real directory and side): several tasks share one copy.
 * Callers must treat the returned arrays as read-only.
 */
public final class FashionMnist {

    public static final String NAME = "fashion-mnist";
    public static final int CLASSES = 10;
    public static final int SIDE = 28;
    public static final int TRAIN_COUNT = 60_000;
    public static final int TEST_COUNT = 10_000;

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";
    public static final String[] FILES = {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS};

    private static final Map<String, Data> CACHE = new ConcurrentHashMap<>();

    private FashionMnist() {
    }

    /** One split: {@code count} images of {@code side x side} floats in [0, 1], row-major, and their labels. */
    public record Split(int count, int side, float[] pixels, byte[] labels) {
        public int features() {
            return side * side;
        }
    }

    /** Both splits and the directory they came from. */
    public record Data(Path dir, Split train, Split test) {
    }

    /** Locates the dataset (see {@link DataLocator}) and loads it at {@code side} 28 or 8. */
    public static Data load(DataContext ctx, int side) {
        return load(new DataLocator().require(ctx), side);
    }

    /**
     * Loads the four files from {@code dir} at {@code side} 28 (native) or 8 (area-downsampled). The full-size
     * dataset must have exactly 60,000 training and 10,000 test images of 28x28 pixels; {@link #loadAny} accepts
     * other counts (used by tests with tiny generated files).
     */
    public static Data load(Path dir, int side) {
        Data d = loadAny(dir, side);
        checkCount(dir.resolve(TRAIN_IMAGES), d.train().count(), TRAIN_COUNT);
        checkCount(dir.resolve(TEST_IMAGES), d.test().count(), TEST_COUNT);
        return d;
    }

    /** Like {@link #load(Path, int)} but accepts any positive number of 28x28 images per split. */
    public static Data loadAny(Path dir, int side) {
        if (side != SIDE && side != 8) {
            throw new UserError(NAME + ": resolution " + side + " is not supported: use 28 or 8");
        }
        String key;
        try {
            key = dir.toRealPath() + "#" + side;
        } catch (IOException e) {
            throw new UserError(NAME + ": " + dir + ": directory not readable: " + e.getMessage());
        }
        return CACHE.computeIfAbsent(key, k -> new Data(dir,
                loadSplit(dir.resolve(TRAIN_IMAGES), dir.resolve(TRAIN_LABELS), side),
                loadSplit(dir.resolve(TEST_IMAGES), dir.resolve(TEST_LABELS), side)));
    }

    /** Drops all cached splits (tests; or to free memory). */
    public static void clearCache() {
        CACHE.clear();
    }

    private static void checkCount(Path file, int found, int expected) {
        if (found != expected) {
            throw new UserError(NAME + ": " + file + ": expected " + expected + " images, found " + found
                    + " (not the official Fashion-MNIST file)");
        }
    }

    private static Split loadSplit(Path imagesFile, Path labelsFile, int side) {
        Idx.Images images = Idx.readImages(imagesFile, NAME);
        if (images.rows() != SIDE || images.cols() != SIDE) {
            throw new UserError(NAME + ": " + imagesFile + ": images are " + images.rows() + "x" + images.cols()
                    + ", expected 28x28");
        }
        byte[] labels = Idx.readLabels(labelsFile, NAME, CLASSES);
        Idx.checkSameCount(images, imagesFile, labels, labelsFile, NAME);
        float[] full = toUnitFloats(images.pixels());
        float[] px = side == SIDE ? full : areaResize(full, images.count(), SIDE, side);
        return new Split(images.count(), side, px, labels);
    }

    /** Bytes 0..255 to floats in [0, 1]. */
    public static float[] toUnitFloats(byte[] bytes) {
        float[] out = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = (bytes[i] & 0xff) / 255f;
        }
        return out;
    }

    /**
     * Area (box) resize of {@code count} square images from {@code from x from} to {@code to x to}, {@code to <=
     * from}. Output pixel {@code (i, j)} is the mean of the input over the square
     * {@code [i*s, (i+1)*s) x [j*s, (j+1)*s)} with {@code s = from / to}, where an input pixel that the square
     * covers only partly counts with the covered fraction (TensorFlow's {@code method="area"}, OpenCV's
     * {@code INTER_AREA}). For 28 to 8, {@code s = 3.5}: output pixel 0 averages input rows/cols 0, 1, 2 fully and
     * 3 half. The resize is separable: {@code out = W x W^T} with the 1-D weight matrix W (rows sum to 1).
     * Accumulates in double.
     */
    public static float[] areaResize(float[] src, int count, int from, int to) {
        if (to > from || to <= 0) {
            throw new IllegalArgumentException("area resize needs 0 < to <= from, got " + from + " -> " + to);
        }
        double[][] w = areaWeights(from, to);
        float[] out = new float[count * to * to];
        double[] tmp = new double[to * from];
        for (int n = 0; n < count; n++) {
            int base = n * from * from;
            // rows: tmp[i][c] = sum_r w[i][r] * src[r][c]
            java.util.Arrays.fill(tmp, 0);
            for (int i = 0; i < to; i++) {
                for (int r = 0; r < from; r++) {
                    double wr = w[i][r];
                    if (wr == 0) {
                        continue;
                    }
                    int srow = base + r * from;
                    for (int c = 0; c < from; c++) {
                        tmp[i * from + c] += wr * src[srow + c];
                    }
                }
            }
            int obase = n * to * to;
            for (int i = 0; i < to; i++) {
                for (int j = 0; j < to; j++) {
                    double s = 0;
                    for (int c = 0; c < from; c++) {
                        s += w[j][c] * tmp[i * from + c];
                    }
                    out[obase + i * to + j] = (float) s;
                }
            }
        }
        return out;
    }

    /** The 1-D area weights: {@code w[i][k]} = covered fraction of input cell k by output cell i, divided by s. */
    static double[][] areaWeights(int from, int to) {
        double s = (double) from / to;
        double[][] w = new double[to][from];
        for (int i = 0; i < to; i++) {
            double lo = i * s;
            double hi = (i + 1) * s;
            for (int k = (int) Math.floor(lo); k < Math.min(from, (int) Math.ceil(hi)); k++) {
                double overlap = Math.min(hi, k + 1) - Math.max(lo, k);
                if (overlap > 0) {
                    w[i][k] = overlap / s;
                }
            }
        }
        return w;
    }
}
