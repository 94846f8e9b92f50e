package dev.lobench.optimizers.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.ForkJoinPool;
import dev.lobench.optimizers.ParallelLoop;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The velo-style learned optimizer (docs/learned-optimizers.md section 2; see optimizers/VELO.md). A CPU Java
 * kernel: per-tensor work (DeepSets, LSTM, mixing the bank) in double precision, per-element work in float32 chunk by
 * chunk. Factored tensors (Linear and conv weights: nearly all parameters) run the per-element passes of star's fused
 * kernel ({@link FusedLearnedOptimizer}: accumulators, Adafactor reductions, gathered row / column factors, per-lane
 * sums, the layer-0 contribution of the broadcast channels per row / column entry) and, when {@link Simd#ENABLED},
 * its vector loops ({@link SimdKernels}, bit-identical to the scalar loops); non-factored tensors (biases) keep
 * simple scalar loops. Works for tensors on any device (copying when no direct view exists).
 *
 * <p>One step, for every tensor at once:
 * <ol>
 *   <li>clip gradients to +-1000; update the 10 loss EMAs with {@code loss} and form 9 loss-trend features;</li>
 *   <li>30 tensor features per tensor from the parameters and the momentum/RMS accumulators <em>before</em> this
 *       step's update (as the reference): 9 tanh(10 (f - c)) with f = t / num_steps, 9 loss features, log mean RMS,
 *       one-hot of the number of axes of size &gt; 1 (5), log variance of each momentum (3), and
 *       log mean((rms - mean(m_k))^2) for k = 1..3 (3), with p, m, rms scaled by 1/sqrt(mean p^2);</li>
 *   <li>DeepSets mixing (z = x W + b + max over tensors of relu(x W' + b')), one LSTM step per tensor, then the
 *       mixing weights c (K) and lr_mult from the LSTM output;</li>
 *   <li>per tensor, the per-element MLP is (100 / K) sum_k c_k theta_k (weights and biases);</li>
 *   <li>update the accumulators with the clipped gradient, build the 30 per-element features (each channel divided by
 *       sqrt(1e-5 + its mean square over the tensor)), run the MLP and apply
 *       p -= lr_mult * 0.001 * d * exp(0.001 a) * sqrt(mean(p^2) + 1e-9) (p before the step);</li>
 *   <li>t += 1.</li>
 * </ol>
 * The {@code step} argument of {@link #update} is not used: t lives in the state.
 */
public final class VeloOptimizer implements Optimizer, dev.lobench.optimizers.BufferUpdate {
    static final int L = 256;
    static final int NF = VeloTheta.ELEMENT_FEATURES;
    static final int NT = VeloTheta.TENSOR_FEATURES;
    static final int HID = VeloTheta.MLP_HIDDEN;
    static final int OUT = VeloTheta.MLP_OUTPUTS;
    /** Offsets in the mixed per-tensor MLP ({@link #mixBank}): w0 at 0, then b0, w1, b1, w2, b2. */
    static final int OB0 = NF * HID;
    static final int OW1 = OB0 + HID;
    static final int OB1 = OW1 + HID * HID;
    static final int OW2 = OB1 + HID;
    static final int OB2 = OW2 + HID * OUT;
    static final float GRAD_CLIP = 1000f;
    static final float STEP_MULT = 0.001f;
    static final float EXP_MULT = 0.001f;
    static final float[] MOM_DECAYS = {0.9f, 0.99f, 0.999f};
    static final float RMS_DECAY = 0.999f;
    static final float[] ADA_DECAYS = {0.9f, 0.99f, 0.999f};
    static final double[] FRACTION_CENTRES = {0.03, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0, 1.1};
    static final int LOSS_EMAS = 10;
    static final double LOSS_MIN_INIT = 999999999999.0;

    private final VeloTheta theta;
    private final long numSteps;
    private final double[] lossDecays;
    private String label;
    private int threads = THREADS;
    /** Factored tensors' per-element passes through {@link SimdKernels} (bit-identical to the scalar loops). */
    private boolean simd = Simd.ENABLED;

    // theta views (offsets into the flat vector)
    private final float[] th;
    private final int hidden;
    private final int bank;

    /**
     * @param numSteps the planned number of update steps of the run (drives the fraction-of-training features and
     *                 the loss EMA half-lives), &gt;= 1
     */
    public VeloOptimizer(VeloTheta theta, long numSteps) {
        if (numSteps < 1) {
            throw new UserError("velo-style needs the planned number of steps (>= 1), got " + numSteps);
        }
        this.theta = theta;
        this.numSteps = numSteps;
        this.th = theta.flat();
        this.hidden = theta.hidden();
        this.bank = theta.bank();
        this.lossDecays = lossDecays(numSteps);
    }

    /** Decays of the 10 loss EMAs: half-lives log-spaced from 10 to num_steps, decay exp(-1 / half-life). */
    static double[] lossDecays(long numSteps) {
        double[] d = new double[LOSS_EMAS];
        double hi = Math.log10((double) numSteps);
        for (int i = 0; i < LOSS_EMAS; i++) {
            double halfLife = Math.pow(10.0, 1.0 + (hi - 1.0) * i / (LOSS_EMAS - 1));
            d[i] = (float) Math.exp(-1.0 / halfLife);
        }
        return d;
    }

    public VeloTheta theta() {
        return theta;
    }

    public long numSteps() {
        return numSteps;
    }

    /** Sets the canonical spec name this optimizer reports. */
    public VeloOptimizer named(String name) {
        this.label = name;
        return this;
    }

    /** Threads for the per-element passes of tensors above 4096 elements (results do not depend on it). */
    VeloOptimizer threads(int n) {
        this.threads = Math.max(1, n);
        return this;
    }

    /** simd = false forces the scalar loops (simd = true needs {@link Simd#ENABLED}). */
    VeloOptimizer simd(boolean on) {
        if (on && !Simd.ENABLED) {
            throw new IllegalStateException("vector kernels unavailable: " + Simd.describe());
        }
        this.simd = on;
        return this;
    }

    /** Whether this instance runs the vector kernels. */
    public boolean simd() {
        return simd;
    }

    @Override
    public String name() {
        return label != null ? label : "velo-style(lstm=" + hidden + ",bank=" + bank + ")";
    }

    // ------------------------------------------------------------------ state

    /** State: the section-1 accumulators per tensor, the LSTM state per tensor, the loss EMAs and t. */
    public static final class State implements OptState {
        final Accumulators[] tensors;
        final long[][] shapes; // original shapes (rank 0 kept as [])
        final float[][] h;
        final float[][] c;
        final float[] lossMeans = new float[LOSS_EMAS];
        final float[] lossMin = new float[LOSS_EMAS];
        long t;
        float[] scratch; // clipped gradient of the tensor in progress
        float[] pScratch; // parameters of the tensor in progress (one bulk copy in and out per step)

        State(Accumulators[] tensors, long[][] shapes, float[] h0, float[] c0) {
            this.tensors = tensors;
            this.shapes = shapes;
            this.h = new float[tensors.length][];
            this.c = new float[tensors.length][];
            int maxN = 1;
            for (int i = 0; i < tensors.length; i++) {
                h[i] = h0.clone();
                c[i] = c0.clone();
                maxN = Math.max(maxN, tensors[i].n);
            }
            java.util.Arrays.fill(lossMin, (float) LOSS_MIN_INIT);
            scratch = new float[maxN];
            pScratch = new float[maxN];
        }

        public long iteration() {
            return t;
        }

        /** LSTM hidden state of tensor i (a copy). */
        public float[] lstmHidden(int i) {
            return h[i].clone();
        }

        private Map<String, float[]> slots() {
            Map<String, float[]> out = new LinkedHashMap<>();
            for (int i = 0; i < tensors.length; i++) {
                Accumulators ts = tensors[i];
                final String prefix = ts.name + "/";
                ts.slots().forEach((k, a) -> out.put(prefix + k, a));
                out.put(prefix + "lstm_h", h[i]);
                out.put(prefix + "lstm_c", c[i]);
            }
            out.put("_loss_means", lossMeans);
            out.put("_loss_min", lossMin);
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
            throw new UserError("velo-style: no parameters to optimize");
        }
        Accumulators[] ts = new Accumulators[params.size()];
        long[][] shapes = new long[params.size()][];
        for (int i = 0; i < ts.length; i++) {
            Param p = params.get(i);
            shapes[i] = p.array().getShape().getShape();
            ts[i] = new Accumulators(p.name(), FactorPlan.of(p.name(), shapes[i], p.layout()));
        }
        return new State(ts, shapes, theta.segment("lstm_h0"), theta.segment("lstm_c0"));
    }

    // ------------------------------------------------------------------ step

    @Override
    public void update(List<Param> params, List<NDArray> grads, float loss, long step, OptState state) {
        State st = LearnedOptimizer.castState(state, State.class);
        int nt = st.tensors.length;
        FactorPlan[] plans = new FactorPlan[nt];
        for (int i = 0; i < nt; i++) {
            plans[i] = st.tensors[i].plan;
        }
        LearnedOptimizer.checkCall(params, grads, plans);
        checkHidden(st);
        // parameter and gradient access: native views, else staging copies
        FloatBuffer[] pbs = new FloatBuffer[nt];
        FloatBuffer[] gbs = new FloatBuffer[nt];
        boolean[] copied = new boolean[nt];
        for (int i = 0; i < nt; i++) {
            Accumulators s = st.tensors[i];
            NDArray pa = params.get(i).array();
            FloatBuffer pb = NativeAccess.view(pa);
            if (pb == null) {
                if (pa.getDataType() != DataType.FLOAT32) {
                    throw new UserError("velo-style needs float32 parameters; '" + s.name + "' is "
                            + pa.getDataType());
                }
                if (s.staging == null) {
                    s.staging = ByteBuffer.allocateDirect(4 * s.n).order(ByteOrder.nativeOrder());
                }
                pb = s.staging.asFloatBuffer();
                pb.put(0, pa.toFloatArray());
                copied[i] = true;
            }
            pbs[i] = pb;
            gbs[i] = NativeAccess.readable(grads.get(i));
        }
        step(st, pbs, gbs, loss);
        for (int i = 0; i < nt; i++) {
            if (copied[i]) {
                params.get(i).array().set(st.tensors[i].staging);
            }
        }
    }

    @Override
    public void updateBuffers(FloatBuffer[] params, FloatBuffer[] grads, float loss, long step, OptState state) {
        State st = LearnedOptimizer.castState(state, State.class);
        FusedLearnedOptimizer.checkBuffers(params, grads, st.tensors);
        checkHidden(st);
        step(st, params, grads, loss);
    }

    private void checkHidden(State st) {
        if (st.h[0].length != hidden) {
            throw new UserError("velo-style state has LSTM width " + st.h[0].length + " but the optimizer has "
                    + hidden);
        }
    }

    private void step(State st, FloatBuffer[] pbs, FloatBuffer[] gbs, float loss) {
        int nt = st.tensors.length;
        float[] lossFeat = updateLoss(st, loss);
        double fraction = (double) st.t / (double) numSteps;

        // tensor features from the pre-step state; factored tensors: also the accumulator updates and the
        // normalisation sums (the stats pass), which the LSTM does not need to wait for
        double[][] x = new double[nt][];
        double[] paramScale = new double[nt];
        double[][] sumsq = new double[nt][];
        for (int i = 0; i < nt; i++) {
            double[] meanP2 = new double[1];
            Accumulators s = st.tensors[i];
            if (s.plan.factored()) {
                sumsq[i] = new double[NF];
                x[i] = factoredStats(s, st.shapes[i], gbs[i], pbs[i], fraction, lossFeat, meanP2, sumsq[i]);
            } else {
                x[i] = tensorFeatures(s, st.shapes[i], pbs[i], fraction, lossFeat, meanP2);
            }
            paramScale[i] = Math.sqrt((float) meanP2[0] + 1e-9);
        }

        // DeepSets + LSTM + heads
        double[][] ctrl = new double[nt][];
        double[] lrMult = new double[nt];
        lstmStep(st, x, ctrl, lrMult);

        // per tensor: mixed MLP, accumulators, features, update
        for (int i = 0; i < nt; i++) {
            float[] mlp = mixBank(ctrl[i]);
            if (sumsq[i] != null) {
                factoredUpdate(st.tensors[i], gbs[i], pbs[i], mlp, (float) lrMult[i], (float) paramScale[i], sumsq[i]);
            } else {
                stepTensor(st, st.tensors[i], gbs[i], pbs[i], mlp, (float) lrMult[i], (float) paramScale[i]);
            }
        }
        st.t++;
    }

    /** Updates the loss EMAs with {@code loss} and returns the 9 loss-trend features (reference: VeLO's buffer). */
    float[] updateLoss(State st, float loss) {
        long it = st.t; // iterations done so far
        double approxMax = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < LOSS_EMAS; j++) {
            double cor = st.lossMeans[j] / (1.0 - Math.pow(lossDecays[j], it + 1));
            approxMax = Math.max(approxMax, cor);
        }
        if (it == 0) {
            approxMax = loss;
        }
        double l = Math.min(Math.abs(approxMax) * 2.0, loss);
        double[] cor = new double[LOSS_EMAS];
        for (int j = 0; j < LOSS_EMAS; j++) {
            double mean = st.lossMeans[j] * lossDecays[j] + l * (1.0 - lossDecays[j]);
            st.lossMeans[j] = (float) mean;
            // float32 like the stored state, so that cor == min exactly when the minimum was just updated
            cor[j] = (float) (st.lossMeans[j] / (1.0 - Math.pow(lossDecays[j], it + 1)));
            st.lossMin[j] = (float) Math.min(st.lossMin[j], cor[j]);
        }
        float[] f = new float[LOSS_EMAS - 1];
        if (it + 1 <= 2) {
            return f; // the first features are unreliable: zero (as the reference)
        }
        for (int j = 0; j < LOSS_EMAS - 1; j++) {
            double den = Math.max(1e-8, cor[j + 1] - st.lossMin[j]);
            double v = (cor[j] - st.lossMin[j]) / den - 1.0;
            f[j] = (float) Math.max(-1.0, Math.min(1.0, v));
        }
        return f;
    }

    static double clipLogAbs(double v) {
        double mag = Math.log(1e-8 + Math.abs(v * 10.0));
        return Math.max(-5.0, Math.min(5.0, mag)) * 0.5;
    }

    /** The 30 tensor-level LSTM inputs from the state before this step's accumulator update. */
    static double[] tensorFeatures(Accumulators s, long[] shape, FloatBuffer pb, double fraction,
                                   float[] lossFeat, double[] meanP2Out) {
        int n = s.n;
        double sp2 = 0;
        double[] sm = new double[3];
        double srms = 0;
        float[][] ms = {s.m0, s.m1, s.m2};
        for (int e = 0; e < n; e++) {
            double p = pb.get(e);
            sp2 += p * p;
            srms += s.rms[e];
        }
        for (int k = 0; k < 3; k++) {
            double a = 0;
            for (float v : ms[k]) {
                a += v;
            }
            sm[k] = a / n;
        }
        double meanP2 = sp2 / n;
        meanP2Out[0] = meanP2;
        double meanRms = srms / n;
        double[] varM = new double[3];
        double[] varRms = new double[3];
        for (int k = 0; k < 3; k++) {
            double vm = 0;
            double vr = 0;
            float[] mk = ms[k];
            for (int e = 0; e < n; e++) {
                double d = mk[e] - sm[k];
                vm += d * d;
                double dr = s.rms[e] - sm[k];
                vr += dr * dr;
            }
            varM[k] = vm / n;
            varRms[k] = vr / n;
        }
        return tensorFeatures(shape, fraction, lossFeat, meanP2, meanRms, varM, varRms);
    }

    /**
     * The 30 tensor-level LSTM inputs from the tensor's mean p^2, mean rms, variances of the momenta and
     * mean((rms - mean(m_k))^2) (all of the state before this step's update).
     */
    static double[] tensorFeatures(long[] shape, double fraction, float[] lossFeat, double meanP2, double meanRms,
                                   double[] varM, double[] varRms) {
        double norm = 1.0 / Math.sqrt(Math.max(1e-9, (float) meanP2));
        double[] x = new double[NT];
        int o = 0;
        for (double c : FRACTION_CENTRES) {
            x[o++] = Math.tanh((fraction - c) * 10.0);
        }
        for (float lf : lossFeat) {
            x[o++] = lf;
        }
        x[o++] = clipLogAbs(meanRms * norm);
        int nonTrivial = 0;
        for (long d : shape) {
            if (d > 1) {
                nonTrivial++;
            }
        }
        for (int r = 0; r < 5; r++) {
            x[o++] = r == nonTrivial ? 1.0 : 0.0;
        }
        for (int k = 0; k < 3; k++) {
            x[o++] = clipLogAbs(varM[k] * norm * norm);
        }
        for (int k = 0; k < 3; k++) {
            x[o++] = clipLogAbs(varRms[k] * norm * norm);
        }
        return x;
    }

    /** DeepSets mixing, one LSTM step per tensor (state updated in place), and the two heads. */
    void lstmStep(State st, double[][] x, double[][] ctrlOut, double[] lrOut) {
        int nt = x.length;
        int hh = hidden;
        int oMaxW = theta.offset("mix_max_w");
        int oMaxB = theta.offset("mix_max_b");
        int oLinW = theta.offset("mix_lin_w");
        int oLinB = theta.offset("mix_lin_b");
        int oLw = theta.offset("lstm_w");
        int oLb = theta.offset("lstm_b");
        int oCw = theta.offset("ctrl_w");
        int oCb = theta.offset("ctrl_b");
        int oSw = theta.offset("step_w");
        int oSb = theta.offset("step_b");
        double[] pool = new double[hh];
        java.util.Arrays.fill(pool, Double.NEGATIVE_INFINITY);
        double[][] z = new double[nt][];
        for (int i = 0; i < nt; i++) {
            double[] u = affine(x[i], th, oMaxW, oMaxB, hh);
            double[] zi = affine(x[i], th, oLinW, oLinB, hh);
            for (int j = 0; j < hh; j++) {
                pool[j] = Math.max(pool[j], Math.max(0.0, u[j]));
            }
            z[i] = zi;
        }
        int g4 = 4 * hh;
        for (int i = 0; i < nt; i++) {
            double[] gates = new double[g4];
            for (int j = 0; j < g4; j++) {
                gates[j] = th[oLb + j];
            }
            float[] hPrev = st.h[i];
            for (int r = 0; r < hh; r++) {
                double zr = z[i][r] + pool[r];
                double hr = hPrev[r];
                int rowZ = oLw + r * g4;
                int rowH = oLw + (hh + r) * g4;
                for (int j = 0; j < g4; j++) {
                    gates[j] += zr * th[rowZ + j] + hr * th[rowH + j];
                }
            }
            float[] cs = st.c[i];
            double[] hNew = new double[hh];
            for (int j = 0; j < hh; j++) {
                double ig = sigmoid(gates[j]);
                double gg = Math.tanh(gates[hh + j]);
                double fg = sigmoid(gates[2 * hh + j] + 1.0);
                double og = sigmoid(gates[3 * hh + j]);
                double cNew = fg * cs[j] + ig * gg;
                cs[j] = (float) cNew;
                hNew[j] = og * Math.tanh(cNew);
                hPrev[j] = (float) hNew[j];
            }
            ctrlOut[i] = affine(hNew, th, oCw, oCb, bank);
            double lr = th[oSb];
            for (int j = 0; j < hh; j++) {
                lr += hNew[j] * th[oSw + j];
            }
            lrOut[i] = lr;
        }
    }

    static double sigmoid(double v) {
        return 1.0 / (1.0 + Math.exp(-v));
    }

    /** y = x W + b with W row-major [x.length][out] at offset ow, b at ob. */
    static double[] affine(double[] x, float[] w, int ow, int ob, int out) {
        double[] y = new double[out];
        for (int j = 0; j < out; j++) {
            y[j] = w[ob + j];
        }
        for (int r = 0; r < x.length; r++) {
            double xr = x[r];
            if (xr == 0.0) {
                continue;
            }
            int row = ow + r * out;
            for (int j = 0; j < out; j++) {
                y[j] += xr * w[row + j];
            }
        }
        return y;
    }

    /**
     * The per-tensor MLP: (100 / K) sum_k c_k theta_k over the bank. Returned flat as w0 [30*4], b0 [4], w1 [16],
     * b1 [4], w2 [12], b2 [3].
     */
    float[] mixBank(double[] ctrl) {
        int k = bank;
        int[] offs = {theta.offset("bank_w0"), theta.offset("bank_b0"), theta.offset("bank_w1"),
            theta.offset("bank_b1"), theta.offset("bank_w2"), theta.offset("bank_b2")};
        int[] sizes = {NF * HID, HID, HID * HID, HID, HID * OUT, OUT};
        int total = VeloTheta.MLP_PARAMS;
        double[] acc = new double[total];
        for (int b = 0; b < k; b++) {
            double cb = ctrl[b];
            int pos = 0;
            for (int s = 0; s < offs.length; s++) {
                int base = offs[s] + b * sizes[s];
                for (int q = 0; q < sizes[s]; q++) {
                    acc[pos + q] += cb * th[base + q];
                }
                pos += sizes[s];
            }
        }
        float[] out = new float[total];
        double scale = 100.0 / k;
        for (int q = 0; q < total; q++) {
            out[q] = (float) (acc[q] * scale);
        }
        return out;
    }

    // ------------------------------------------------------------------ factored tensors (nearly all parameters)
    //
    // The per-element work of star's fused kernel (FusedLearnedOptimizer, SimdKernels) with velo-style's channels:
    // the Adafactor reductions, the gathered row / column factors, the stats pass (accumulator EMAs and per-lane sums
    // of squares of the 18 per-element channels; the 12 broadcast channels v_row, v_col and their rsqrt are summed on
    // the accumulators), the layer-0 contribution of the broadcast channels per row / column entry, and the update pass
    // (features, MLP and update block by block in L1-resident scratch). Chunks of CHUNK elements, per-chunk partial
    // sums added in chunk order: the same results on any thread count, and the vector and scalar loops agree bit for
    // bit (each lane does the same float operations).

    /** velo-style's per-element channel of star's per-element sum slot q (0..15), then slots 16, 17. */
    private static final int[] SQ_CHANNEL = {0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 27, 28, 29, 1, 14};
    /** First per-lane sum slot of the spreads (m_k - mu_k)^2 (three), then (rms - mu_k)^2 (three). */
    private static final int SPREAD = 18;
    private static final int SLOTS = FusedLearnedOptimizer.SQ_SLOTS;
    /** velo-style's first broadcast channel (v_row_0): channels 15..26 are v_row, v_col, rsqrt(v_row), rsqrt(v_col). */
    private static final int BCAST = 15;

    private void parallel(int nTasks, java.util.function.IntConsumer body) {
        ParallelLoop.run(ForkJoinPool.commonPool(), nTasks > 1 ? threads : 1, nTasks, body);
    }

    /**
     * A factored tensor's part before the LSTM: its pre-step sums (tensor features, mean p^2 into meanP2Out), then
     * the accumulator updates with the clipped gradient and the normalisation sums of squares of its 30 channels
     * into sumsq. Returns the 30 tensor features.
     */
    private double[] factoredStats(Accumulators s, long[] shape, FloatBuffer gb, FloatBuffer pb, double fraction,
                                   float[] lossFeat, double[] meanP2Out, double[] sumsq) {
        int n = s.n;
        int nChunks = (n + FusedLearnedOptimizer.CHUNK - 1) / FusedLearnedOptimizer.CHUNK;
        double[] prePart = new double[nChunks * 5];
        parallel(nChunks, ci -> preSums(s, pb, ci, prePart, simd));
        double[] pre = new double[5];
        for (int ci = 0; ci < nChunks; ci++) {
            for (int q = 0; q < 5; q++) {
                pre[q] += prePart[ci * 5 + q];
            }
        }
        double meanP2 = pre[0] / n;
        meanP2Out[0] = meanP2;
        float[] mu = {(float) (pre[2] / n), (float) (pre[3] / n), (float) (pre[4] / n)};

        FusedLearnedOptimizer.reduceFactored(s, gb, ADA_DECAYS, true, this::parallel);
        Accumulators.deriveFactored(s);
        double[] partial = new double[nChunks * SLOTS];
        parallel(nChunks, ci -> statsChunk(s, gb, pb, ci, mu, partial, simd));
        double[] tot = new double[SLOTS];
        for (int ci = 0; ci < nChunks; ci++) {
            for (int q = 0; q < SLOTS; q++) {
                tot[q] += partial[ci * SLOTS + q];
            }
        }
        for (int q = 0; q < SQ_CHANNEL.length; q++) {
            sumsq[SQ_CHANNEL[q]] = tot[q];
        }
        FusedLearnedOptimizer.broadcastSums(s, sumsq, BCAST);
        double[] varM = new double[3];
        double[] varRms = new double[3];
        for (int k = 0; k < 3; k++) {
            varM[k] = tot[SPREAD + k] / n;
            varRms[k] = tot[SPREAD + 3 + k] / n;
        }
        return tensorFeatures(shape, fraction, lossFeat, meanP2, pre[1] / n, varM, varRms);
    }

    /** Chunk ci's pre-step sums of p^2, rms, m0, m1, m2 into part[ci * 5 ..]. */
    private static void preSums(Accumulators s, FloatBuffer pb, int ci, double[] part, boolean simd) {
        FusedLearnedOptimizer.Scratch sc = FusedLearnedOptimizer.SCRATCH.get();
        int start = ci * FusedLearnedOptimizer.CHUNK;
        int end = Math.min(s.n, start + FusedLearnedOptimizer.CHUNK);
        float[][] sq = sc.sq;
        FusedLearnedOptimizer.zero(sq, 0, 5);
        for (int off = start; off < end; off += L) {
            int len = Math.min(L, end - off);
            pb.get(off, sc.p, 0, len);
            if (simd && len % SimdKernels.V == 0) {
                SimdKernels.veloPreSums(sc, s.m0, s.m1, s.m2, s.rms, off, len);
                continue;
            }
            FusedLearnedOptimizer.loadState(s, sc, off, len);
            if (simd) {
                SimdKernels.veloPreSums(sc, sc.m0, sc.m1, sc.m2, sc.rms, 0, len);
                continue;
            }
            float[] p = sc.p;
            FusedLearnedOptimizer.addSquares(sq[0], p, len);
            addTo(sq[1], sc.rms, len);
            addTo(sq[2], sc.m0, len);
            addTo(sq[3], sc.m1, len);
            addTo(sq[4], sc.m2, len);
        }
        FusedLearnedOptimizer.laneSums(sq, 0, 5, part, ci * 5);
    }

    /** q = q + x. */
    private static void addTo(float[] q, float[] x, int len) {
        for (int i = 0; i < len; i++) {
            q[i] = q[i] + x[i];
        }
    }

    /** q = q + (x - mu)^2. */
    private static void addSpread(float[] q, float[] x, float mu, int len) {
        for (int i = 0; i < len; i++) {
            float d = x[i] - mu;
            q[i] = q[i] + d * d;
        }
    }

    /** Loads the block's gradient into sc.g, clipped to +-1000. */
    private static void loadGradient(FloatBuffer gb, FusedLearnedOptimizer.Scratch sc, int off, int len) {
        gb.get(off, sc.g, 0, len);
        FusedLearnedOptimizer.clip(sc.g, len);
    }

    /**
     * Stats pass over chunk ci: the spreads of the pre-step state around mu, the accumulator EMAs, and the per-lane
     * sums of squares of the per-element channels; their lane sums into partial[ci * SLOTS ..].
     */
    private static void statsChunk(Accumulators s, FloatBuffer gb, FloatBuffer pb, int ci, float[] mu,
                                   double[] partial, boolean simd) {
        FusedLearnedOptimizer.Scratch sc = FusedLearnedOptimizer.SCRATCH.get();
        int start = ci * FusedLearnedOptimizer.CHUNK;
        int end = Math.min(s.n, start + FusedLearnedOptimizer.CHUNK);
        float[][] sq = sc.sq;
        FusedLearnedOptimizer.zero(sq, 0, SLOTS);
        for (int off = start; off < end; off += L) {
            int len = Math.min(L, end - off);
            loadGradient(gb, sc, off, len);
            pb.get(off, sc.p, 0, len);
            FusedLearnedOptimizer.gatherFactors(s, sc, off, len, false);
            if (simd) {
                if (len % SimdKernels.V == 0) {
                    SimdKernels.statsVelo(sc, s.m0, s.m1, s.m2, s.rms, off, len, MOM_DECAYS, RMS_DECAY, mu);
                } else { // the last vector would run past the state arrays: work on the (L-long) scratch copies
                    FusedLearnedOptimizer.loadState(s, sc, off, len);
                    SimdKernels.statsVelo(sc, sc.m0, sc.m1, sc.m2, sc.rms, 0, len, MOM_DECAYS, RMS_DECAY, mu);
                    FusedLearnedOptimizer.storeState(s, sc, off, len);
                }
                continue;
            }
            FusedLearnedOptimizer.loadState(s, sc, off, len);
            float[][] ms = {sc.m0, sc.m1, sc.m2};
            for (int k = 0; k < 3; k++) {
                addSpread(sq[SPREAD + k], ms[k], mu[k], len);
                addSpread(sq[SPREAD + 3 + k], sc.rms, mu[k], len);
            }
            FusedLearnedOptimizer.updateMomRms(sc, len, MOM_DECAYS, RMS_DECAY);
            FusedLearnedOptimizer.storeState(s, sc, off, len);
            FusedLearnedOptimizer.squaresFactored(sc, len);
            float[] t = sc.t;
            clipSmall(t, sc.g, len);
            FusedLearnedOptimizer.addSquares(sq[16], t, len);
            FusedLearnedOptimizer.mul(t, sc.g, sc.r, len);
            FusedLearnedOptimizer.addSquares(sq[17], t, len);
        }
        FusedLearnedOptimizer.laneSums(sq, 0, SLOTS, partial, ci * SLOTS);
    }

    /** c = max(-0.1, min(0.1, g)). */
    private static void clipSmall(float[] c, float[] g, int len) {
        for (int i = 0; i < len; i++) {
            c[i] = Math.max(-0.1f, Math.min(0.1f, g[i]));
        }
    }

    /**
     * A factored tensor's part after the LSTM: the normalisation folded into the mixed first layer, the broadcast
     * channels' layer-0 contribution per row / column entry, and the update pass.
     */
    private void factoredUpdate(Accumulators s, FloatBuffer gb, FloatBuffer pb, float[] mlp, float lrMult,
                                float paramScale, double[] sumsq) {
        int n = s.n;
        float[] w0e = FusedLearnedOptimizer.foldNormalisation(mlp, sumsq, n, NF);
        FusedLearnedOptimizer.broadcastContributions(s, w0e, java.util.Arrays.copyOfRange(mlp, OB0, OB0 + HID), BCAST);
        // layers 1 and 2 as SimdKernels lays them out: b1 then w1 [i * 4 + j]; per output k: bias, weights of z0..z3
        float[] l1 = new float[20];
        System.arraycopy(mlp, OB1, l1, 0, HID);
        System.arraycopy(mlp, OW1, l1, HID, HID * HID);
        float[] l2 = new float[20];
        for (int k = 0; k < 2; k++) {
            l2[k * 5] = mlp[OB2 + k];
            for (int j = 0; j < HID; j++) {
                l2[k * 5 + 1 + j] = mlp[OW2 + j * OUT + k];
            }
        }
        float stepScale = lrMult * STEP_MULT * paramScale;
        Object tail = simd ? SimdKernels.veloTail(l1, l2, stepScale) : null;
        int nChunks = (n + FusedLearnedOptimizer.CHUNK - 1) / FusedLearnedOptimizer.CHUNK;
        parallel(nChunks, ci -> updateChunk(s, gb, pb, ci, w0e, l1, l2, stepScale, tail));
    }

    /** Update pass over chunk ci (vector loops when tail != null; a block they cannot do runs the scalar loops). */
    private static void updateChunk(Accumulators s, FloatBuffer gb, FloatBuffer pb, int ci, float[] w0e, float[] l1,
                                    float[] l2, float stepScale, Object tail) {
        FusedLearnedOptimizer.Scratch sc = FusedLearnedOptimizer.SCRATCH.get();
        boolean simd = tail != null;
        int start = ci * FusedLearnedOptimizer.CHUNK;
        int end = Math.min(s.n, start + FusedLearnedOptimizer.CHUNK);
        for (int off = start; off < end; off += L) {
            int len = Math.min(L, end - off);
            loadGradient(gb, sc, off, len);
            pb.get(off, sc.p, 0, len);
            FusedLearnedOptimizer.gatherFactors(s, sc, off, len, !simd);
            boolean done = false;
            if (simd) {
                FusedLearnedOptimizer.gatherHidden(s, sc, off, len);
                if (len % SimdKernels.V == 0) {
                    done = SimdKernels.updateVelo(sc, s.m0, s.m1, s.m2, s.rms, off, len, w0e, tail);
                } else {
                    FusedLearnedOptimizer.loadState(s, sc, off, len);
                    done = SimdKernels.updateVelo(sc, sc.m0, sc.m1, sc.m2, sc.rms, 0, len, w0e, tail);
                }
                if (!done) { // an exp argument outside the polynomial's range: the scalar loops (Math.exp there)
                    pb.get(off, sc.p, 0, len);
                    FusedLearnedOptimizer.gatherFactors(s, sc, off, len, true);
                }
            }
            if (!done) {
                FusedLearnedOptimizer.loadState(s, sc, off, len);
                layer0Scalar(sc, len, w0e);
                tailScalar(sc, len, l1, l2, stepScale);
            }
            pb.put(off, sc.p, 0, len);
        }
    }

    /** Scalar layer 0 of a factored block: h_j = rowH_j + colH_j, then the 18 per-element channels in pairs. */
    private static void layer0Scalar(FusedLearnedOptimizer.Scratch sc, int len, float[] w0e) {
        FusedLearnedOptimizer.factoredFeatures(sc, len); // r, m_k r (f6..8), fac_g (f10..12), m_k rf cf (f25..27)
        float[][] f = sc.f;
        clipSmall(f[1], sc.g, len);
        FusedLearnedOptimizer.mul(f[13], sc.g, sc.r, len);
        float[][] h = {sc.h0, sc.h1, sc.h2, sc.h3};
        for (int j = 0; j < HID; j++) {
            float[] hj = h[j];
            FusedLearnedOptimizer.add(hj, sc.rh[j], sc.ch[j], len);
            pair(hj, sc.g, 0, f[1], 1, w0e, j, len);
            pair(hj, sc.p, 2, sc.m0, 3, w0e, j, len);
            pair(hj, sc.m1, 4, sc.m2, 5, w0e, j, len);
            pair(hj, sc.rms, 6, f[6], 7, w0e, j, len);
            pair(hj, f[7], 8, f[8], 9, w0e, j, len);
            pair(hj, sc.r, 10, f[10], 11, w0e, j, len);
            pair(hj, f[11], 12, f[12], 13, w0e, j, len);
            pair(hj, f[13], 14, f[25], 27, w0e, j, len);
            pair(hj, f[26], 28, f[27], 29, w0e, j, len);
        }
    }

    private static void pair(float[] h, float[] a, int ka, float[] b, int kb, float[] w0e, int j, int len) {
        FusedLearnedOptimizer.madd2(h, a, w0e[ka * HID + j], b, w0e[kb * HID + j], len);
    }

    /** Scalar layers 1-2 and the update p - d exp(0.001 a) stepScale into sc.p (the loops of small-fc's tail). */
    private static void tailScalar(FusedLearnedOptimizer.Scratch sc, int len, float[] l1, float[] l2,
                                   float stepScale) {
        float[][] h = {sc.h0, sc.h1, sc.h2, sc.h3};
        float[][] z = sc.z;
        for (int j = 0; j < HID; j++) {
            FusedLearnedOptimizer.relu(h[j], len);
        }
        for (int j = 0; j < HID; j++) {
            FusedLearnedOptimizer.set2(z[j], l1[j], h[0], l1[4 + j], h[1], l1[8 + j], len);
            FusedLearnedOptimizer.madd2(z[j], h[2], l1[12 + j], h[3], l1[16 + j], len);
            FusedLearnedOptimizer.relu(z[j], len);
        }
        float[][] o = {sc.o0, sc.o1};
        for (int k = 0; k < 2; k++) {
            FusedLearnedOptimizer.set2(o[k], l2[k * 5], z[0], l2[k * 5 + 1], z[1], l2[k * 5 + 2], len);
            FusedLearnedOptimizer.madd2(o[k], z[2], l2[k * 5 + 3], z[3], l2[k * 5 + 4], len);
        }
        FusedLearnedOptimizer.exp(sc.o1, sc.e1, len);
        float[] t = sc.t;
        FusedLearnedOptimizer.mul(t, sc.o0, sc.e1, len);
        float[] p = sc.p;
        for (int i = 0; i < len; i++) {
            p[i] = p[i] - t[i] * stepScale;
        }
    }

    // ------------------------------------------------------------------ non-factored tensors (biases, vectors)

    static final class Scratch {
        final float[][] f = new float[NF][L];
        final float[] g = new float[L];
        final float[] p = new float[L];
        final float[] d = new float[L];
        final float[] a = new float[L];
        final float[] hA = new float[L];
        final float[] hB = new float[L];
        final float[] hC = new float[L];
        final float[] hD = new float[L];
    }

    /** Chunks per parallel task of the per-element passes (16 x 256 elements); smaller tensors run on one thread. */
    static final int BLOCK_CHUNKS = 16;
    /** Threads for the per-element passes: -Dai.djl.pytorch.num_threads (lobench --threads), else all cores. */
    static final int THREADS = Math.max(1, Integer.getInteger("ai.djl.pytorch.num_threads",
            Runtime.getRuntime().availableProcessors()));

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private void stepTensor(State st, Accumulators s, FloatBuffer gb, FloatBuffer pb, float[] mlp,
                            float lrMult, float paramScale) {
        int n = s.n;
        float[] g = st.scratch;
        gb.get(0, g, 0, n);
        float[] pAll = st.pScratch;
        pb.get(0, pAll, 0, n);
        for (int e = 0; e < n; e++) {
            g[e] = Math.max(-GRAD_CLIP, Math.min(GRAD_CLIP, g[e]));
        }
        updateAccumulators(s, g, threads);

        // pass 1: per chunk of L elements and channel, the float sum of squares; summed over chunks in order
        int nChunks = (n + L - 1) / L;
        float[] partial = new float[nChunks * NF];
        int nBlocks = (nChunks + BLOCK_CHUNKS - 1) / BLOCK_CHUNKS;
        ParallelLoop.run(ForkJoinPool.commonPool(), nBlocks > 1 ? threads : 1, nBlocks, b -> {
            Scratch sc = SCRATCH.get();
            int c1 = Math.min(nChunks, (b + 1) * BLOCK_CHUNKS);
            for (int c = b * BLOCK_CHUNKS; c < c1; c++) {
                int off = c * L;
                int len = Math.min(L, n - off);
                System.arraycopy(g, off, sc.g, 0, len);
                System.arraycopy(pAll, off, sc.p, 0, len);
                features(s, sc, off, len);
                for (int k = 0; k < NF; k++) {
                    float[] fk = sc.f[k];
                    float a = 0f;
                    for (int i = 0; i < len; i++) {
                        a += fk[i] * fk[i];
                    }
                    partial[c * NF + k] = a;
                }
            }
        });
        double[] sumsq = new double[NF];
        for (int c = 0; c < nChunks; c++) {
            for (int k = 0; k < NF; k++) {
                sumsq[k] += partial[c * NF + k];
            }
        }
        // fold the second-moment normalisation into the first layer
        float[] w0 = FusedLearnedOptimizer.foldNormalisation(mlp, sumsq, n, NF);
        float b00 = mlp[OB0];
        float b01 = mlp[OB0 + 1];
        float b02 = mlp[OB0 + 2];
        float b03 = mlp[OB0 + 3];
        float stepScale = lrMult * STEP_MULT * paramScale;
        // layers 1 and 2 as locals, so the per-element loop below has no array loads of weights
        final float c1b0 = mlp[OB1], c1b1 = mlp[OB1 + 1], c1b2 = mlp[OB1 + 2], c1b3 = mlp[OB1 + 3];
        final float c1w00 = mlp[OW1], c1w01 = mlp[OW1 + 1], c1w02 = mlp[OW1 + 2], c1w03 = mlp[OW1 + 3];
        final float c1w10 = mlp[OW1 + 4], c1w11 = mlp[OW1 + 5], c1w12 = mlp[OW1 + 6], c1w13 = mlp[OW1 + 7];
        final float c1w20 = mlp[OW1 + 8], c1w21 = mlp[OW1 + 9], c1w22 = mlp[OW1 + 10], c1w23 = mlp[OW1 + 11];
        final float c1w30 = mlp[OW1 + 12], c1w31 = mlp[OW1 + 13], c1w32 = mlp[OW1 + 14], c1w33 = mlp[OW1 + 15];
        final float c2bd = mlp[OB2], c2ba = mlp[OB2 + 1];
        final float c2w0d = mlp[OW2], c2w1d = mlp[OW2 + OUT], c2w2d = mlp[OW2 + 2 * OUT], c2w3d = mlp[OW2 + 3 * OUT];
        final float c2w0a = mlp[OW2 + 1], c2w1a = mlp[OW2 + OUT + 1], c2w2a = mlp[OW2 + 2 * OUT + 1],
                c2w3a = mlp[OW2 + 3 * OUT + 1];
        // pass 2: features again, the MLP and the update, chunk by chunk (chunks are independent)
        ParallelLoop.run(ForkJoinPool.commonPool(), nBlocks > 1 ? threads : 1, nBlocks, b -> {
            Scratch sc = SCRATCH.get();
            float[] hA = sc.hA;
            float[] hB = sc.hB;
            float[] hC = sc.hC;
            float[] hD = sc.hD;
            int c1 = Math.min(nChunks, (b + 1) * BLOCK_CHUNKS);
            for (int c = b * BLOCK_CHUNKS; c < c1; c++) {
                int off = c * L;
                int len = Math.min(L, n - off);
                System.arraycopy(g, off, sc.g, 0, len);
                System.arraycopy(pAll, off, sc.p, 0, len);
                features(s, sc, off, len);
                java.util.Arrays.fill(hA, 0, len, b00);
                java.util.Arrays.fill(hB, 0, len, b01);
                java.util.Arrays.fill(hC, 0, len, b02);
                java.util.Arrays.fill(hD, 0, len, b03);
                for (int k = 0; k < NF; k++) {
                    float[] fk = sc.f[k];
                    float wa = w0[k * HID];
                    float wb = w0[k * HID + 1];
                    float wc = w0[k * HID + 2];
                    float wd = w0[k * HID + 3];
                    for (int i = 0; i < len; i++) {
                        float v = fk[i];
                        hA[i] += v * wa;
                        hB[i] += v * wb;
                        hC[i] += v * wc;
                        hD[i] += v * wd;
                    }
                }
                float[] p = sc.p;
                float[] dd = sc.d;
                float[] aa = sc.a;
                for (int i = 0; i < len; i++) {
                    float a0 = Math.max(hA[i], 0f);
                    float a1 = Math.max(hB[i], 0f);
                    float a2 = Math.max(hC[i], 0f);
                    float a3 = Math.max(hD[i], 0f);
                    float z0 = Math.max(c1b0 + a0 * c1w00 + a1 * c1w10 + a2 * c1w20 + a3 * c1w30, 0f);
                    float z1 = Math.max(c1b1 + a0 * c1w01 + a1 * c1w11 + a2 * c1w21 + a3 * c1w31, 0f);
                    float z2 = Math.max(c1b2 + a0 * c1w02 + a1 * c1w12 + a2 * c1w22 + a3 * c1w32, 0f);
                    float z3 = Math.max(c1b3 + a0 * c1w03 + a1 * c1w13 + a2 * c1w23 + a3 * c1w33, 0f);
                    dd[i] = c2bd + z0 * c2w0d + z1 * c2w1d + z2 * c2w2d + z3 * c2w3d;
                    aa[i] = c2ba + z0 * c2w0a + z1 * c2w1a + z2 * c2w2a + z3 * c2w3a;
                }
                for (int i = 0; i < len; i++) {
                    aa[i] = (float) Math.exp(aa[i] * EXP_MULT);
                }
                for (int i = 0; i < len; i++) {
                    p[i] = p[i] - dd[i] * aa[i] * stepScale;
                }
                System.arraycopy(p, 0, pAll, off, len);
            }
        });
        pb.put(0, pAll, 0, n);
    }

    /**
     * Section-1 accumulator updates of a non-factored tensor (fixed base decays: VeLO does not learn them) with the
     * clipped gradient.
     */
    static void updateAccumulators(Accumulators s, float[] g, int threads) {
        int n = s.n;
        float[][] ms = {s.m0, s.m1, s.m2};
        // element-wise EMAs, in blocks of BLOCK_CHUNKS * L elements (independent: any thread count, same result)
        int block = BLOCK_CHUNKS * L;
        int nBlocks = (n + block - 1) / block;
        ParallelLoop.run(ForkJoinPool.commonPool(), nBlocks > 1 ? threads : 1, nBlocks, bi -> {
            int e0 = bi * block;
            int e1 = Math.min(n, e0 + block);
            for (int k = 0; k < 3; k++) {
                float b = MOM_DECAYS[k];
                float cc = 1f - b;
                float[] m = ms[k];
                for (int e = e0; e < e1; e++) {
                    m[e] = m[e] * b + g[e] * cc;
                }
            }
            float cr = 1f - RMS_DECAY;
            for (int e = e0; e < e1; e++) {
                s.rms[e] = s.rms[e] * RMS_DECAY + (g[e] * g[e]) * cr;
            }
            for (int k = 0; k < 3; k++) {
                float b = ADA_DECAYS[k];
                float cc = 1f - b;
                float[] v = s.v[k];
                for (int e = e0; e < e1; e++) {
                    v[e] = v[e] * b + (g[e] * g[e] + 1e-30f) * cc;
                }
            }
        });
    }

    /**
     * The 30 per-element features (before normalisation) of elements off .. off+len-1 of a non-factored tensor
     * (sc.g, sc.p loaded).
     */
    static void features(Accumulators s, Scratch sc, int off, int len) {
        float[][] f = sc.f;
        float[] g = sc.g;
        float[][] ms = {s.m0, s.m1, s.m2};
        float[] rms = s.rms;
        // channel by channel (vectorisable loops); the same float operations per element as the element-wise form
        System.arraycopy(g, 0, f[0], 0, len);
        float[] f1 = f[1];
        for (int i = 0; i < len; i++) {
            f1[i] = Math.max(-0.1f, Math.min(0.1f, g[i]));
        }
        System.arraycopy(sc.p, 0, f[2], 0, len);
        System.arraycopy(rms, off, f[6], 0, len);
        float[] f10 = f[10];
        float[] f14 = f[14];
        for (int i = 0; i < len; i++) {
            float r = 1f / (float) Math.sqrt(rms[off + i] + 1e-6f);
            f10[i] = r;
            f14[i] = g[i] * r;
        }
        for (int k = 0; k < 3; k++) {
            float[] mk = ms[k];
            System.arraycopy(mk, off, f[3 + k], 0, len);
            float[] fmr = f[7 + k];
            for (int i = 0; i < len; i++) {
                fmr[i] = mk[off + i] * f10[i];
            }
        }
        for (int k = 0; k < 3; k++) {
            float[] v = s.v[k];
            float[] mk = ms[k];
            float[] fg = f[11 + k];
            float[] frs = f[21 + k];
            float[] fm = f[27 + k];
            System.arraycopy(v, off, f[15 + k], 0, len);
            System.arraycopy(v, off, f[18 + k], 0, len);
            for (int i = 0; i < len; i++) {
                float vi = v[off + i];
                fg[i] = g[i] * (1f / (float) Math.sqrt(Math.max(vi + 1e-9f, 1e-9f)));
                frs[i] = 1f / (float) Math.sqrt(vi + 1e-8f);
                fm[i] = mk[off + i] * (1f / (float) Math.sqrt(vi)); // no epsilon, as the reference
            }
            System.arraycopy(frs, 0, f[24 + k], 0, len);
        }
    }
}
