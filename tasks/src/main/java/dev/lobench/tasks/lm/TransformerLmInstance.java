package dev.lobench.tasks.lm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.lobench.tasks.Evaluation;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.TaskInstance;
import dev.lobench.tasks.UserError;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** One seeded instance of {@link TransformerLm}; see there for the model. Not thread-safe. */
final class TransformerLmInstance implements TaskInstance {
    static final float LN_EPS = 1e-5f;
    static final double INIT_STD = 0.02;
    static final int VOCAB = 256;

    private final TransformerLm cfg;
    private final byte[] train;
    private final byte[] test;
    private final NDManager manager;
    private final Random batchRng;
    private final List<Param> params = new ArrayList<>();
    private final List<NDArray> grads = new ArrayList<>();
    private final List<NDArray> gradView = Collections.unmodifiableList(grads);
    private boolean hasGrads;

    // named views into params
    private final NDArray tokEmb;
    private final NDArray posEmb;
    private final Block[] blocks;
    private final NDArray lnfGain;
    private final NDArray lnfBias;
    private final NDArray headW;
    private final NDArray headB;

    // per-instance constants and the reused staging area for token windows
    private final NDArray mask; // [T, T], 0 on and below the diagonal, -inf above
    private final NDArray scale; // 0-d, 1/sqrt(head dim)
    private final NDArray tokens; // [B, T+1] int64
    private final ByteBuffer staging;
    private final LongBuffer stagingLongs;
    private final NDIndex inputIdx = new NDIndex(":, :-1");
    private final NDIndex targetIdx = new NDIndex(":, 1:");
    private final Shape normShape;

    private record Block(NDArray ln1g, NDArray ln1b, NDArray qkvW, NDArray qkvB, NDArray projW, NDArray projB,
            NDArray ln2g, NDArray ln2b, NDArray fcW, NDArray fcB, NDArray fc2W, NDArray fc2B) {
    }

    TransformerLmInstance(TransformerLm cfg, byte[] train, byte[] test, NDManager manager, long seed) {
        this.cfg = cfg;
        this.train = train;
        this.test = test;
        this.manager = manager;
        int t = cfg.context;
        if (train.length < t + 1 || test.length < t + 1) {
            throw new UserError("transformer: parameter 'context' " + t + " needs at least " + (t + 1)
                    + " bytes of text, but the train split has " + train.length + " and the test split "
                    + test.length);
        }
        Random init = new Random(mix(seed, 0x1A17L));
        this.batchRng = new Random(mix(seed, 0xBA7CL));
        int w = cfg.width;
        this.normShape = new Shape(w);
        tokEmb = normal("tok_emb", init, Param.Layout.GENERIC, VOCAB, w);
        posEmb = normal("pos_emb", init, Param.Layout.GENERIC, t, w);
        blocks = new Block[cfg.depth];
        for (int l = 0; l < cfg.depth; l++) {
            String p = "h" + l + ".";
            blocks[l] = new Block(
                    constant(p + "ln1.gain", 1, w), constant(p + "ln1.bias", 0, w),
                    normal(p + "attn.qkv.weight", init, Param.Layout.LINEAR_OUT_IN, 3 * w, w),
                    constant(p + "attn.qkv.bias", 0, 3 * w),
                    normal(p + "attn.proj.weight", init, Param.Layout.LINEAR_OUT_IN, w, w),
                    constant(p + "attn.proj.bias", 0, w),
                    constant(p + "ln2.gain", 1, w), constant(p + "ln2.bias", 0, w),
                    normal(p + "mlp.fc.weight", init, Param.Layout.LINEAR_OUT_IN, 4 * w, w),
                    constant(p + "mlp.fc.bias", 0, 4 * w),
                    normal(p + "mlp.proj.weight", init, Param.Layout.LINEAR_OUT_IN, w, 4 * w),
                    constant(p + "mlp.proj.bias", 0, w));
        }
        lnfGain = constant("ln_f.gain", 1, w);
        lnfBias = constant("ln_f.bias", 0, w);
        headW = normal("head.weight", init, Param.Layout.LINEAR_OUT_IN, VOCAB, w);
        headB = constant("head.bias", 0, VOCAB);
        for (Param p : params) {
            p.array().setRequiresGradient(true);
        }

        double[] m = new double[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                m[i * t + j] = Double.NEGATIVE_INFINITY;
            }
        }
        mask = ofDtype(manager.create(m, new Shape(t, t)));
        scale = ofDtype(manager.create(1.0 / Math.sqrt((double) w / cfg.heads)));
        tokens = manager.zeros(new Shape(cfg.batch, t + 1), DataType.INT64);
        staging = ByteBuffer.allocateDirect(cfg.batch * (t + 1) * Long.BYTES).order(ByteOrder.nativeOrder());
        stagingLongs = staging.asLongBuffer();
    }

    /** The float64 array converted to the model's dtype; the float64 original is closed if a copy was made. */
    private NDArray ofDtype(NDArray f64) {
        if (cfg.dtype == DataType.FLOAT64) {
            return f64;
        }
        NDArray out = f64.toType(cfg.dtype, true);
        f64.close();
        return out;
    }

    static long mix(long seed, long stream) {
        long z = seed * 0x9E3779B97F4A7C15L + stream;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private NDArray normal(String name, Random rng, Param.Layout layout, int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = INIT_STD * rng.nextGaussian();
        }
        return add(name, v, layout, new Shape(rows, cols));
    }

    private NDArray constant(String name, double value, int n) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, value);
        return add(name, v, Param.Layout.GENERIC, new Shape(n));
    }

    private NDArray add(String name, double[] values, Param.Layout layout, Shape shape) {
        NDArray a;
        if (cfg.dtype == DataType.FLOAT64) {
            a = manager.create(values, shape);
        } else {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            a = manager.create(f, shape);
        }
        a.setName(name);
        params.add(new Param(name, a, layout));
        return a;
    }

    @Override
    public List<Param> params() {
        return Collections.unmodifiableList(params);
    }

    @Override
    public float trainStep() {
        int span = cfg.context + 1;
        stagingLongs.clear();
        for (int b = 0; b < cfg.batch; b++) {
            int start = batchRng.nextInt(train.length - span + 1);
            for (int k = 0; k < span; k++) {
                stagingLongs.put(train[start + k] & 0xFF);
            }
        }
        return lossAndGrad();
    }

    /** Forward and backward on the windows given as [batch][context + 1] bytes (tests). */
    float lossAndGrad(long[] windows) {
        stage(windows);
        return lossAndGrad();
    }

    private void stage(long[] windows) {
        stagingLongs.clear();
        stagingLongs.put(windows);
    }

    private float lossAndGrad() {
        tokens.set(staging.rewind());
        if (hasGrads) {
            for (Param p : params) {
                JniUtils.zeroGrad((PtNDArray) p.array());
            }
        }
        float loss;
        try (NDScope scope = new NDScope();
                GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray logits = forward(tokens.get(inputIdx));
            NDArray l = loss(logits, tokens.get(targetIdx));
            gc.backward(l);
            loss = l.toType(DataType.FLOAT32, false).getFloat();
        }
        // libtorch's grad mode is per thread and on by default on threads other than the engine's first; the
        // collector restores that. Leave it off so that optimizers can update the parameters in place here.
        JniUtils.setGradMode(false);
        // Keep one Java object per gradient and point it at the current .grad tensor (libtorch may replace it).
        for (int i = 0; i < params.size(); i++) {
            NDArray fresh = params.get(i).array().getGradient();
            if (i < grads.size()) {
                ((PtNDArray) grads.get(i)).intern(fresh);
            } else {
                grads.add(fresh);
            }
        }
        hasGrads = true;
        return loss;
    }

    @Override
    public List<NDArray> grads() {
        if (!hasGrads) {
            throw new IllegalStateException("grads() before the first trainStep()");
        }
        return gradView;
    }

    NDArray forward(NDArray inputs) {
        int b = (int) inputs.getShape().get(0);
        int t = cfg.context;
        int w = cfg.width;
        int h = cfg.heads;
        int dh = w / h;
        NDArray x = Embedding.embedding(inputs, tokEmb, SparseFormat.DENSE).singletonOrThrow().add(posEmb);
        for (Block blk : blocks) {
            NDArray a = LayerNorm.layerNorm(x, normShape, blk.ln1g, blk.ln1b, LN_EPS).singletonOrThrow();
            NDArray qkv = Linear.linear(a, blk.qkvW, blk.qkvB).singletonOrThrow()
                    .reshape(b, t, 3, h, dh).transpose(2, 0, 3, 1, 4); // [3, B, H, T, dh]
            NDArray q = qkv.get(0).mul(scale);
            NDArray k = qkv.get(1);
            NDArray v = qkv.get(2);
            NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).add(mask).softmax(-1); // [B, H, T, T]
            NDArray y = att.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, w);
            x = x.add(Linear.linear(y, blk.projW, blk.projB).singletonOrThrow());
            NDArray m = LayerNorm.layerNorm(x, normShape, blk.ln2g, blk.ln2b, LN_EPS).singletonOrThrow();
            m = Activation.gelu(Linear.linear(m, blk.fcW, blk.fcB).singletonOrThrow());
            x = x.add(Linear.linear(m, blk.fc2W, blk.fc2B).singletonOrThrow());
        }
        x = LayerNorm.layerNorm(x, normShape, lnfGain, lnfBias, LN_EPS).singletonOrThrow();
        return Linear.linear(x, headW, headB).singletonOrThrow(); // [B, T, 256]
    }

    private static NDArray loss(NDArray logits, NDArray targets) {
        return logits.logSoftmax(-1).gather(targets.expandDims(-1), -1).mean().neg();
    }

    @Override
    public Evaluation evaluate() {
        int span = cfg.context + 1;
        int n = cfg.evalBatches * cfg.batch;
        long last = test.length - span;
        double lossSum = 0;
        long correct = 0;
        boolean prev = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (int e = 0; e < cfg.evalBatches; e++) {
                stagingLongs.clear();
                for (int b = 0; b < cfg.batch; b++) {
                    int i = e * cfg.batch + b;
                    int start = (int) (n == 1 ? 0 : i * last / (n - 1));
                    for (int k = 0; k < span; k++) {
                        stagingLongs.put(test[start + k] & 0xFF);
                    }
                }
                tokens.set(staging.rewind());
                try (NDScope scope = new NDScope()) {
                    NDArray logits = forward(tokens.get(inputIdx));
                    NDArray targets = tokens.get(targetIdx);
                    lossSum += loss(logits, targets).toType(DataType.FLOAT64, false).getDouble();
                    correct += logits.argMax(-1).eq(targets).countNonzero().getLong();
                }
            }
        } finally {
            JniUtils.setGradMode(prev);
        }
        double loss = lossSum / cfg.evalBatches;
        double acc = (double) correct / ((long) n * cfg.context);
        return new Evaluation(loss, acc, loss / Math.log(2));
    }

    /** Logits [batch * context * 256] for the given windows [batch][context + 1], without gradients (tests). */
    double[] logits(long[] windows) {
        boolean prev = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDScope scope = new NDScope()) {
            stage(windows);
            tokens.set(staging.rewind());
            return forward(tokens.get(inputIdx)).toType(DataType.FLOAT64, false).toDoubleArray();
        } finally {
            JniUtils.setGradMode(prev);
        }
    }

    /** Loss on the given windows without gradients (tests). */
    double loss(long[] windows) {
        boolean prev = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDScope scope = new NDScope()) {
            stage(windows);
            tokens.set(staging.rewind());
            return loss(forward(tokens.get(inputIdx)), tokens.get(targetIdx)).toType(DataType.FLOAT64, false)
                    .getDouble();
        } finally {
            JniUtils.setGradMode(prev);
        }
    }

    @Override
    public void close() {
        for (Param p : params) {
            p.array().close();
        }
        for (NDArray g : grads) {
            g.close();
        }
        mask.close();
        scale.close();
        tokens.close();
    }
}
