package dev.lobench.tasks.models;

/**
 * Cheap input perturbations for out-of-distribution tasks, applied once to a task instance's copy of the pixels
 * (train and test alike). {@code shift} moves the image content by {@code shift} pixels right and down (negative:
 * left and up) with zero fill; then {@code invert} maps every pixel x to 1 - x (so the fill becomes 1, like the
 * inverted background).
 */
public record InputTransform(boolean invert, int shift, double labelNoise, double lossScale) {

    public static final InputTransform NONE = new InputTransform(false, 0);

    /**
     * @param labelNoise fraction of training labels replaced, once per instance (seeded), by a uniformly drawn
     *     class (test labels are never changed)
     * @param lossScale constant c multiplying the training loss (and so the gradients); test loss is unscaled
     */
    public InputTransform {
        if (!(labelNoise >= 0 && labelNoise <= 1)) {
            throw new IllegalArgumentException("labelNoise must be in [0, 1]");
        }
        if (!(lossScale > 0) || !Double.isFinite(lossScale)) {
            throw new IllegalArgumentException("lossScale must be finite and > 0");
        }
    }

    public InputTransform(boolean invert, int shift) {
        this(invert, shift, 0, 1);
    }

    public boolean isIdentity() {
        return !invert && shift == 0;
    }

    /** Training labels with {@link #labelNoise} of them replaced by uniform random classes (a copy if any change). */
    public byte[] noisyLabels(byte[] labels, int classes, java.util.SplittableRandom rng) {
        if (labelNoise == 0) {
            return labels;
        }
        byte[] out = labels.clone();
        for (int i = 0; i < out.length; i++) {
            if (rng.nextDouble() < labelNoise) {
                out[i] = (byte) rng.nextInt(classes);
            }
        }
        return out;
    }

    /** Returns a transformed copy of {@code count} row-major {@code side x side} images (the input unchanged if identity). */
    public float[] apply(float[] pixels, int count, int side) {
        if (isIdentity()) {
            return pixels;
        }
        float[] out = new float[pixels.length];
        int k = shift;
        for (int n = 0; n < count; n++) {
            int base = n * side * side;
            for (int r = 0; r < side; r++) {
                int sr = r - k;
                for (int c = 0; c < side; c++) {
                    int sc = c - k;
                    float v = (sr >= 0 && sr < side && sc >= 0 && sc < side) ? pixels[base + sr * side + sc] : 0f;
                    out[base + r * side + c] = invert ? 1f - v : v;
                }
            }
        }
        return out;
    }
}
