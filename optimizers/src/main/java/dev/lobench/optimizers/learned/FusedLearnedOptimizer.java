package dev.lobench.optimizers.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.lobench.optimizers.OptState;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;

/**
 * Fused CPU implementation of star / small-fc: no [N, 39] feature matrix. Per tensor and step:
 * <ol>
 *   <li>factored tensors: the two Adafactor reductions (they only read g; each output owned by one task), then the
 *       per-row / per-column factors and rsqrt features;</li>
 *   <li>stats pass: momentum / RMS (and, non-factored, per-element Adafactor) updates and the sums of squares of the
 *       28 normalised channels. For factored tensors only the 16 per-element channels are summed per element (in
 *       per-lane accumulators); the 12 broadcast channels (v_row, v_col and their rsqrt) are summed on the
 *       accumulators, weighted by how many elements each entry is broadcast to;</li>
 *   <li>update pass: recompute the features block by block in small L1-resident scratch arrays, fold the
 *       normalisation into the first-layer weights and the 11 time features into its bias, run the 39-4-4-K MLP and
 *       write the parameter. For factored tensors the layer-0 contribution of the broadcast channels (and the bias)
 *       is computed once per v_row / v_col entry and only added per element.</li>
 * </ol>
 * Work is split into fixed chunks of {@value #CHUNK} elements regardless of the thread count, and per-chunk partial
 * sums are added in chunk order, so results are bit-identical for any number of threads. Optimizer state lives in
 * Java float arrays; parameters and gradients are read and written in place through direct views of the tensors'
 * native memory when DJL allows it (see {@link NativeAccess}).
 *
 * <p>Performance notes (HotSpot C2, JDK 17; see optimizers/LAYOUT.md): the element loops are written so that C2
 * auto-vectorises them: every loop indexes all its arrays with the same {@code [i]} (state slices are copied into
 * block scratch first), and the MLP is a sequence of loops over at most two input arrays and one output
 * ({@code madd2}, {@code set2}, {@code mul}, ...); wider loop bodies stay scalar. exp(0.001 a) uses a degree-5
 * polynomial for |0.001 a| <= 1/16 (within 1 ulp of {@code (float) Math.exp}) and Math.exp beyond.
 *
 * <p>When {@link Simd#ENABLED}, the per-element passes of factored tensors run as Vector API loops
 * ({@link SimdKernels}) with bit-identical results; a block with an exp argument outside the polynomial's range is
 * redone with the scalar loops.
 */
public final class FusedLearnedOptimizer extends LearnedOptimizer implements dev.lobench.optimizers.BufferUpdate {
    /**
     * Elements per parallel task. Small enough that two threads share a 100k-element tensor evenly (7 chunks of 16384
     * left one thread 4 and the other 3), large enough that the per-chunk lane sums stay a small part of the work.
     */
    static final int CHUNK = 4096;
    static final int L = 256;
    /** Rows summed in float before the double accumulation in the reduction over the lo axis. */
    static final int LO_GROUP = 16;
    private static final int NF = Theta.NORMALISED_INPUTS;
    /** Factored tensors: number of per-element (not broadcast) normalised channels (0..12 and 25..27). */
    static final int NSQ = 16;
    /** Per-lane sum arrays in the scratch: star's {@value #NSQ}, and velo-style's extra channels and tensor sums. */
    static final int SQ_SLOTS = 24;
    /** |x| up to which {@link #expSmall} is used for exp(x); beyond it Math.exp. */
    static final float EXP_POLY_MAX = 0.0625f;

    private final int threads;
    /** Factored tensors' per-element passes through {@link SimdKernels} (bit-identical to the scalar loops). */
    private final boolean simd;
    private volatile ForkJoinPool pool;

    /**
     * @param threads number of threads (the caller included); 0 = use the common ForkJoinPool (its parallelism + the
     *                caller).
     */
    public FusedLearnedOptimizer(Theta theta, float weightDecay, int threads) {
        this(theta, weightDecay, threads, Simd.ENABLED);
    }

    /** As above; simd = false forces the scalar loops (simd = true needs {@link Simd#ENABLED}). */
    FusedLearnedOptimizer(Theta theta, float weightDecay, int threads, boolean simd) {
        super(theta, weightDecay);
        if (threads < 0) {
            throw new UserError("threads must be >= 0, got " + threads);
        }
        if (simd && !Simd.ENABLED) {
            throw new IllegalStateException("vector kernels unavailable: " + Simd.describe());
        }
        this.threads = threads;
        this.simd = simd;
    }

    /** Whether this instance runs the vector kernels. */
    public boolean simd() {
        return simd;
    }

    @Override
    public Impl impl() {
        return Impl.FUSED;
    }

    // ------------------------------------------------------------------ state

    /** State of the fused implementation: Java float arrays. Slot names match {@link ReferenceLearnedOptimizer}. */
    public static final class State implements OptState {
        final Accumulators[] tensors;
        long t;

        State(Accumulators[] tensors) {
            this.tensors = tensors;
        }

        public long iteration() {
            return t;
        }

        /** Every tensor's slots, keyed {@code tensor/slot}. */
        private Map<String, float[]> slots() {
            Map<String, float[]> out = new LinkedHashMap<>();
            for (Accumulators ts : tensors) {
                ts.slots().forEach((k, a) -> out.put(ts.name + "/" + k, a));
            }
            return out;
        }

        @Override
        public Map<String, float[]> export() {
            return SlotState.export(slots(), t);
        }

        @Override
        public void restore(Map<String, float[]> values) {
            t = SlotState.restore(slots(), values);
        }
    }

    @Override
    public OptState init(List<Param> params) {
        if (params.isEmpty()) {
            throw new UserError("learned optimizer: no parameters to optimize");
        }
        Accumulators[] ts = new Accumulators[params.size()];
        for (int i = 0; i < ts.length; i++) {
            Param p = params.get(i);
            if (!p.array().getDevice().getDeviceType().equals(ai.djl.Device.Type.CPU)) {
                throw new UserError("the fused learned optimizer runs on CPU only; parameter '" + p.name() + "' is on "
                        + p.array().getDevice() + " (use impl=reference)");
            }
            ts[i] = new Accumulators(p.name(), FactorPlan.of(p.name(), p.array().getShape().getShape(), p.layout()));
        }
        return new State(ts);
    }

    // ------------------------------------------------------------------ scratch

    static final class Scratch {
        final float[][] f = new float[NF][L];
        final float[] g = new float[L];
        final float[] p = new float[L];
        final float[] r = new float[L];
        final float[] h0 = new float[L];
        final float[] h1 = new float[L];
        final float[] h2 = new float[L];
        final float[] h3 = new float[L];
        final float[] o0 = new float[L];
        final float[] o1 = new float[L];
        final float[] o2 = new float[L];
        final float[] o3 = new float[L];
        // block copies of the state (every vectorised loop indexes its arrays with the same [i]: C2 does not
        // vectorise loops that mix a[off + i] with b[i], it cannot rule out aliasing)
        final float[] m0 = new float[L];
        final float[] m1 = new float[L];
        final float[] m2 = new float[L];
        final float[] rms = new float[L];
        final float[][] v = new float[3][L];
        final float[] gh = new float[L];
        final float[] t = new float[L];
        final float[][] z = new float[4][L];
        final float[] e1 = new float[L];
        final float[] e2 = new float[L];
        final float[] e3 = new float[L];
        final float[][] rf = new float[3][L]; // row_factor_k gathered for the block
        final float[][] cf = new float[3][L]; // col_factor_k gathered for the block
        final float[][] rh = new float[4][L]; // rowH gathered
        final float[][] ch = new float[4][L]; // colH gathered
        final float[][] sq = new float[SQ_SLOTS][L]; // per-lane sums (of squares) over one chunk
        final double[] qacc = new double[L];
        final double[] sums = new double[NF];
        double[] acc = new double[64];

        double[] acc(int n) {
            if (acc.length < n) {
                acc = new double[n];
            }
            return acc;
        }
    }

    /** Per-thread block scratch (also velo-style's). */
    static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    // ------------------------------------------------------------------ parallel helper

    /** Runs body(0) .. body(nTasks - 1), possibly on several threads (the caller waits for all). */
    interface Parallel {
        void run(int nTasks, IntConsumer body);
    }

    private void parallel(int nTasks, IntConsumer body) {
        int workers = threads == 0 ? ForkJoinPool.getCommonPoolParallelism() + 1 : threads;
        if (Math.min(workers, nTasks) <= 1) {
            for (int i = 0; i < nTasks; i++) {
                body.accept(i);
            }
            return;
        }
        dev.lobench.optimizers.ParallelLoop.run(pool(), workers, nTasks, body);
    }

    private ForkJoinPool pool() {
        if (threads == 0) {
            return ForkJoinPool.commonPool();
        }
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (this) {
                p = pool;
                if (p == null) {
                    p = new ForkJoinPool(Math.max(1, threads - 1));
                    pool = p;
                }
            }
        }
        return p;
    }

    // ------------------------------------------------------------------ step


    @Override
    public void update(List<Param> params, List<NDArray> grads, float loss, long step, OptState state) {
        State st = castState(state, State.class);
        FactorPlan[] plans = new FactorPlan[st.tensors.length];
        for (int i = 0; i < plans.length; i++) {
            plans[i] = st.tensors[i].plan;
        }
        checkCall(params, grads, plans);
        float[] time = Theta.timeFeatures(st.t);
        for (int i = 0; i < plans.length; i++) {
            stepTensor(params.get(i).array(), grads.get(i), st.tensors[i], time);
        }
        st.t++;
    }

    @Override
    public void updateBuffers(FloatBuffer[] params, FloatBuffer[] grads, float loss, long step, OptState state) {
        State st = castState(state, State.class);
        checkBuffers(params, grads, st.tensors);
        float[] time = Theta.timeFeatures(st.t);
        for (int i = 0; i < st.tensors.length; i++) {
            stepBuffers(grads[i], params[i], st.tensors[i], time);
        }
        st.t++;
    }

    /** Checks that there is one parameter and one gradient buffer of the state's size per tensor. */
    static void checkBuffers(FloatBuffer[] params, FloatBuffer[] grads, Accumulators[] tensors) {
        if (params.length != tensors.length || grads.length != tensors.length) {
            throw new UserError("learned optimizer state was made for " + tensors.length + " tensors but update got "
                    + params.length + " parameter and " + grads.length + " gradient buffers");
        }
        for (int i = 0; i < tensors.length; i++) {
            if (params[i].capacity() != tensors[i].n || grads[i].capacity() != tensors[i].n) {
                throw new UserError("buffers of '" + tensors[i].name + "' hold " + params[i].capacity() + " / "
                        + grads[i].capacity() + " values but the tensor has " + tensors[i].n);
            }
        }
    }

    private void stepTensor(NDArray param, NDArray grad, Accumulators s, float[] time) {
        FloatBuffer gb = NativeAccess.readable(grad);
        FloatBuffer pb = NativeAccess.view(param);
        boolean copyBack = false;
        if (pb == null) {
            if (param.getDataType() != DataType.FLOAT32) {
                throw new UserError("the fused learned optimizer needs float32 parameters; got "
                        + param.getDataType() + " (use impl=reference)");
            }
            if (s.staging == null) {
                s.staging = ByteBuffer.allocateDirect(4 * s.n).order(ByteOrder.nativeOrder());
            }
            pb = s.staging.asFloatBuffer();
            pb.put(0, param.toFloatArray());
            copyBack = true;
        }
        stepBuffers(gb, pb, s, time);
        if (copyBack) {
            param.set(s.staging);
        }
    }

    /** One step of one tensor whose gradient and parameters are in {@code g} and {@code p} (p updated in place). */
    private void stepBuffers(FloatBuffer g, FloatBuffer p, Accumulators s, float[] time) {
        int n = s.n;
        int nChunks = (n + CHUNK - 1) / CHUNK;
        double[] sumsq = new double[NF];
        boolean factored = s.plan.factored();
        if (factored) {
            // Adafactor reductions first (they only read g), then one pass: momentum / rms updates and the sums of
            // squares of the 16 per-element channels; the 12 broadcast channels are summed on v_row / v_col.
            reduceFactored(s, g, adaDecay, false, this::parallel);
            Accumulators.deriveFactored(s);
            double[] partial = new double[nChunks * NSQ];
            parallel(nChunks, ci -> passStatsFactored(s, g, p, ci, partial));
            for (int ci = 0; ci < nChunks; ci++) {
                for (int q = 0; q < NSQ; q++) {
                    sumsq[sqChannel(q)] += partial[ci * NSQ + q];
                }
            }
            broadcastSums(s, sumsq, BCAST);
        } else {
            double[] partial = new double[nChunks * NF];
            parallel(nChunks, ci -> passStats(s, g, p, ci, partial));
            for (int ci = 0; ci < nChunks; ci++) {
                for (int k = 0; k < NF; k++) {
                    sumsq[k] += partial[ci * NF + k];
                }
            }
        }
        // fold the normalisation into w0 and the time features into b0
        float[] w0 = theta.w0();
        float[] w0e = foldNormalisation(w0, sumsq, n, NF);
        float[] b0e = new float[4];
        for (int j = 0; j < 4; j++) {
            double b = theta.b0()[j];
            for (int t = 0; t < Theta.TIME_FEATURES; t++) {
                b += (double) time[t] * w0[(NF + t) * 4 + j];
            }
            b0e[j] = (float) b;
        }
        if (factored) {
            broadcastContributions(s, w0e, b0e, BCAST);
            // a SimdKernels.Tail, typed Object here so that no vector class is resolved on a JVM without the module
            Object tail = simd ? SimdKernels.tail(theta, weightDecay) : null;
            parallel(nChunks, ci -> passUpdateFactored(s, g, p, ci, w0e, tail));
        } else {
            parallel(nChunks, ci -> passUpdate(s, g, p, ci, w0e, b0e));
        }
    }

    /**
     * The first layer's weights of the first {@code channels} channels (unit j of channel k at w0[k * 4 + j]) with each
     * channel's normalisation x / sqrt(mean x^2 + 1e-5) folded in (sumsq[k]: the channel's sum of squares over the n
     * elements of the tensor). Shared by star / small-fc and velo-style.
     */
    static float[] foldNormalisation(float[] w0, double[] sumsq, int n, int channels) {
        float[] w0e = new float[channels * 4];
        for (int k = 0; k < channels; k++) {
            float scale = (float) (1.0 / Math.sqrt((float) (sumsq[k] / n) + NORM_EPS));
            for (int j = 0; j < 4; j++) {
                w0e[k * 4 + j] = w0[k * 4 + j] * scale;
            }
        }
        return w0e;
    }

    /** Copies m0..m2 and rms (and, non-factored, v0..v2) of elements off .. off+len-1 into the block scratch. */
    static void loadState(Accumulators s, Scratch sc, int off, int len) {
        System.arraycopy(s.m0, off, sc.m0, 0, len);
        System.arraycopy(s.m1, off, sc.m1, 0, len);
        System.arraycopy(s.m2, off, sc.m2, 0, len);
        System.arraycopy(s.rms, off, sc.rms, 0, len);
        if (s.v != null) {
            for (int k = 0; k < 3; k++) {
                System.arraycopy(s.v[k], off, sc.v[k], 0, len);
            }
        }
    }

    /** Inverse of {@link #loadState}. */
    static void storeState(Accumulators s, Scratch sc, int off, int len) {
        System.arraycopy(sc.m0, 0, s.m0, off, len);
        System.arraycopy(sc.m1, 0, s.m1, off, len);
        System.arraycopy(sc.m2, 0, s.m2, off, len);
        System.arraycopy(sc.rms, 0, s.rms, off, len);
        if (s.v != null) {
            for (int k = 0; k < 3; k++) {
                System.arraycopy(sc.v[k], 0, s.v[k], off, len);
            }
        }
    }

    /** Momentum and rms EMAs of the block in the scratch copies (decays mom[0..2] and br). */
    static void updateMomRms(Scratch sc, int len, float[] mom, float br) {
        float[] g = sc.g;
        ema(sc.m0, g, mom[0], len);
        ema(sc.m1, g, mom[1], len);
        ema(sc.m2, g, mom[2], len);
        final float cr = 1f - br;
        float[] rms = sc.rms;
        for (int i = 0; i < len; i++) {
            float gi = g[i];
            rms[i] = rms[i] * br + (gi * gi) * cr;
        }
    }

    private static void ema(float[] m, float[] g, float b, int len) {
        final float c = 1f - b;
        for (int i = 0; i < len; i++) {
            m[i] = m[i] * b + g[i] * c;
        }
    }

    // ---- vectorisable building blocks. C2 (JDK 17) reliably auto-vectorises loops over at most two input arrays
    // and one output array (measured: a loop over four inputs stays scalar and is about 7x slower). Each helper
    // evaluates left to right like the scalar expression it replaces.

    /** h = fma(x1, w1, fma(x0, w0, c)): the MLP's multiply-adds are fused (one rounding each). */
    static void set2(float[] h, float c, float[] x0, float w0, float[] x1, float w1, int len) {
        for (int i = 0; i < len; i++) {
            h[i] = Math.fma(x1[i], w1, Math.fma(x0[i], w0, c));
        }
    }

    /** h = fma(x1, w1, fma(x0, w0, h)). */
    static void madd2(float[] h, float[] x0, float w0, float[] x1, float w1, int len) {
        for (int i = 0; i < len; i++) {
            h[i] = Math.fma(x1[i], w1, Math.fma(x0[i], w0, h[i]));
        }
    }

    /** h = a + b. */
    static void add(float[] h, float[] a, float[] b, int len) {
        for (int i = 0; i < len; i++) {
            h[i] = a[i] + b[i];
        }
    }

    /** h = a * b. */
    static void mul(float[] h, float[] a, float[] b, int len) {
        for (int i = 0; i < len; i++) {
            h[i] = a[i] * b[i];
        }
    }

    /** h = max(h, 0). */
    static void relu(float[] h, int len) {
        for (int i = 0; i < len; i++) {
            h[i] = Math.max(h[i], 0f);
        }
    }

    /** q = q + x * x. */
    static void addSquares(float[] q, float[] x, int len) {
        for (int i = 0; i < len; i++) {
            q[i] = q[i] + x[i] * x[i];
        }
    }

    /**
     * Adafactor reductions: mean of q = g^2 + 1e-30 over d0 (-> row) and over d1 (-> col), then the EMAs with decays
     * ada[0..2]. Sums are taken in double in an order fixed by the shape (independent of the thread count). With
     * clip, g is first clipped to +-{@link #GRAD_CLIP} (velo-style).
     */
    static void reduceFactored(Accumulators s, FloatBuffer gb, float[] ada, boolean clip, Parallel parallel) {
        FactorPlan pl = s.plan;
        int a = pl.outerA();
        int nLo = pl.nLo();
        int b = pl.midB();
        int nHi = pl.nHi();
        int c = pl.innerC();
        // reduction over the hi axis: outputs (a, x, b, c), one task per block of (a, x) rows
        float[][] outHi = pl.d0IsLo() ? s.col : s.row;
        float[][] outLo = pl.d0IsLo() ? s.row : s.col;
        int rows = a * nLo;
        int seg = nHi * c;
        int rowsPerTask = Math.max(1, CHUNK / Math.max(1, b * seg));
        int hiTasks = (rows + rowsPerTask - 1) / rowsPerTask;
        parallel.run(hiTasks, ti -> {
            Scratch sc = SCRATCH.get();
            double[] acc = sc.acc(c);
            float[] q = sc.g;
            int r0 = ti * rowsPerTask;
            int r1 = Math.min(rows, r0 + rowsPerTask);
            for (int r = r0; r < r1; r++) {
                for (int bi = 0; bi < b; bi++) {
                    int base = (r * b + bi) * seg;
                    int ob = (r * b + bi) * c;
                    if (c == 1) {
                        double sum = 0;
                        for (int off = 0; off < seg; off += L) {
                            int len = Math.min(L, seg - off);
                            gb.get(base + off, q, 0, len);
                            squares(q, len, clip);
                            sum += blockSum(q, len, sc.t);
                        }
                        ema(outHi, ob, (float) (sum / nHi), ada);
                    } else {
                        java.util.Arrays.fill(acc, 0, c, 0.0);
                        int ci = 0;
                        for (int off = 0; off < seg; off += L) {
                            int len = Math.min(L, seg - off);
                            gb.get(base + off, q, 0, len);
                            squares(q, len, clip);
                            for (int i = 0; i < len; i++) {
                                acc[ci] += q[i];
                                if (++ci == c) {
                                    ci = 0;
                                }
                            }
                        }
                        for (ci = 0; ci < c; ci++) {
                            ema(outHi, ob + ci, (float) (acc[ci] / nHi), ada);
                        }
                    }
                }
            }
        });
        // reduction over the lo axis: outputs (a, j) with j = (b, y, c); one task per block of j
        int inner = b * seg;
        int jPerTask = Math.max(L, Math.min(inner, CHUNK / Math.max(1, nLo)));
        int jBlocks = (inner + jPerTask - 1) / jPerTask;
        parallel.run(a * jBlocks, ti -> {
            Scratch sc = SCRATCH.get();
            float[] q = sc.g;
            float[] part = sc.t;
            int ai = ti / jBlocks;
            int j0 = (ti % jBlocks) * jPerTask;
            int j1 = Math.min(inner, j0 + jPerTask);
            int len = j1 - j0;
            double[] acc = sc.acc(len);
            java.util.Arrays.fill(acc, 0, len, 0.0);
            // per L-wide block of columns: rows added in float, LO_GROUP rows at a time, then into the double sums
            // (every loop indexes its arrays with the same [j], so C2 vectorises them)
            double[] dacc = sc.qacc;
            for (int off = 0; off < len; off += L) {
                int pl2 = Math.min(L, len - off);
                java.util.Arrays.fill(dacc, 0, pl2, 0.0);
                for (int x0 = 0; x0 < nLo; x0 += LO_GROUP) {
                    int x1 = Math.min(nLo, x0 + LO_GROUP);
                    java.util.Arrays.fill(part, 0, pl2, 0f);
                    for (int x = x0; x < x1; x++) {
                        gb.get((ai * nLo + x) * inner + j0 + off, q, 0, pl2);
                        squares(q, pl2, clip);
                        for (int j = 0; j < pl2; j++) {
                            part[j] = part[j] + q[j];
                        }
                    }
                    for (int j = 0; j < pl2; j++) {
                        dacc[j] += part[j];
                    }
                }
                System.arraycopy(dacc, 0, acc, off, pl2);
            }
            int ob = ai * inner + j0;
            for (int j = 0; j < len; j++) {
                ema(outLo, ob + j, (float) (acc[j] / nLo), ada);
            }
        });
    }

    /**
     * Sum of q[0..len-1] (len <= L; q is overwritten, t is scratch): q is padded with zeros to L and halved in float
     * down to 16 partial sums (each level a copy of the upper half and an element-wise addition, loops that C2
     * vectorises), which are added in double. The order depends only on len, not on the thread count or the vector
     * shape; a sum of 4 chains of double additions per element was bound by their latency.
     */
    static double blockSum(float[] q, int len, float[] t) {
        java.util.Arrays.fill(q, len, L, 0f);
        for (int half = L / 2; half >= 16; half /= 2) {
            System.arraycopy(q, half, t, 0, half);
            for (int i = 0; i < half; i++) {
                q[i] = q[i] + t[i];
            }
        }
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (int i = 0; i < 16; i += 4) {
            s0 += q[i];
            s1 += q[i + 1];
            s2 += q[i + 2];
            s3 += q[i + 3];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** q[i] <- q[i]^2 + 1e-30 (float); with clip, q[i] is first clipped to +-{@link #GRAD_CLIP}. */
    private static void squares(float[] q, int len, boolean clip) {
        if (clip) {
            clip(q, len);
        }
        for (int i = 0; i < len; i++) {
            float gv = q[i];
            q[i] = gv * gv + Q_EPS;
        }
    }

    /** velo-style's gradient clipping: g <- max(-1000, min(1000, g)). */
    static final float GRAD_CLIP = VeloOptimizer.GRAD_CLIP;

    /** q[i] <- max(-{@link #GRAD_CLIP}, min({@link #GRAD_CLIP}, q[i])). */
    static void clip(float[] q, int len) {
        for (int i = 0; i < len; i++) {
            q[i] = Math.max(-GRAD_CLIP, Math.min(GRAD_CLIP, q[i]));
        }
    }

    private static void ema(float[][] out, int idx, float mean, float[] ada) {
        for (int k = 0; k < 3; k++) {
            float bk = ada[k];
            out[k][idx] = out[k][idx] * bk + mean * (1f - bk);
        }
    }

    // pass B (non-factored): accumulator updates, features and their per-chunk sums of squares
    private void passStats(Accumulators s, FloatBuffer gb, FloatBuffer pb, int ci, double[] partial) {
        Scratch sc = SCRATCH.get();
        int start = ci * CHUNK;
        int end = Math.min(s.n, start + CHUNK);
        double[] sums = sc.sums;
        java.util.Arrays.fill(sums, 0.0);
        for (int off = start; off < end; off += L) {
            int len = Math.min(L, end - off);
            gb.get(off, sc.g, 0, len);
            pb.get(off, sc.p, 0, len);
            loadState(s, sc, off, len);
            updateMomRms(sc, len, momDecay, rmsDecay[0]);
            updateFull(sc, len);
            storeState(s, sc, off, len);
            features(sc, len);
            sumSquares(sc, len);
        }
        System.arraycopy(sums, 0, partial, ci * NF, NF);
    }

    /** Adds the sums of squares of the 28 features of a block to sc.sums. */
    private static void sumSquares(Scratch sc, int len) {
        double[] sums = sc.sums;
        for (int k = 0; k < NF; k++) {
            float[] fk = sc.f[k];
            float s0 = 0f;
            float s1 = 0f;
            float s2 = 0f;
            float s3 = 0f;
            int i = 0;
            for (; i + 3 < len; i += 4) {
                s0 += fk[i] * fk[i];
                s1 += fk[i + 1] * fk[i + 1];
                s2 += fk[i + 2] * fk[i + 2];
                s3 += fk[i + 3] * fk[i + 3];
            }
            for (; i < len; i++) {
                s0 += fk[i] * fk[i];
            }
            sums[k] += (double) s0 + s1 + s2 + s3;
        }
    }

    /** Non-factored Adafactor EMAs v_k of the block in the scratch copies. */
    private void updateFull(Scratch sc, int len) {
        float[] g = sc.g;
        for (int k = 0; k < 3; k++) {
            final float bk = adaDecay[k];
            final float ck = 1f - bk;
            float[] v = sc.v[k];
            for (int i = 0; i < len; i++) {
                float gi = g[i];
                v[i] = v[i] * bk + (gi * gi + Q_EPS) * ck;
            }
        }
    }

    /** The 28 normalisable features of a block of a non-factored tensor into sc.f (scratch g, p and state loaded). */
    private static void features(Scratch sc, int len) {
        float[][] f = sc.f;
        float[] g = sc.g;
        float[] r = sc.r;
        float[] m0 = sc.m0;
        float[] m1 = sc.m1;
        float[] m2 = sc.m2;
        float[] rms = sc.rms;
        System.arraycopy(g, 0, f[0], 0, len);
        System.arraycopy(sc.p, 0, f[1], 0, len);
        System.arraycopy(m0, 0, f[2], 0, len);
        System.arraycopy(m1, 0, f[3], 0, len);
        System.arraycopy(m2, 0, f[4], 0, len);
        System.arraycopy(rms, 0, f[5], 0, len);
        float[] f6 = f[6];
        float[] f7 = f[7];
        float[] f8 = f[8];
        float[] f9 = f[9];
        for (int i = 0; i < len; i++) {
            float ri = 1f / (float) Math.sqrt(rms[i] + RMS_EPS);
            r[i] = ri;
            f6[i] = m0[i] * ri;
            f7[i] = m1[i] * ri;
            f8[i] = m2[i] * ri;
            f9[i] = ri;
        }
        float[][] ms = {m0, m1, m2};
        for (int k = 0; k < 3; k++) {
            float[] v = sc.v[k];
            float[] mk = ms[k];
            float[] fg = f[10 + k];
            float[] fr = f[13 + k];
            float[] fc = f[16 + k];
            float[] frr = f[19 + k];
            float[] fcr = f[22 + k];
            float[] fm = f[25 + k];
            for (int i = 0; i < len; i++) {
                float vi = v[i];
                fg[i] = g[i] * (1f / (float) Math.sqrt(Math.max(vi + FAC_EPS, FAC_EPS)));
                fr[i] = vi;
                fc[i] = vi;
                float rs = 1f / (float) Math.sqrt(vi + RSQRT_FEAT_EPS);
                frr[i] = rs;
                fcr[i] = rs;
                fm[i] = mk[i] * (1f / (float) Math.sqrt(vi + FAC_MOM_EPS));
            }
        }
    }

    // ------------------------------------------------------------------ factored tensors

    /** Feature channel of per-element sum-of-squares slot q (0..12 -> 0..12, 13..15 -> 25..27). */
    static int sqChannel(int q) {
        return q < 13 ? q : 12 + q;
    }

    /** First broadcast channel (v_row_0) of star / small-fc's features; velo-style's is 15. */
    static final int BCAST = 13;

    /**
     * Sums of squares of the 12 broadcast channels (v_row, v_col and their rsqrt features, at channels base .. base +
     * 11 in that order, three each): each v_row entry is broadcast to n / rowSize elements, each v_col entry to
     * n / colSize.
     */
    static void broadcastSums(Accumulators s, double[] sumsq, int base) {
        FactorPlan pl = s.plan;
        double rowMult = (double) pl.size() / pl.rowSize();
        double colMult = (double) pl.size() / pl.colSize();
        for (int k = 0; k < 3; k++) {
            sumsq[base + k] = rowMult * sumSquares(s.row[k]);
            sumsq[base + 3 + k] = colMult * sumSquares(s.col[k]);
            sumsq[base + 6 + k] = rowMult * sumSquares(s.rowRs[k]);
            sumsq[base + 9 + k] = colMult * sumSquares(s.colRs[k]);
        }
    }

    private static double sumSquares(float[] a) {
        double sum = 0;
        for (float x : a) {
            sum += (double) (x * x);
        }
        return sum;
    }

    /**
     * Layer-0 contribution of the broadcast features (channels base .. base + 11 as in {@link #broadcastSums},
     * normalisation folded into w0e, unit j's weight of channel k at w0e[k * 4 + j]) per v_row and per v_col entry;
     * the row side also carries the layer-0 bias b0e (star: with the time features).
     */
    static void broadcastContributions(Accumulators s, float[] w0e, float[] b0e, int base) {
        final int rb = base * 4;
        for (int j = 0; j < 4; j++) {
            float[] rh = s.rowH[j];
            float wr0 = w0e[rb + j];
            float wr1 = w0e[rb + 4 + j];
            float wr2 = w0e[rb + 8 + j];
            float ws0 = w0e[rb + 24 + j];
            float ws1 = w0e[rb + 28 + j];
            float ws2 = w0e[rb + 32 + j];
            float bj = b0e[j];
            float[] r0 = s.row[0];
            float[] r1 = s.row[1];
            float[] r2 = s.row[2];
            float[] q0 = s.rowRs[0];
            float[] q1 = s.rowRs[1];
            float[] q2 = s.rowRs[2];
            for (int i = 0; i < rh.length; i++) {
                rh[i] = bj + r0[i] * wr0 + r1[i] * wr1 + r2[i] * wr2 + q0[i] * ws0 + q1[i] * ws1 + q2[i] * ws2;
            }
            float[] chj = s.colH[j];
            float wc0 = w0e[rb + 12 + j];
            float wc1 = w0e[rb + 16 + j];
            float wc2 = w0e[rb + 20 + j];
            float wt0 = w0e[rb + 36 + j];
            float wt1 = w0e[rb + 40 + j];
            float wt2 = w0e[rb + 44 + j];
            float[] c0 = s.col[0];
            float[] c1 = s.col[1];
            float[] c2 = s.col[2];
            float[] t0 = s.colRs[0];
            float[] t1 = s.colRs[1];
            float[] t2 = s.colRs[2];
            for (int i = 0; i < chj.length; i++) {
                chj[i] = c0[i] * wc0 + c1[i] * wc1 + c2[i] * wc2 + t0[i] * wt0 + t1[i] * wt1 + t2[i] * wt2;
            }
        }
    }

    /**
     * Copies the per-row / per-column values of elements off .. off+len-1 into block arrays: row_factor_k -> sc.rf,
     * col_factor_k -> sc.cf and (withH) rowH_j -> sc.rh, colH_j -> sc.ch. In the 5-d view [A, nLo, B, nHi, C] a run
     * of fixed (a, x, b) maps to a contiguous slice of the accumulator without the lo axis and to a C-periodic slice
     * of the one without the hi axis, so this is a few array copies instead of a gather.
     */
    static void gatherFactors(Accumulators s, Scratch sc, int off, int len, boolean withH) {
        FactorPlan pl = s.plan;
        int nC = pl.innerC();
        int nB = pl.midB();
        int nLo = pl.nLo();
        int segLen = pl.nHi() * nC;
        boolean rowContig = pl.d0IsLo();
        int e = off;
        int end = off + len;
        int pos = 0;
        while (e < end) {
            int seg = e / segLen;
            int t = e - seg * segLen;
            int n = Math.min(end - e, segLen - t);
            int bi = seg % nB;
            int ai = seg / (nLo * nB);
            int cBase = (ai * nB + bi) * segLen + t;
            int pBase = seg * nC;
            int phase = t % nC;
            for (int k = 0; k < 3; k++) {
                if (rowContig) {
                    System.arraycopy(s.rowF[k], cBase, sc.rf[k], pos, n);
                    copyPeriodic(s.colF[k], pBase, nC, phase, sc.cf[k], pos, n);
                } else {
                    copyPeriodic(s.rowF[k], pBase, nC, phase, sc.rf[k], pos, n);
                    System.arraycopy(s.colF[k], cBase, sc.cf[k], pos, n);
                }
            }
            if (withH) {
                for (int j = 0; j < 4; j++) {
                    if (rowContig) {
                        System.arraycopy(s.rowH[j], cBase, sc.rh[j], pos, n);
                        copyPeriodic(s.colH[j], pBase, nC, phase, sc.ch[j], pos, n);
                    } else {
                        copyPeriodic(s.rowH[j], pBase, nC, phase, sc.rh[j], pos, n);
                        System.arraycopy(s.colH[j], cBase, sc.ch[j], pos, n);
                    }
                }
            }
            e += n;
            pos += n;
        }
    }

    /**
     * The vector kernel's start of layer 0: h_j = rowH_j + colH_j of elements off .. off+len-1 straight into sc.h0..h3
     * (what {@link #gatherFactors} with H and the add of {@link #layer0Factored} give, without the 8 gathered
     * arrays; float addition is commutative, so the operand order of the contiguous and the periodic side does not
     * matter).
     */
    static void gatherHidden(Accumulators s, Scratch sc, int off, int len) {
        FactorPlan pl = s.plan;
        int nC = pl.innerC();
        int nB = pl.midB();
        int nLo = pl.nLo();
        int segLen = pl.nHi() * nC;
        boolean rowContig = pl.d0IsLo();
        float[][] h = {sc.h0, sc.h1, sc.h2, sc.h3};
        int e = off;
        int end = off + len;
        int pos = 0;
        while (e < end) {
            int seg = e / segLen;
            int t = e - seg * segLen;
            int n = Math.min(end - e, segLen - t);
            int bi = seg % nB;
            int ai = seg / (nLo * nB);
            int cBase = (ai * nB + bi) * segLen + t;
            int pBase = seg * nC;
            int phase = t % nC;
            for (int j = 0; j < 4; j++) {
                float[] contig = rowContig ? s.rowH[j] : s.colH[j];
                float[] periodic = rowContig ? s.colH[j] : s.rowH[j];
                if (nC == 1) {
                    SimdKernels.addScalar(h[j], pos, contig, cBase, periodic[pBase], n);
                } else {
                    copyPeriodic(periodic, pBase, nC, phase, h[j], pos, n);
                    SimdKernels.addTo(h[j], pos, contig, cBase, n);
                }
            }
            e += n;
            pos += n;
        }
    }

    /** dst[pos + i] = src[base + (phase + i) % period] for i < n. */
    static void copyPeriodic(float[] src, int base, int period, int phase, float[] dst, int pos, int n) {
        if (period == 1) {
            java.util.Arrays.fill(dst, pos, pos + n, src[base]);
            return;
        }
        int first = Math.min(n, period);
        int ph = phase;
        for (int i = 0; i < first; i++) {
            dst[pos + i] = src[base + ph];
            if (++ph == period) {
                ph = 0;
            }
        }
        int m = first; // a multiple of the period while m < n
        while (m < n) {
            int cp = Math.min(m, n - m);
            System.arraycopy(dst, pos, dst, pos + m, cp);
            m += cp;
        }
    }

    /**
     * Factored pass 1: momentum / rms updates and per-lane sums of squares of the 16 per-element channels (g, p, m,
     * rms, m*r, r, fac_g, m*row_factor*col_factor); each chunk's lanes are then summed in a fixed order.
     */
    private void passStatsFactored(Accumulators s, FloatBuffer gb, FloatBuffer pb, int ci, double[] partial) {
        Scratch sc = SCRATCH.get();
        int start = ci * CHUNK;
        int end = Math.min(s.n, start + CHUNK);
        float[][] sq = sc.sq;
        zero(sq, 0, NSQ);
        for (int off = start; off < end; off += L) {
            int len = Math.min(L, end - off);
            gb.get(off, sc.g, 0, len);
            pb.get(off, sc.p, 0, len);
            if (simd) {
                gatherFactors(s, sc, off, len, false);
                if (len % SimdKernels.V == 0) {
                    SimdKernels.statsFactored(sc, s.m0, s.m1, s.m2, s.rms, off, len, momDecay, rmsDecay[0]);
                } else { // the last vector would run past the state arrays: work on the (L-long) scratch copies
                    loadState(s, sc, off, len);
                    SimdKernels.statsFactored(sc, sc.m0, sc.m1, sc.m2, sc.rms, 0, len, momDecay, rmsDecay[0]);
                    storeState(s, sc, off, len);
                }
                continue;
            }
            loadState(s, sc, off, len);
            updateMomRms(sc, len, momDecay, rmsDecay[0]);
            storeState(s, sc, off, len);
            gatherFactors(s, sc, off, len, false);
            squaresFactored(sc, len);
        }
        laneSums(sq, 0, NSQ, partial, ci * NSQ);
    }

    /** Zeroes the per-lane sums sq[from .. from + count - 1]. */
    static void zero(float[][] sq, int from, int count) {
        for (int q = from; q < from + count; q++) {
            java.util.Arrays.fill(sq[q], 0f);
        }
    }

    /**
     * The sums over the L lanes of sq[from + q] into out[at + q], q < count, each in a fixed order (four chains of
     * double additions: a single one is bound by the latency of the addition).
     */
    static void laneSums(float[][] sq, int from, int count, double[] out, int at) {
        for (int q = 0; q < count; q++) {
            float[] a = sq[from + q];
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            for (int i = 0; i < L; i += 4) {
                s0 += a[i];
                s1 += a[i + 1];
                s2 += a[i + 2];
                s3 += a[i + 3];
            }
            out[at + q] = (s0 + s1) + (s2 + s3);
        }
    }

    /** Adds the squares of the 16 per-element channels of a block to the per-lane sums sc.sq. */
    static void squaresFactored(Scratch sc, int len) {
        float[][] sq = sc.sq;
        float[][] f = sc.f;
        factoredFeatures(sc, len);
        addSquares(sq[0], sc.g, len);
        addSquares(sq[1], sc.p, len);
        addSquares(sq[2], sc.m0, len);
        addSquares(sq[3], sc.m1, len);
        addSquares(sq[4], sc.m2, len);
        addSquares(sq[5], sc.rms, len);
        for (int c = 6; c < 13; c++) {
            addSquares(sq[c], f[c], len);
        }
        for (int k = 0; k < 3; k++) {
            addSquares(sq[13 + k], f[25 + k], len);
        }
    }

    /**
     * Per-element features of a factored block (scratch g, p, state and gathered factors loaded): sc.r, m_k * r into
     * sc.f[6..8], r into sc.f[9], fac_g into sc.f[10..12], m_k * row_factor * col_factor into sc.f[25..27], and the
     * AdamAggMo direction (m_0 r + m_1 r + m_2 r) / 3 into sc.gh.
     */
    static void factoredFeatures(Scratch sc, int len) {
        float[][] f = sc.f;
        float[] r = sc.r;
        float[] rms = sc.rms;
        for (int i = 0; i < len; i++) {
            r[i] = 1f / (float) Math.sqrt(rms[i] + RMS_EPS);
        }
        System.arraycopy(r, 0, f[9], 0, len);
        mul(f[6], sc.m0, r, len);
        mul(f[7], sc.m1, r, len);
        mul(f[8], sc.m2, r, len);
        float[] gh = sc.gh;
        add(gh, f[6], f[7], len);
        float[] f8 = f[8];
        for (int i = 0; i < len; i++) {
            gh[i] = (gh[i] + f8[i]) / 3f;
        }
        float[][] ms = {sc.m0, sc.m1, sc.m2};
        float[] t = sc.t;
        for (int k = 0; k < 3; k++) {
            mul(t, sc.g, sc.rf[k], len);
            mul(f[10 + k], t, sc.cf[k], len);
            mul(t, ms[k], sc.rf[k], len);
            mul(f[25 + k], t, sc.cf[k], len);
        }
    }

    /** Factored pass 2: the 39-4-4-K MLP on every element (features recomputed block by block) and the update. */
    private void passUpdateFactored(Accumulators s, FloatBuffer gb, FloatBuffer pb, int ci, float[] w0e,
                                    Object tail) {
        Scratch sc = SCRATCH.get();
        int start = ci * CHUNK;
        int end = Math.min(s.n, start + CHUNK);
        for (int off = start; off < end; off += L) {
            int len = Math.min(L, end - off);
            gb.get(off, sc.g, 0, len);
            pb.get(off, sc.p, 0, len);
            gatherFactors(s, sc, off, len, !simd);
            boolean done = false;
            if (simd) {
                gatherHidden(s, sc, off, len);
                if (len % SimdKernels.V == 0) {
                    done = SimdKernels.updateFactored(sc, s.m0, s.m1, s.m2, s.rms, off, len, w0e, tail);
                } else {
                    loadState(s, sc, off, len);
                    done = SimdKernels.updateFactored(sc, sc.m0, sc.m1, sc.m2, sc.rms, 0, len, w0e, tail);
                }
                if (!done) { // an exp argument outside the polynomial's range: the scalar loops (Math.exp there)
                    pb.get(off, sc.p, 0, len);
                }
            }
            if (!done) {
                if (simd) {
                    gatherFactors(s, sc, off, len, true);
                }
                loadState(s, sc, off, len);
                layer0Factored(sc, len, w0e);
                mlpTail(sc, len);
            }
            pb.put(off, sc.p, 0, len);
        }
    }

    /**
     * Layer-0 pre-activations of a block of a factored tensor into sc.h0..h3, plus sc.r and sc.gh (a separate method
     * per block so that the JIT compiles it after a few steps, not only on-stack).
     */
    private static void layer0Factored(Scratch sc, int len, float[] w0e) {
        factoredFeatures(sc, len);
        float[][] f = sc.f;
        float[][] h = {sc.h0, sc.h1, sc.h2, sc.h3};
        for (int j = 0; j < 4; j++) {
            float[] hj = h[j];
            add(hj, sc.rh[j], sc.ch[j], len);
            madd2(hj, sc.g, w0e[j], sc.p, w0e[4 + j], len);
            madd2(hj, sc.m0, w0e[8 + j], sc.m1, w0e[12 + j], len);
            madd2(hj, sc.m2, w0e[16 + j], sc.rms, w0e[20 + j], len);
            madd2(hj, f[6], w0e[24 + j], f[7], w0e[28 + j], len);
            madd2(hj, f[8], w0e[32 + j], f[9], w0e[36 + j], len);
            madd2(hj, f[10], w0e[40 + j], f[11], w0e[44 + j], len);
            madd2(hj, f[12], w0e[48 + j], f[25], w0e[100 + j], len);
            madd2(hj, f[26], w0e[104 + j], f[27], w0e[108 + j], len);
        }
    }

    // ------------------------------------------------------------------ non-factored tensors, MLP tail

    // pass C (non-factored): features again, MLP, parameter update
    private void passUpdate(Accumulators s, FloatBuffer gb, FloatBuffer pb, int ci, float[] w0e, float[] b0e) {
        Scratch sc = SCRATCH.get();
        int start = ci * CHUNK;
        int end = Math.min(s.n, start + CHUNK);
        for (int off = start; off < end; off += L) {
            int len = Math.min(L, end - off);
            gb.get(off, sc.g, 0, len);
            pb.get(off, sc.p, 0, len);
            loadState(s, sc, off, len);
            features(sc, len);
            layer0(sc, len, w0e, b0e);
            mlpTail(sc, len);
            pb.put(off, sc.p, 0, len);
        }
    }

    /** Layer 0 from the 28 feature arrays (normalisation folded into w0e, time features into b0e), and sc.gh. */
    private static void layer0(Scratch sc, int len, float[] w0e, float[] b0e) {
        float[] h0 = sc.h0;
        float[] h1 = sc.h1;
        float[] h2 = sc.h2;
        float[] h3 = sc.h3;
        java.util.Arrays.fill(h0, 0, len, b0e[0]);
        java.util.Arrays.fill(h1, 0, len, b0e[1]);
        java.util.Arrays.fill(h2, 0, len, b0e[2]);
        java.util.Arrays.fill(h3, 0, len, b0e[3]);
        for (int k = 0; k < NF; k++) {
            float[] fk = sc.f[k];
            final float wa = w0e[k * 4];
            final float wb = w0e[k * 4 + 1];
            final float wc = w0e[k * 4 + 2];
            final float wd = w0e[k * 4 + 3];
            for (int i = 0; i < len; i++) {
                float x = fk[i];
                h0[i] += x * wa;
                h1[i] += x * wb;
                h2[i] += x * wc;
                h3[i] += x * wd;
            }
        }
        float[] gh = sc.gh;
        float[] f6 = sc.f[6];
        float[] f7 = sc.f[7];
        float[] f8 = sc.f[8];
        for (int i = 0; i < len; i++) {
            gh[i] = (f6[i] + f7[i] + f8[i]) / 3f;
        }
    }

    /**
     * Layers 1 and 2 and the update: from the layer-0 pre-activations sc.h0..h3, sc.r (= rsqrt(rms + 1e-6)), sc.gh
     * (the AdamAggMo direction) and sc.p, writes the new parameters into sc.p.
     */
    private void mlpTail(Scratch sc, int len) {
        float[] w1 = theta.w1();
        float[] bb1 = theta.b1();
        float[] w2 = theta.w2();
        float[] bb2 = theta.b2();
        int kOut = arch().outputs();
        boolean star = arch() == Arch.STAR;
        float[][] h = {sc.h0, sc.h1, sc.h2, sc.h3};
        float[][] z = sc.z;
        for (int j = 0; j < 4; j++) {
            relu(h[j], len);
        }
        // layer 1: z_j = relu(b1_j + a_0 w1[0][j] + ... + a_3 w1[3][j])
        for (int j = 0; j < 4; j++) {
            set2(z[j], bb1[j], h[0], w1[j], h[1], w1[4 + j], len);
            madd2(z[j], h[2], w1[8 + j], h[3], w1[12 + j], len);
            relu(z[j], len);
        }
        // layer 2 into o_k = b2_k + z_0 w2[0][k] + ... + z_3 w2[3][k]
        float[][] o = {sc.o0, sc.o1, sc.o2, sc.o3};
        for (int k = 0; k < (star ? 4 : 2); k++) {
            if (k == 3 && weightDecay == 0f) {
                break;
            }
            set2(o[k], bb2[k], z[0], w2[k], z[1], w2[kOut + k], len);
            madd2(o[k], z[2], w2[2 * kOut + k], z[3], w2[3 * kOut + k], len);
        }
        float[] p = sc.p;
        float[] e1 = sc.e1;
        float[] t = sc.t;
        exp(sc.o1, e1, len);
        if (!star) {
            // p - d * exp(0.001 a) * 0.001
            mul(t, sc.o0, e1, len);
            for (int i = 0; i < len; i++) {
                p[i] = p[i] - t[i] * stepMult;
            }
            return;
        }
        float[] e2 = sc.e2;
        exp(sc.o2, e2, len);
        float[] r = sc.r;
        float[] gh = sc.gh;
        float wdl = weightDecay;
        if (wdl != 0f) {
            float[] e3 = sc.e3;
            exp(sc.o3, e3, len);
            for (int i = 0; i < len; i++) {
                p[i] = p[i] * (1f - wdl * e3[i]);
            }
        }
        // bb = d * exp(0.001 a) * 0.001 * r; nom = exp(0.001 a_nom) * 0.001 * gh; p <- p - bb - nom
        mul(t, sc.o0, e1, len);
        for (int i = 0; i < len; i++) {
            t[i] = t[i] * stepMult * r[i];
        }
        for (int i = 0; i < len; i++) {
            p[i] = p[i] - t[i];
        }
        for (int i = 0; i < len; i++) {
            t[i] = e2[i] * NOMINAL_STEP * gh[i];
        }
        for (int i = 0; i < len; i++) {
            p[i] = p[i] - t[i];
        }
    }

    /**
     * e[i] = exp(0.001 * o[i]) as float: {@link #expSmall} for |0.001 o| <= {@value #EXP_POLY_MAX}, else Math.exp.
     */
    static void exp(float[] o, float[] e, int len) {
        for (int i = 0; i < len; i++) {
            e[i] = expSmall(o[i] * EXP_MULT);
        }
        for (int i = 0; i < len; i++) {
            float xi = o[i] * EXP_MULT;
            if (!(Math.abs(xi) <= EXP_POLY_MAX)) {
                e[i] = (float) Math.exp(xi);
            }
        }
    }

    /**
     * exp(x) for |x| <= 1/16 in float: 1 + (x + x^2/2 + ... + x^5/120) (truncation error below 1e-10 relative; the
     * float evaluation of the small term adds at most about 0.15 ulp, the final addition 0.5 ulp).
     */
    static float expSmall(float x) {
        float y = x * (1f + x * (0.5f + x * (1f / 6f + x * (1f / 24f + x * (1f / 120f)))));
        return 1f + y;
    }
}
