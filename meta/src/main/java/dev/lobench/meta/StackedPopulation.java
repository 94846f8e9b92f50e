package dev.lobench.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.lobench.optimizers.BufferUpdate;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.learned.NativeAccess;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A population whose parameters are stacked along a leading slot axis: tensor k has shape [P, shape_k...]. Slot j
 * sees its parameters as views {@code stacked_k[j]} (in-place updates by its optimizer write into the stacked
 * tensor), so a subclass computes the losses and gradients of all slots with one batched forward/backward, and
 * only the optimizer updates (each slot has its own theta) run per slot.
 *
 * <p>Each slot's views and optimizer state live in a per-slot sub-manager that is closed when the slot is reset.
 */
public abstract class StackedPopulation implements Population {
    protected final NDManager manager;
    protected final int size;
    private final List<String> names;
    private final List<Shape> shapes;
    private final List<Param.Layout> layouts;
    protected final List<NDArray> stacked = new ArrayList<>();
    private final NDManager[] slotManagers;
    private final List<List<Param>> slotParams = new ArrayList<>();
    private final OptState[] states;
    protected final long[] step;
    protected final long[] seed;
    protected final long[] dataPosition;
    private FloatBuffer[] paramViews; // live views of the stacked parameter tensors (made on first use)
    /** Threads for the per-slot optimizer updates: -Dai.djl.pytorch.num_threads (meta-train --threads), else all cores. */
    private final int updateThreads = Math.max(1, Integer.getInteger("ai.djl.pytorch.num_threads",
            Runtime.getRuntime().availableProcessors()));

    protected StackedPopulation(NDManager manager, int size, List<String> names, List<Shape> shapes,
            List<Param.Layout> layouts) {
        if (size < 1) {
            throw new IllegalArgumentException("population size must be >= 1");
        }
        this.manager = manager.newSubManager();
        this.size = size;
        this.names = List.copyOf(names);
        this.shapes = List.copyOf(shapes);
        this.layouts = List.copyOf(layouts);
        for (Shape s : shapes) {
            stacked.add(this.manager.zeros(new Shape(size).addAll(s), DataType.FLOAT32));
        }
        slotManagers = new NDManager[size];
        states = new OptState[size];
        step = new long[size];
        seed = new long[size];
        dataPosition = new long[size];
        for (int j = 0; j < size; j++) {
            slotParams.add(List.of());
        }
    }

    @Override
    public int size() {
        return size;
    }

    /** Writes the initial parameters of slot {@code slot} for a run started from {@code seed}. */
    protected abstract void initSlot(int slot, long seed);

    /**
     * One batched step for every slot at its current data position: returns the minibatch losses [P] and fills
     * {@code grads} (aligned with the stacked tensors, each [P, ...]). Arrays may be temporaries of the caller's scope.
     */
    protected abstract NDArray lossAndGrads(List<NDArray> grads);

    /**
     * Number of classes of a classification task (for {@link LossNormaliser#CLIP}); 0 for a problem that is not a
     * classification, whose losses no normaliser changes.
     */
    protected int classes() {
        return 0;
    }

    /** Overwrites slot {@code slot} of stacked tensor {@code k} with {@code values} (row-major). */
    protected void setSlot(int k, int slot, float[] values) {
        try (NDScope ignored = new NDScope()) {
            NDArray v = manager.create(values, shapes.get(k));
            stacked.get(k).set(new NDIndex(slot), v);
        }
    }

    /** Parameter views of a slot (for tests and tools). */
    public List<Param> params(int slot) {
        return slotParams.get(slot);
    }

    @Override
    public void reset(int slot, long newSeed, Optimizer opt) {
        initSlot(slot, newSeed);
        if (states[slot] != null) {
            states[slot].close();
        }
        if (slotManagers[slot] != null) {
            slotManagers[slot].close();
        }
        NDManager sm = manager.newSubManager();
        slotManagers[slot] = sm;
        List<Param> ps = new ArrayList<>();
        for (int k = 0; k < stacked.size(); k++) {
            ps.add(new Param(names.get(k), stacked.get(k).get(sm, slot), layouts.get(k)));
        }
        slotParams.set(slot, List.copyOf(ps));
        states[slot] = opt.init(slotParams.get(slot));
        step[slot] = 0;
        seed[slot] = newSeed;
        dataPosition[slot] = 0;
    }

    private void requireReset(int slot) {
        if (states[slot] == null) {
            throw new IllegalStateException("slot " + slot + " was never reset");
        }
    }

    @Override
    public void copy(int from, int to) {
        requireReset(from);
        requireReset(to);
        if (from == to) {
            return;
        }
        try (NDScope ignored = new NDScope()) {
            for (NDArray t : stacked) {
                t.set(new NDIndex(to), t.get(from));
            }
        }
        states[to].restore(states[from].export());
        step[to] = step[from];
        seed[to] = seed[from];
        dataPosition[to] = dataPosition[from];
    }

    @Override
    public double[] unroll(Optimizer[] opts, int[] steps, LossNormaliser norm, boolean[] nonFinite) {
        if (opts.length != size || steps.length != size) {
            throw new IllegalArgumentException("need one optimizer and step count per slot");
        }
        int max = 0;
        for (int j = 0; j < size; j++) {
            if (steps[j] > 0) {
                requireReset(j);
                max = Math.max(max, steps[j]);
            }
        }
        if (nonFinite != null) {
            java.util.Arrays.fill(nonFinite, false);
        }
        double[] sum = new double[size];
        List<NDArray> grads = new ArrayList<>(stacked.size());
        List<NDArray> slotGrads = new ArrayList<>(stacked.size());
        for (int s = 0; s < max; s++) {
            try (NDScope ignored = new NDScope()) {
                grads.clear();
                NDArray loss = lossAndGrads(grads);
                float[] l = loss.toFloatArray();
                FloatBuffer[] gViews = bufferViews(opts, steps, s, grads);
                if (gViews != null) {
                    updateAllBuffers(opts, steps, s, l, gViews);
                }
                for (int j = 0; j < size; j++) {
                    if (steps[j] <= s) {
                        continue;
                    }
                    if (nonFinite != null && !Float.isFinite(l[j])) {
                        nonFinite[j] = true;
                    }
                    sum[j] += norm.apply(l[j], classes());
                    if (gViews != null) {
                        step[j]++;
                        dataPosition[j]++;
                        continue;
                    }
                    slotGrads.clear();
                    for (NDArray g : grads) {
                        slotGrads.add(g.get(j));
                    }
                    opts[j].update(slotParams.get(j), slotGrads, l[j], step[j], states[j]);
                    step[j]++;
                    dataPosition[j]++;
                }
            }
        }
        double[] mean = new double[size];
        for (int j = 0; j < size; j++) {
            mean[j] = steps[j] > 0 ? sum[j] / steps[j] : Double.NaN;
        }
        return mean;
    }

    /**
     * Updates every slot stepping at inner step {@code s} through {@link BufferUpdate#updateBuffers} on slices of the
     * stacked views, on up to {@link #updateThreads} threads (the slots' updates are independent: own state, own
     * slices; the result does not depend on the thread count).
     */
    private void updateAllBuffers(Optimizer[] opts, int[] steps, int s, float[] l, FloatBuffer[] gViews) {
        int[] active = new int[size];
        int na = 0;
        for (int j = 0; j < size; j++) {
            if (steps[j] > s) {
                active[na++] = j;
            }
        }
        int count = na;
        java.util.function.IntConsumer one = a -> {
            int j = active[a];
            FloatBuffer[] pj = new FloatBuffer[gViews.length];
            FloatBuffer[] gj = new FloatBuffer[gViews.length];
            for (int k = 0; k < gViews.length; k++) {
                int n = (int) shapes.get(k).size();
                pj[k] = paramViews[k].slice(j * n, n);
                gj[k] = gViews[k].slice(j * n, n);
            }
            ((BufferUpdate) opts[j]).updateBuffers(pj, gj, l[j], step[j], states[j]);
        };
        dev.lobench.optimizers.ParallelLoop.run(java.util.concurrent.ForkJoinPool.commonPool(), updateThreads, count,
                one);
    }

    /**
     * Native views of the stacked gradients when every optimizer stepping at inner step {@code s} is a
     * {@link BufferUpdate} and the stacked parameters and gradients have live native views (CPU float32); else null,
     * and the slots are updated one by one through per-slot tensor views. Reading a gradient view is always correct
     * (a non-contiguous gradient's view is a contiguous copy); the parameter views are views of the stacked tensors,
     * which are contiguous and never reallocated.
     */
    private FloatBuffer[] bufferViews(Optimizer[] opts, int[] steps, int s, List<NDArray> grads) {
        for (int j = 0; j < size; j++) {
            if (steps[j] > s && !(opts[j] instanceof BufferUpdate)) {
                return null;
            }
        }
        if (paramViews == null) {
            FloatBuffer[] pv = new FloatBuffer[stacked.size()];
            for (int k = 0; k < pv.length; k++) {
                pv[k] = NativeAccess.view(stacked.get(k));
                if (pv[k] == null) {
                    return null;
                }
            }
            paramViews = pv;
        }
        FloatBuffer[] gv = new FloatBuffer[grads.size()];
        for (int k = 0; k < gv.length; k++) {
            gv[k] = NativeAccess.view(grads.get(k));
            if (gv[k] == null || gv[k].capacity() != paramViews[k].capacity()) {
                return null;
            }
        }
        return gv;
    }

    @Override
    public long step(int slot) {
        return step[slot];
    }

    @Override
    public SlotSnapshot save(int slot) {
        requireReset(slot);
        Map<String, float[]> params = new LinkedHashMap<>();
        for (int k = 0; k < stacked.size(); k++) {
            params.put(names.get(k), slotParams.get(slot).get(k).array().toFloatArray());
        }
        return new SlotSnapshot(step[slot], seed[slot], dataPosition[slot], params, states[slot].export());
    }

    @Override
    public void load(int slot, SlotSnapshot snap) {
        requireReset(slot);
        if (!snap.params().keySet().equals(new java.util.LinkedHashSet<>(names))) {
            throw new UserError("checkpoint slot " + slot + " has parameters " + snap.params().keySet() + ", expected "
                    + names);
        }
        for (int k = 0; k < names.size(); k++) {
            float[] v = snap.params().get(names.get(k));
            if (v.length != shapes.get(k).size()) {
                throw new UserError("checkpoint slot " + slot + " parameter " + names.get(k) + " has " + v.length
                        + " values, expected " + shapes.get(k).size());
            }
            setSlot(k, slot, v);
        }
        states[slot].restore(snap.optState());
        step[slot] = snap.step();
        seed[slot] = snap.seed();
        dataPosition[slot] = snap.dataPosition();
    }

    @Override
    public void close() {
        for (int j = 0; j < size; j++) {
            if (states[j] != null) {
                states[j].close();
            }
        }
        manager.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + Arrays.toString(shapes.toArray());
    }
}
