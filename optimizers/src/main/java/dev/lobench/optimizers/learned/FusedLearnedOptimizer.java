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
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Fused CPU implementation of star / small-fc: no [N, 39] feature matrix. Per tensor and step:
 * <ol>
 *   <li>pass A: momentum / RMS (and, non-factored, per-element Adafactor) accumulator updates; for factored tensors
 *       the two Adafactor reductions follow, each output owned by one task;</li>
 *   <li>pass B: the 28 per-channel sums of squares (for the second-moment normalisation); for non-factored tensors
 *       passes A and B are one pass;</li>
 *   <li>pass C: recompute the features chunk by chunk in small L1-resident scratch arrays, fold the normalisation
 *       into the first-layer weights and the 11 time features into its bias, run the 39-4-4-K MLP per element and
 *       write the parameter.</li>
 * </ol>
 * Work is split into fixed chunks of {@value #CHUNK} elements regardless of the thread count, and per-chunk partial
 * sums are added in chunk order, so results are bit-identical for any number of threads. Optimizer state lives in
 * Java float arrays; parameters and gradients are read and written in place through direct views of the tensors'
 * native memory when DJL allows it (see {@link NativeAccess}).
 */
public final class FusedLearnedOptimizer extends LearnedOptimizer {
    static final int CHUNK = 16384;
    static final int L = 256;
    private static final int NF = Theta.NORMALISED_INPUTS;

    private final int threads;
    private volatile ForkJoinPool pool;

    /**
     * @param threads number of threads (the caller included); 0 = use the common ForkJoinPool (its parallelism + the
     *                caller).
     */
    public FusedLearnedOptimizer(Theta theta, float weightDecay, int threads) {
        super(theta, weightDecay);
        if (threads < 0) {
            throw new UserError("threads must be >= 0, got " + threads);
        }
        this.threads = threads;
    }

    @Override
    public Impl impl() {
        return Impl.FUSED;
    }

    // ------------------------------------------------------------------ state

    static final class TensorState {
        final String name;
        final FactorPlan plan;
        final int n;
        final float[] m0;
        final float[] m1;
        final float[] m2;
        final float[] rms;
        final float[][] v; // non-factored [3][n]
        final float[][] row; // factored [3][rowSize] (shape without d0)
        final float[][] col; // factored [3][colSize] (shape without d1)
        // derived per step from row / col
        final float[][] rowRs;
        final float[][] rowF;
        final float[][] colRs;
        final float[][] colF;
        ByteBuffer staging; // only when direct views are unavailable

        TensorState(String name, FactorPlan plan) {
            this.name = name;
            this.plan = plan;
            this.n = plan.size();
            m0 = new float[n];
            m1 = new float[n];
            m2 = new float[n];
            rms = new float[n];
            if (plan.factored()) {
                v = null;
                row = new float[3][plan.rowSize()];
                col = new float[3][plan.colSize()];
                rowRs = new float[3][plan.rowSize()];
                rowF = new float[3][plan.rowSize()];
                colRs = new float[3][plan.colSize()];
                colF = new float[3][plan.colSize()];
            } else {
                v = new float[3][n];
                row = col = rowRs = rowF = colRs = colF = null;
            }
        }

        Map<String, float[]> slots() {
            Map<String, float[]> s = new LinkedHashMap<>();
            s.put("m0", m0);
            s.put("m1", m1);
            s.put("m2", m2);
            s.put("rms", rms);
            for (int k = 0; k < 3; k++) {
                if (plan.factored()) {
                    s.put("v_row" + k, row[k]);
                    s.put("v_col" + k, col[k]);
                } else {
                    s.put("v" + k, v[k]);
                }
            }
            return s;
        }
    }

    /** State of the fused implementation: Java float arrays. Slot names match {@link ReferenceLearnedOptimizer}. */
    public static final class State implements OptState {
        final TensorState[] tensors;
        long t;

        State(TensorState[] tensors) {
            this.tensors = tensors;
        }

        public long iteration() {
            return t;
        }

        @Override
        public Map<String, float[]> export() {
            Map<String, float[]> out = new LinkedHashMap<>();
            for (TensorState ts : tensors) {
                ts.slots().forEach((k, a) -> out.put(ts.name + "/" + k, a.clone()));
            }
            out.put("_t", new float[] {t});
            return out;
        }

        @Override
        public void restore(Map<String, float[]> values) {
            for (TensorState ts : tensors) {
                ts.slots().forEach((k, a) -> {
                    float[] src = values.get(ts.name + "/" + k);
                    if (src == null || src.length != a.length) {
                        throw new UserError("optimizer state restore: slot '" + ts.name + "/" + k
                                + "' is missing or has the wrong size");
                    }
                    System.arraycopy(src, 0, a, 0, a.length);
                });
            }
            float[] tt = values.get("_t");
            t = tt == null ? 0 : (long) tt[0];
        }
    }

    @Override
    public OptState init(List<Param> params) {
        if (params.isEmpty()) {
            throw new UserError("learned optimizer: no parameters to optimize");
        }
        TensorState[] ts = new TensorState[params.size()];
        for (int i = 0; i < ts.length; i++) {
            Param p = params.get(i);
            if (!p.array().getDevice().getDeviceType().equals(ai.djl.Device.Type.CPU)) {
                throw new UserError("the fused learned optimizer runs on CPU only; parameter '" + p.name() + "' is on "
                        + p.array().getDevice() + " (use impl=reference)");
            }
            ts[i] = new TensorState(p.name(), FactorPlan.of(p.name(), p.array().getShape().getShape(), p.layout()));
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
        final int[] iRow = new int[L];
        final int[] iCol = new int[L];
        final double[] sums = new double[NF];
        double[] acc = new double[64];

        double[] acc(int n) {
            if (acc.length < n) {
                acc = new double[n];
            }
            return acc;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    // ------------------------------------------------------------------ parallel helper

    private void parallel(int nTasks, IntConsumer body) {
        int workers = threads == 0 ? ForkJoinPool.getCommonPoolParallelism() + 1 : threads;
        workers = Math.min(workers, nTasks);
        if (workers <= 1) {
            for (int i = 0; i < nTasks; i++) {
                body.accept(i);
            }
            return;
        }
        ForkJoinPool fjp = pool();
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            int i;
            while ((i = next.getAndIncrement()) < nTasks) {
                body.accept(i);
            }
        };
        ForkJoinTask<?>[] fs = new ForkJoinTask<?>[workers - 1];
        for (int w = 0; w < fs.length; w++) {
            fs[w] = fjp.submit(worker);
        }
        RuntimeException err = null;
        try {
            worker.run();
        } catch (RuntimeException e) {
            err = e;
        }
        for (ForkJoinTask<?> f : fs) {
            try {
                f.join();
            } catch (RuntimeException e) {
                if (err == null) {
                    err = e;
                }
            }
        }
        if (err != null) {
            throw err;
        }
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

    private void stepTensor(NDArray param, NDArray grad, TensorState s, float[] time) {
        FloatBuffer gb = NativeAccess.view(grad);
        if (gb == null) {
            NDArray g32 = grad.getDataType() == DataType.FLOAT32 ? grad : grad.toType(DataType.FLOAT32, false);
            gb = FloatBuffer.wrap(g32.toFloatArray());
            if (g32 != grad) {
                g32.close();
            }
        }
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
        final FloatBuffer g = gb;
        final FloatBuffer p = pb;
        int n = s.n;
        int nChunks = (n + CHUNK - 1) / CHUNK;
        double[] partial = new double[nChunks * NF];

        if (s.plan.factored()) {
            parallel(nChunks, ci -> passAccumulators(s, g, ci));
            reduceFactored(s, g);
            deriveFactored(s);
        }
        parallel(nChunks, ci -> passStats(s, g, p, ci, partial));
        double[] sumsq = new double[NF];
        for (int ci = 0; ci < nChunks; ci++) {
            for (int k = 0; k < NF; k++) {
                sumsq[k] += partial[ci * NF + k];
            }
        }
        // fold the normalisation into w0 and the time features into b0
        float[] w0 = theta.w0();
        float[] w0e = new float[NF * 4];
        for (int k = 0; k < NF; k++) {
            float scale = (float) (1.0 / Math.sqrt((float) (sumsq[k] / n) + NORM_EPS));
            for (int j = 0; j < 4; j++) {
                w0e[k * 4 + j] = w0[k * 4 + j] * scale;
            }
        }
        float[] b0e = new float[4];
        for (int j = 0; j < 4; j++) {
            double b = theta.b0()[j];
            for (int t = 0; t < Theta.TIME_FEATURES; t++) {
                b += (double) time[t] * w0[(NF + t) * 4 + j];
            }
            b0e[j] = (float) b;
        }
        parallel(nChunks, ci -> passUpdate(s, g, p, ci, w0e, b0e));
        if (copyBack) {
            param.set(s.staging);
        }
    }

    // pass A for factored tensors: momentum and rms only (the Adafactor part needs full reductions)
    private void passAccumulators(TensorState s, FloatBuffer gb, int ci) {
        Scratch sc = SCRATCH.get();
        int start = ci * CHUNK;
        int end = Math.min(s.n, start + CHUNK);
        for (int off = start; off < end; off += L) {
            int len = Math.min(L, end - off);
            gb.get(off, sc.g, 0, len);
            updateMomRms(s, sc.g, off, len);
        }
    }

    private void updateMomRms(TensorState s, float[] g, int off, int len) {
        float b0 = momDecay[0];
        float b1 = momDecay[1];
        float b2 = momDecay[2];
        float c0 = 1f - b0;
        float c1 = 1f - b1;
        float c2 = 1f - b2;
        float br = rmsDecay[0];
        float cr = 1f - br;
        float[] m0 = s.m0;
        float[] m1 = s.m1;
        float[] m2 = s.m2;
        float[] rms = s.rms;
        for (int i = 0; i < len; i++) {
            float gi = g[i];
            m0[off + i] = m0[off + i] * b0 + gi * c0;
            m1[off + i] = m1[off + i] * b1 + gi * c1;
            m2[off + i] = m2[off + i] * b2 + gi * c2;
            rms[off + i] = rms[off + i] * br + (gi * gi) * cr;
        }
    }

    /** Adafactor reductions: mean of q = g^2 + 1e-30 over d0 (-> row) and over d1 (-> col), then the EMAs. */
    private void reduceFactored(TensorState s, FloatBuffer gb) {
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
        int rowsPerTask = Math.max(1, CHUNK / Math.max(1, b * nHi * c));
        int hiTasks = (rows + rowsPerTask - 1) / rowsPerTask;
        parallel(hiTasks, ti -> {
            Scratch sc = SCRATCH.get();
            double[] acc = sc.acc(c);
            int r0 = ti * rowsPerTask;
            int r1 = Math.min(rows, r0 + rowsPerTask);
            for (int r = r0; r < r1; r++) {
                for (int bi = 0; bi < b; bi++) {
                    java.util.Arrays.fill(acc, 0, c, 0.0);
                    int base = (r * b + bi) * nHi * c;
                    for (int y = 0; y < nHi; y++) {
                        for (int ci = 0; ci < c; ci++) {
                            float gv = gb.get(base + y * c + ci);
                            acc[ci] += gv * gv + Q_EPS;
                        }
                    }
                    int ob = (r * b + bi) * c;
                    for (int ci = 0; ci < c; ci++) {
                        ema(outHi, ob + ci, (float) (acc[ci] / nHi));
                    }
                }
            }
        });
        // reduction over the lo axis: outputs (a, j) with j = (b, y, c); one task per block of j
        int inner = b * nHi * c;
        int jPerTask = Math.max(L, Math.min(inner, CHUNK / Math.max(1, nLo)));
        int jBlocks = (inner + jPerTask - 1) / jPerTask;
        parallel(a * jBlocks, ti -> {
            Scratch sc = SCRATCH.get();
            int ai = ti / jBlocks;
            int j0 = (ti % jBlocks) * jPerTask;
            int j1 = Math.min(inner, j0 + jPerTask);
            int len = j1 - j0;
            double[] acc = sc.acc(len);
            java.util.Arrays.fill(acc, 0, len, 0.0);
            for (int x = 0; x < nLo; x++) {
                int base = (ai * nLo + x) * inner + j0;
                for (int j = 0; j < len; j++) {
                    float gv = gb.get(base + j);
                    acc[j] += gv * gv + Q_EPS;
                }
            }
            int ob = ai * inner + j0;
            for (int j = 0; j < len; j++) {
                ema(outLo, ob + j, (float) (acc[j] / nLo));
            }
        });
    }

    private void ema(float[][] out, int idx, float mean) {
        for (int k = 0; k < 3; k++) {
            float bk = adaDecay[k];
            out[k][idx] = out[k][idx] * bk + mean * (1f - bk);
        }
    }

    /** rsqrt features and the row / col factors from the updated row and col accumulators. */
    static void deriveFactored(TensorState s) {
        FactorPlan pl = s.plan;
        // v_row as [outer, n1, inner] where n1 is the d1 axis (reduced for the row-column mean)
        int outer;
        int n1;
        int inner;
        if (pl.d0IsLo()) { // row = (a, b, y, c), d1 = hi = y
            outer = pl.outerA() * pl.midB();
            n1 = pl.nHi();
            inner = pl.innerC();
        } else { // row = (a, x, b, c), d1 = lo = x
            outer = pl.outerA();
            n1 = pl.nLo();
            inner = pl.midB() * pl.innerC();
        }
        for (int k = 0; k < 3; k++) {
            float[] row = s.row[k];
            float[] rowRs = s.rowRs[k];
            float[] rowF = s.rowF[k];
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    double sum = 0;
                    for (int y = 0; y < n1; y++) {
                        sum += row[(o * n1 + y) * inner + i];
                    }
                    float rcm = (float) (sum / n1);
                    for (int y = 0; y < n1; y++) {
                        int idx = (o * n1 + y) * inner + i;
                        float vr = row[idx];
                        rowF[idx] = rsqrt(Math.max(vr / (rcm + FAC_EPS), FAC_EPS));
                        rowRs[idx] = rsqrt(vr + RSQRT_FEAT_EPS);
                    }
                }
            }
            float[] col = s.col[k];
            float[] colRs = s.colRs[k];
            float[] colF = s.colF[k];
            for (int i = 0; i < col.length; i++) {
                colF[i] = rsqrt(Math.max(col[i], FAC_EPS));
                colRs[i] = rsqrt(col[i] + RSQRT_FEAT_EPS);
            }
        }
    }

    static float rsqrt(float x) {
        return 1f / (float) Math.sqrt(x);
    }

    /** Flat indices into row (shape without d0) and col (shape without d1) of elements off .. off+len-1. */
    static void factorIndices(FactorPlan pl, int off, int len, int[] iRow, int[] iCol) {
        int nC = pl.innerC();
        int nHi = pl.nHi();
        int nB = pl.midB();
        int nLo = pl.nLo();
        int t = off;
        int c = t % nC;
        t /= nC;
        int y = t % nHi;
        t /= nHi;
        int b = t % nB;
        t /= nB;
        int x = t % nLo;
        int a = t / nLo;
        int[] lo = pl.d0IsLo() ? iRow : iCol;
        int[] hi = pl.d0IsLo() ? iCol : iRow;
        for (int e = 0; e < len; e++) {
            lo[e] = ((a * nB + b) * nHi + y) * nC + c;
            hi[e] = ((a * nLo + x) * nB + b) * nC + c;
            if (++c == nC) {
                c = 0;
                if (++y == nHi) {
                    y = 0;
                    if (++b == nB) {
                        b = 0;
                        if (++x == nLo) {
                            x = 0;
                            a++;
                        }
                    }
                }
            }
        }
    }

    // pass B: (non-factored: accumulator updates and) features and their per-chunk sums of squares
    private void passStats(TensorState s, FloatBuffer gb, FloatBuffer pb, int ci, double[] partial) {
        Scratch sc = SCRATCH.get();
        int start = ci * CHUNK;
        int end = Math.min(s.n, start + CHUNK);
        double[] sums = sc.sums;
        java.util.Arrays.fill(sums, 0.0);
        for (int off = start; off < end; off += L) {
            int len = Math.min(L, end - off);
            gb.get(off, sc.g, 0, len);
            pb.get(off, sc.p, 0, len);
            if (!s.plan.factored()) {
                updateMomRms(s, sc.g, off, len);
                updateFull(s, sc.g, off, len);
            }
            features(s, sc, off, len);
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
        System.arraycopy(sums, 0, partial, ci * NF, NF);
    }

    private void updateFull(TensorState s, float[] g, int off, int len) {
        for (int k = 0; k < 3; k++) {
            float bk = adaDecay[k];
            float ck = 1f - bk;
            float[] v = s.v[k];
            for (int i = 0; i < len; i++) {
                float gi = g[i];
                v[off + i] = v[off + i] * bk + (gi * gi + Q_EPS) * ck;
            }
        }
    }

    /** The 28 normalisable features of elements off .. off+len-1 into sc.f (sc.g and sc.p loaded). */
    private static void features(TensorState s, Scratch sc, int off, int len) {
        float[][] f = sc.f;
        float[] g = sc.g;
        float[] r = sc.r;
        float[] m0 = s.m0;
        float[] m1 = s.m1;
        float[] m2 = s.m2;
        float[] rms = s.rms;
        System.arraycopy(g, 0, f[0], 0, len);
        System.arraycopy(sc.p, 0, f[1], 0, len);
        System.arraycopy(m0, off, f[2], 0, len);
        System.arraycopy(m1, off, f[3], 0, len);
        System.arraycopy(m2, off, f[4], 0, len);
        System.arraycopy(rms, off, f[5], 0, len);
        float[] f6 = f[6];
        float[] f7 = f[7];
        float[] f8 = f[8];
        float[] f9 = f[9];
        for (int i = 0; i < len; i++) {
            float ri = 1f / (float) Math.sqrt(rms[off + i] + RMS_EPS);
            r[i] = ri;
            f6[i] = m0[off + i] * ri;
            f7[i] = m1[off + i] * ri;
            f8[i] = m2[off + i] * ri;
            f9[i] = ri;
        }
        float[][] ms = {m0, m1, m2};
        if (s.plan.factored()) {
            int[] iRow = sc.iRow;
            int[] iCol = sc.iCol;
            factorIndices(s.plan, off, len, iRow, iCol);
            for (int k = 0; k < 3; k++) {
                float[] row = s.row[k];
                float[] col = s.col[k];
                float[] rowRs = s.rowRs[k];
                float[] colRs = s.colRs[k];
                float[] rowF = s.rowF[k];
                float[] colF = s.colF[k];
                float[] mk = ms[k];
                float[] fg = f[10 + k];
                float[] fr = f[13 + k];
                float[] fc = f[16 + k];
                float[] frr = f[19 + k];
                float[] fcr = f[22 + k];
                float[] fm = f[25 + k];
                for (int i = 0; i < len; i++) {
                    int ir = iRow[i];
                    int ic = iCol[i];
                    float rf = rowF[ir];
                    float cf = colF[ic];
                    fg[i] = g[i] * rf * cf;
                    fr[i] = row[ir];
                    fc[i] = col[ic];
                    frr[i] = rowRs[ir];
                    fcr[i] = colRs[ic];
                    fm[i] = mk[off + i] * rf * cf;
                }
            }
        } else {
            for (int k = 0; k < 3; k++) {
                float[] v = s.v[k];
                float[] mk = ms[k];
                float[] fg = f[10 + k];
                float[] fr = f[13 + k];
                float[] fc = f[16 + k];
                float[] frr = f[19 + k];
                float[] fcr = f[22 + k];
                float[] fm = f[25 + k];
                for (int i = 0; i < len; i++) {
                    float vi = v[off + i];
                    fg[i] = g[i] * (1f / (float) Math.sqrt(Math.max(vi + FAC_EPS, FAC_EPS)));
                    fr[i] = vi;
                    fc[i] = vi;
                    float rs = 1f / (float) Math.sqrt(vi + RSQRT_FEAT_EPS);
                    frr[i] = rs;
                    fcr[i] = rs;
                    fm[i] = mk[off + i] * (1f / (float) Math.sqrt(vi + FAC_MOM_EPS));
                }
            }
        }
    }

    // pass C: features again, MLP, parameter update
    private void passUpdate(TensorState s, FloatBuffer gb, FloatBuffer pb, int ci, float[] w0e, float[] b0e) {
        Scratch sc = SCRATCH.get();
        int start = ci * CHUNK;
        int end = Math.min(s.n, start + CHUNK);
        float[] w1 = theta.w1();
        float[] b1 = theta.b1();
        float[] w2 = theta.w2();
        float[] b2 = theta.b2();
        int kOut = arch().outputs();
        boolean star = arch() == Arch.STAR;
        for (int off = start; off < end; off += L) {
            int len = Math.min(L, end - off);
            gb.get(off, sc.g, 0, len);
            pb.get(off, sc.p, 0, len);
            features(s, sc, off, len);
            // layer 0 (normalisation folded into w0e, time features into b0e)
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
                float wa = w0e[k * 4];
                float wb = w0e[k * 4 + 1];
                float wc = w0e[k * 4 + 2];
                float wd = w0e[k * 4 + 3];
                for (int i = 0; i < len; i++) {
                    float x = fk[i];
                    h0[i] += x * wa;
                    h1[i] += x * wb;
                    h2[i] += x * wc;
                    h3[i] += x * wd;
                }
            }
            // layers 1 and 2, unrolled per element
            float[] o0 = sc.o0;
            float[] o1 = sc.o1;
            float[] o2 = sc.o2;
            float[] o3 = sc.o3;
            for (int i = 0; i < len; i++) {
                float a0 = Math.max(h0[i], 0f);
                float a1 = Math.max(h1[i], 0f);
                float a2 = Math.max(h2[i], 0f);
                float a3 = Math.max(h3[i], 0f);
                float z0 = Math.max(b1[0] + a0 * w1[0] + a1 * w1[4] + a2 * w1[8] + a3 * w1[12], 0f);
                float z1 = Math.max(b1[1] + a0 * w1[1] + a1 * w1[5] + a2 * w1[9] + a3 * w1[13], 0f);
                float z2 = Math.max(b1[2] + a0 * w1[2] + a1 * w1[6] + a2 * w1[10] + a3 * w1[14], 0f);
                float z3 = Math.max(b1[3] + a0 * w1[3] + a1 * w1[7] + a2 * w1[11] + a3 * w1[15], 0f);
                o0[i] = b2[0] + z0 * w2[0] + z1 * w2[kOut] + z2 * w2[2 * kOut] + z3 * w2[3 * kOut];
                o1[i] = b2[1] + z0 * w2[1] + z1 * w2[kOut + 1] + z2 * w2[2 * kOut + 1] + z3 * w2[3 * kOut + 1];
                if (star) {
                    o2[i] = b2[2] + z0 * w2[2] + z1 * w2[kOut + 2] + z2 * w2[2 * kOut + 2] + z3 * w2[3 * kOut + 2];
                    o3[i] = b2[3] + z0 * w2[3] + z1 * w2[kOut + 3] + z2 * w2[2 * kOut + 3] + z3 * w2[3 * kOut + 3];
                }
            }
            float[] p = sc.p;
            if (!star) {
                for (int i = 0; i < len; i++) {
                    float step = o0[i] * (float) Math.exp(o1[i] * EXP_MULT) * STEP_MULT;
                    p[i] = p[i] - step;
                }
            } else {
                float[] r = sc.r;
                float[] f6 = sc.f[6];
                float[] f7 = sc.f[7];
                float[] f8 = sc.f[8];
                float wdl = weightDecay;
                for (int i = 0; i < len; i++) {
                    float bb = o0[i] * (float) Math.exp(o1[i] * EXP_MULT) * STEP_MULT * r[i];
                    float gHat = (f6[i] + f7[i] + f8[i]) / 3f;
                    float nom = (float) Math.exp(o2[i] * EXP_MULT) * STEP_MULT * gHat;
                    float base = p[i];
                    if (wdl != 0f) {
                        base = base * (1f - wdl * (float) Math.exp(o3[i] * EXP_MULT));
                    }
                    p[i] = base - bb - nom;
                }
            }
            pb.put(off, p, 0, len);
        }
    }
}
