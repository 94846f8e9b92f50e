package dev.lobench.optimizers.learned;

import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;

import java.util.Arrays;

/**
 * How one parameter tensor is factored, in its storage axes. See optimizers/LAYOUT.md.
 *
 * <p>The factored axes are decided on the <em>reference-layout</em> shape (the layout of the JAX code: Linear
 * [in, out], conv [kh, kw, in, out]): d0 is the largest axis and d1 the second largest, using a stable ascending
 * sort of the sizes, so on ties the higher reference index counts as larger. The two reference axes are then
 * translated to storage axes ({@link #d0()}, {@link #d1()}), so a weight stored [out, in] is factored exactly like
 * the same mathematical weight stored [in, out] by the reference. All reductions ("mean over d0") are then done on
 * the storage tensor, which only permutes the order of the accumulator entries, not their values.
 *
 * <p>Rank-0 tensors are treated as shape [1]; rank <= 1 is not factored.
 */
public final class FactorPlan {
    private final long[] shape;
    private final int size;
    private final boolean factored;
    private final int d0;
    private final int d1;
    // 5-d view [A, nLo, B, nHi, C] around the two factored storage axes lo = min(d0, d1), hi = max(d0, d1)
    private final int a;
    private final int nLo;
    private final int b;
    private final int nHi;
    private final int c;

    private FactorPlan(long[] shape, boolean factored, int d0, int d1) {
        this.shape = shape;
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        if (n > Integer.MAX_VALUE - 64) {
            throw new UserError("tensor of shape " + Arrays.toString(shape) + " is too large for the learned optimizers");
        }
        this.size = (int) n;
        this.factored = factored;
        this.d0 = d0;
        this.d1 = d1;
        if (factored) {
            int lo = Math.min(d0, d1);
            int hi = Math.max(d0, d1);
            this.a = (int) prod(shape, 0, lo);
            this.nLo = (int) shape[lo];
            this.b = (int) prod(shape, lo + 1, hi);
            this.nHi = (int) shape[hi];
            this.c = (int) prod(shape, hi + 1, shape.length);
        } else {
            this.a = 1;
            this.nLo = 1;
            this.b = 1;
            this.nHi = 1;
            this.c = 1;
        }
    }

    private static long prod(long[] s, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= s[i];
        }
        return p;
    }

    /** The plan for a tensor with the given storage shape and layout. */
    public static FactorPlan of(String name, long[] storageShape, Param.Layout layout) {
        long[] shape = storageShape.length == 0 ? new long[] {1} : storageShape.clone();
        for (long s : shape) {
            if (s <= 0) {
                throw new UserError("tensor '" + name + "' has an empty dimension in shape "
                        + Arrays.toString(storageShape) + "; learned optimizers need non-empty tensors");
            }
        }
        int rank = shape.length;
        if (rank < 2) {
            if (layout != Param.Layout.GENERIC) {
                throw new UserError("tensor '" + name + "' of rank " + storageShape.length + " cannot have layout "
                        + layout + " (expected GENERIC)");
            }
            return new FactorPlan(shape, false, -1, -1);
        }
        int[] refToStorage = refToStorage(name, rank, layout);
        long[] refShape = new long[rank];
        for (int r = 0; r < rank; r++) {
            refShape[r] = shape[refToStorage[r]];
        }
        int[] ref = referenceFactorAxes(refShape);
        return new FactorPlan(shape, true, refToStorage[ref[0]], refToStorage[ref[1]]);
    }

    /**
     * For each reference axis r, the storage axis that holds it. GENERIC: identity. LINEAR_OUT_IN (rank 2): storage
     * [out, in], reference [in, out]. CONV_OIHW (rank >= 3): storage [out, in, s1..sk], reference [s1..sk, in, out].
     */
    public static int[] refToStorage(String name, int rank, Param.Layout layout) {
        int[] m = new int[rank];
        switch (layout) {
            case GENERIC -> {
                for (int i = 0; i < rank; i++) {
                    m[i] = i;
                }
            }
            case LINEAR_OUT_IN -> {
                if (rank != 2) {
                    throw new UserError("tensor '" + name + "' has layout LINEAR_OUT_IN but rank " + rank
                            + " (expected 2)");
                }
                m[0] = 1;
                m[1] = 0;
            }
            case CONV_OIHW -> {
                if (rank < 3) {
                    throw new UserError("tensor '" + name + "' has layout CONV_OIHW but rank " + rank
                            + " (expected >= 3)");
                }
                int k = rank - 2;
                for (int j = 0; j < k; j++) {
                    m[j] = 2 + j;
                }
                m[k] = 1;
                m[k + 1] = 0;
            }
            default -> throw new IllegalStateException(String.valueOf(layout));
        }
        return m;
    }

    /**
     * {d0, d1} for a shape in reference layout: stable ascending sort of the sizes (ties keep index order), d0 the
     * last (largest) entry, d1 the one before. Requires rank >= 2.
     */
    public static int[] referenceFactorAxes(long[] refShape) {
        Integer[] idx = new Integer[refShape.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> Long.compare(refShape[x], refShape[y])); // TimSort: stable
        return new int[] {idx[idx.length - 1], idx[idx.length - 2]};
    }

    /** The shape the optimizer works on (rank-0 replaced by [1]). */
    public long[] shape() {
        return shape.clone();
    }

    public int size() {
        return size;
    }

    public boolean factored() {
        return factored;
    }

    /** Storage axis of the largest reference axis (the spec's d0), or -1 if not factored. */
    public int d0() {
        return d0;
    }

    /** Storage axis of the second largest reference axis (the spec's d1), or -1 if not factored. */
    public int d1() {
        return d1;
    }

    /** Axis index of d1 inside v_row (the shape without d0). */
    public int d1InRow() {
        return d1 > d0 ? d1 - 1 : d1;
    }

    /** Number of entries of v_row (the shape without axis d0). */
    public int rowSize() {
        return size / (int) shape[d0];
    }

    /** Number of entries of v_col (the shape without axis d1). */
    public int colSize() {
        return size / (int) shape[d1];
    }

    public long[] rowShape() {
        return without(d0);
    }

    public long[] colShape() {
        return without(d1);
    }

    private long[] without(int axis) {
        long[] s = new long[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != axis) {
                s[j++] = shape[i];
            }
        }
        return s;
    }

    // ---- 5-d view used by the fused kernel ----
    int outerA() {
        return a;
    }

    int nLo() {
        return nLo;
    }

    int midB() {
        return b;
    }

    int nHi() {
        return nHi;
    }

    int innerC() {
        return c;
    }

    /** True if d0 is the lower of the two factored storage axes. */
    boolean d0IsLo() {
        return d0 < d1;
    }
}
