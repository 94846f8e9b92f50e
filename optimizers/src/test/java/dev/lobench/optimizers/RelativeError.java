package dev.lobench.optimizers;

/** Test helper: how far two runs' tensors are apart. */
public final class RelativeError {
    private RelativeError() {}

    /** {@code ||a - b||_2 / ||a||_2}. */
    public static double l2(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(a.length + " != " + b.length + " elements");
        }
        double diff = 0;
        double norm = 0;
        for (int j = 0; j < a.length; j++) {
            diff += Math.pow((double) a[j] - b[j], 2);
            norm += Math.pow(a[j], 2);
        }
        return Math.sqrt(diff / norm);
    }
}
