package dev.lobench.tasks.models;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.lobench.tasks.Evaluation;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.TaskInstance;
import dev.lobench.tasks.UserError;
import dev.lobench.tasks.data.FashionMnist;
import dev.lobench.tasks.runtime.Djl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A classifier on an image split with softmax cross-entropy (mean over the minibatch).
 *
 * <p>Determinism: {@code seed} seeds one {@link SplittableRandom}; its first split draws the initial parameters,
 * its second the epoch permutations (Fisher-Yates over the training set, a fresh permutation per epoch, the last
 * incomplete batch of an epoch dropped). With a fixed libtorch thread count, the same seed gives bit-identical losses.
 *
 * <p>Memory: batches are staged through one reused direct buffer per stream (training, evaluation). DJL's
 * {@code set(ByteBuffer)} with a direct buffer makes the tensor alias it, so no buffer is allocated per step.
 * Everything else a step creates lives in an {@link NDScope} closed at the end of the step. Gradients are zeroed in
 * place before each backward pass, so the arrays of {@link #grads()} stay the same objects from step to step.
 */
public final class ClassifierInstance implements TaskInstance {

    private static final int EVAL_BATCH = 1000;

    private final NDManager manager;
    private final Network net;
    private final List<Param> params;
    private final int batch;
    private final int features;
    private final int classes;

    private final float[] trainX;
    private final byte[] trainY;
    private final int trainCount;
    private final float[] testX;
    private final byte[] testY;
    private final int testCount;

    private final SplittableRandom shuffleRng;
    private final int[] perm;
    private int cursor;

    private final ByteBuffer xBuf;
    private final ByteBuffer tBuf;
    private final NDArray xArr;
    private final NDArray tArr;
    private final float negInvBatch;
    private final ByteBuffer evalXBuf;
    private final ByteBuffer evalTBuf;
    private final NDArray evalXArr;
    private final NDArray evalTArr;
    private List<NDArray> grads = List.of();

    /**
     * @param manager owner of every array of this instance (a sub-manager is made and closed by {@link #close()})
     * @param train training split; {@code transform} is applied to a copy
     */
    public ClassifierInstance(NDManager manager, long seed, Network net, int batch, FashionMnist.Split train,
                              FashionMnist.Split test, InputTransform transform) {
        Djl.init();
        if (batch > train.count()) {
            throw new UserError("batch " + batch + " is larger than the training set (" + train.count() + " examples)");
        }
        this.manager = manager.newSubManager();
        this.net = net;
        this.batch = batch;
        this.features = train.features();
        this.classes = FashionMnist.CLASSES;
        this.trainX = transform.apply(train.pixels(), train.count(), train.side());
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom initRng = root.split();
        this.shuffleRng = root.split();
        this.trainY = transform.noisyLabels(train.labels(), FashionMnist.CLASSES, root.split());
        this.trainCount = train.count();
        this.testX = transform.apply(test.pixels(), test.count(), test.side());
        this.testY = test.labels();
        this.testCount = test.count();

        this.params = Collections.unmodifiableList(net.init(this.manager, initRng));
        for (Param p : params) {
            p.array().setRequiresGradient(true);
        }
        this.perm = new int[trainCount];
        this.cursor = trainCount; // forces a shuffle on the first step

        this.negInvBatch = (float) (-transform.lossScale() / batch);
        this.xBuf = direct(batch * features);
        this.tBuf = direct(batch * classes);
        this.xArr = this.manager.create(xBuf.asFloatBuffer(), new Shape(batch, features));
        this.tArr = this.manager.create(tBuf.asFloatBuffer(), new Shape(batch, classes));
        int eb = Math.min(EVAL_BATCH, testCount);
        this.evalXBuf = direct(eb * features);
        this.evalTBuf = direct(eb * classes);
        this.evalXArr = this.manager.create(evalXBuf.asFloatBuffer(), new Shape(eb, features));
        this.evalTArr = this.manager.create(evalTBuf.asFloatBuffer(), new Shape(eb, classes));
    }

    private static ByteBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder());
    }

    @Override
    public List<Param> params() {
        return params;
    }

    public int batchSize() {
        return batch;
    }

    @Override
    public float trainStep() {
        if (cursor + batch > trainCount) {
            shuffle();
        }
        stage(trainX, trainY, perm, cursor, batch, negInvBatch, xBuf, tBuf);
        cursor += batch;
        float loss;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            xArr.set(xBuf);
            tArr.set(tBuf);
            for (Param p : params) {
                if (!grads.isEmpty()) {
                    JniUtils.zeroGrad((PtNDArray) p.array());
                }
            }
            NDArray lossArr;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray logits = net.logits(xArr, params);
                lossArr = logits.logSoftmax(1).mul(tArr).sum();
                gc.backward(lossArr);
            }
            loss = lossArr.getFloat();
        }
        if (grads.isEmpty()) {
            List<NDArray> g = new ArrayList<>(params.size());
            for (Param p : params) {
                NDArray ga = p.array().getGradient();
                NDScope.unregister(ga);
                ga.attach(manager);
                g.add(ga);
            }
            grads = Collections.unmodifiableList(g);
        }
        return loss;
    }

    private void shuffle() {
        for (int i = 0; i < trainCount; i++) {
            perm[i] = i;
        }
        for (int i = trainCount - 1; i > 0; i--) {
            int j = shuffleRng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        cursor = 0;
    }

    /** Copies rows idx[from..from+n) (or from..from+n when idx is null) and targets {@code weight} at the label. */
    private void stage(float[] xs, byte[] ys, int[] idx, int from, int n, float weight, ByteBuffer xb,
                       ByteBuffer tb) {
        FloatBuffer xf = xb.asFloatBuffer();
        FloatBuffer tf = tb.asFloatBuffer();
        float[] zeros = new float[classes];
        for (int k = 0; k < n; k++) {
            int row = idx == null ? from + k : idx[from + k];
            xf.put(xs, row * features, features);
            tf.put(zeros);
            tf.put(k * classes + ys[row], weight);
        }
    }

    @Override
    public List<NDArray> grads() {
        if (grads.isEmpty()) {
            throw new IllegalStateException("grads() before the first trainStep()");
        }
        return grads;
    }

    /** Mean loss and accuracy over the whole test split, in batches of up to 1000, with autograd off. */
    @Override
    public Evaluation evaluate() {
        int eb = (int) evalXArr.getShape().get(0);
        double lossSum = 0;
        long correct = 0;
        try (Djl.NoGrad ng = Djl.noGrad()) {
            for (int start = 0; start < testCount; start += eb) {
                int n = Math.min(eb, testCount - start);
                stage(testX, testY, null, start, n, -1f, evalXBuf, evalTBuf);
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    evalXArr.set(evalXBuf);
                    evalTArr.set(evalTBuf);
                    NDArray x = evalXArr;
                    NDArray t = evalTArr;
                    if (n < eb) {
                        x = evalXArr.get(new NDIndex("0:" + n));
                        t = evalTArr.get(new NDIndex("0:" + n));
                    }
                    NDArray logits = net.logits(x, params);
                    lossSum += logits.logSoftmax(1).mul(t).sum().toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                            .getDouble();
                    long[] pred = logits.argMax(1).toLongArray();
                    for (int k = 0; k < n; k++) {
                        if (pred[k] == testY[start + k]) {
                            correct++;
                        }
                    }
                }
            }
        }
        return new Evaluation(lossSum / testCount, (double) correct / testCount, Double.NaN);
    }

    @Override
    public void close() {
        manager.close();
    }
}
