package dev.lobench.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;

import java.util.ArrayList;
import java.util.List;

/**
 * A ReLU MLP classifier (softmax cross-entropy, mean over the minibatch) on an in-memory dataset, as a batched inner
 * problem: all slots' parameters are stacked ([P, in, out] weights, [P, out] biases) and one forward/backward of
 * batched matrix products serves the whole population. Forward and backward are written out by hand (no autograd).
 *
 * <p>Per slot, a run started from seed s initialises weights N(0, 2/fan_in) (biases 0) from s, and draws minibatches
 * of {@code batch} examples from an epoch-wise shuffle of the data seeded by s; the data position is the number of
 * minibatches drawn. Weights are stored [in, out] (the reference layout, {@link Param.Layout#GENERIC}).
 */
public final class BatchedMlpProblem implements InnerProblem {
    private final String name;
    private final float[] features;
    private final float[] oneHot;
    private final int n;
    private final int dim;
    private final int classes;
    private final int[] widths;
    private final int batch;

    /**
     * @param features row-major [n, dim]
     * @param labels n labels in [0, classes)
     * @param hidden hidden layer widths (may be empty: a linear classifier)
     */
    public BatchedMlpProblem(String name, float[] features, int[] labels, int dim, int classes, int[] hidden, int batch) {
        if (dim < 1 || classes < 2 || batch < 1) {
            throw new UserError("MLP problem needs dim >= 1, classes >= 2, batch >= 1 (got " + dim + ", " + classes + ", "
                    + batch + ")");
        }
        if (labels.length == 0 || features.length != (long) labels.length * dim) {
            throw new UserError("MLP problem data: " + features.length + " feature values for " + labels.length
                    + " labels of dimension " + dim);
        }
        for (int h : hidden) {
            if (h < 1) {
                throw new UserError("MLP hidden widths must be >= 1, got " + h);
            }
        }
        this.name = name;
        this.features = features.clone();
        this.n = labels.length;
        this.dim = dim;
        this.classes = classes;
        this.batch = batch;
        this.oneHot = new float[n * classes];
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new UserError("MLP problem label " + labels[i] + " at index " + i + " outside [0, " + classes + ")");
            }
            oneHot[i * classes + labels[i]] = 1f;
        }
        widths = new int[hidden.length + 2];
        widths[0] = dim;
        System.arraycopy(hidden, 0, widths, 1, hidden.length);
        widths[widths.length - 1] = classes;
    }

    @Override
    public String name() {
        return name;
    }

    public int numParams() {
        int p = 0;
        for (int l = 0; l + 1 < widths.length; l++) {
            p += widths[l] * widths[l + 1] + widths[l + 1];
        }
        return p;
    }

    @Override
    public Pop population(NDManager manager, int size) {
        return new Pop(manager, size);
    }

    /** The population (public for tests and the benchmark). */
    public final class Pop extends StackedPopulation {
        @Override
        protected int classes() {
            return classes;
        }

        private final NDArray data;
        private final NDArray targets;
        private final NDArray invBatch;
        private final int layers = widths.length - 1;
        private final int[][] perm;
        private final long[] permEpoch;

        Pop(NDManager manager, int size) {
            super(manager, size, names(), shapes(), layouts());
            data = this.manager.create(features, new Shape(n, dim));
            targets = this.manager.create(oneHot, new Shape(n, classes));
            invBatch = this.manager.create(1f / batch);
            perm = new int[size][];
            permEpoch = new long[size];
        }

        @Override
        protected void initSlot(int slot, long s) {
            SplitRng r = new SplitRng(s);
            for (int l = 0; l < layers; l++) {
                int in = widths[l];
                int out = widths[l + 1];
                float[] w = new float[in * out];
                double std = Math.sqrt(2.0 / in);
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) (std * r.nextGaussian());
                }
                setSlot(2 * l, slot, w);
                setSlot(2 * l + 1, slot, new float[out]);
            }
            perm[slot] = null;
        }

        /** Example index of the k-th example of minibatch {@code pos} in the data stream of a run seeded {@code s}. */
        private int exampleIndex(int slot, long pos, int k) {
            long g = pos * batch + k;
            long epoch = g / n;
            if (perm[slot] == null || permEpoch[slot] != epoch || perm[slot].length != n) {
                int[] p = new int[n];
                for (int i = 0; i < n; i++) {
                    p[i] = i;
                }
                SplitRng r = new SplitRng(SplitRng.mix(seed[slot] ^ 0x6A09E667F3BCC909L) + epoch);
                for (int i = n - 1; i > 0; i--) {
                    int j = r.nextInt(i + 1);
                    int t = p[i];
                    p[i] = p[j];
                    p[j] = t;
                }
                perm[slot] = p;
                permEpoch[slot] = epoch;
            }
            return perm[slot][(int) (g % n)];
        }

        @Override
        public void copy(int from, int to) {
            super.copy(from, to);
            perm[to] = null;
        }

        @Override
        public void load(int slot, SlotSnapshot snap) {
            super.load(slot, snap);
            perm[slot] = null;
        }

        @Override
        protected NDArray lossAndGrads(List<NDArray> grads) {
            long[] idx = new long[size * batch];
            for (int j = 0; j < size; j++) {
                for (int k = 0; k < batch; k++) {
                    idx[j * batch + k] = exampleIndex(j, dataPosition[j], k);
                }
            }
            NDArray ix = manager.create(idx);
            NDArray x = data.get(ix).reshape(size, batch, dim);
            NDArray y = targets.get(ix).reshape(size, batch, classes);
            // forward: acts[0] = x, acts[l+1] = relu(acts[l] W_l + b_l) (no relu on the logits)
            NDArray[] acts = new NDArray[layers + 1];
            acts[0] = x;
            for (int l = 0; l < layers; l++) {
                NDArray w = stacked.get(2 * l);
                NDArray b = stacked.get(2 * l + 1).expandDims(1);
                NDArray z = acts[l].batchMatMul(w).addi(b);
                acts[l + 1] = l + 1 < layers ? ai.djl.nn.Activation.relu(z) : z;
            }
            NDArray logp = acts[layers].logSoftmax(2);
            NDArray loss = logp.mul(y).sum(new int[] {2}).mean(new int[] {1}).negi();
            // backward: d logits = (softmax - y) / B
            NDArray d = logp.exp().subi(y).muli(invBatch);
            NDArray[] gw = new NDArray[layers];
            NDArray[] gb = new NDArray[layers];
            for (int l = layers - 1; l >= 0; l--) {
                gw[l] = acts[l].transpose(0, 2, 1).batchMatMul(d);
                gb[l] = d.sum(new int[] {1});
                if (l > 0) {
                    d = d.batchMatMul(stacked.get(2 * l).transpose(0, 2, 1)).muli(acts[l].sign());
                }
            }
            for (int l = 0; l < layers; l++) {
                grads.add(gw[l]);
                grads.add(gb[l]);
            }
            return loss;
        }
    }

    private List<String> names() {
        List<String> l = new ArrayList<>();
        for (int i = 0; i + 1 < widths.length; i++) {
            l.add("layer" + i + "/w");
            l.add("layer" + i + "/b");
        }
        return l;
    }

    private List<Shape> shapes() {
        List<Shape> l = new ArrayList<>();
        for (int i = 0; i + 1 < widths.length; i++) {
            l.add(new Shape(widths[i], widths[i + 1]));
            l.add(new Shape(widths[i + 1]));
        }
        return l;
    }

    private List<Param.Layout> layouts() {
        List<Param.Layout> l = new ArrayList<>();
        for (int i = 0; i + 1 < widths.length; i++) {
            l.add(Param.Layout.GENERIC);
            l.add(Param.Layout.GENERIC);
        }
        return l;
    }
}
