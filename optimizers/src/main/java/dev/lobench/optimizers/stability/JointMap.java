package dev.lobench.optimizers.stability;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.tasks.Param;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The joint update map {@code z_{t+1} = F(z_t)} of an optimizer on the quadratic {@code 1/2 h |phi - xi|^2} in
 * {@code dim} coordinates with the same curvature {@code h} in each (one float32 parameter {@code x} of shape
 * [dim]), over {@code z = (phi, optimizer state)}.
 *
 * <p>Layout of z: the {@code dim} parameter values, then every entry of {@link OptState#export()} in export order,
 * flattened, except iteration counters (entries named {@code _t} or ending in {@code /_t}): those are held fixed at
 * their value when the map was {@linkplain #freeze() frozen}, as is the {@code step} argument passed to
 * {@link Optimizer#update}, so t is not differentiated through.
 *
 * <p>{@link #apply} evaluates the deterministic map (no noise): restore the state from z, set phi, gradient
 * {@code g = h phi} (the optimum is 0), loss {@code 1/2 h |phi|^2}, one update, export (phi', state'). The
 * optimizer computes in float32; z is double and is rounded to float32 on the way in.
 */
public final class JointMap implements AutoCloseable {
    private final Optimizer optimizer;
    private final double h;
    private final int dim;
    private final NDManager manager;
    private final NDArray x;
    private final NDArray grad;
    private final List<Param> params;
    private final OptState state;
    private final List<String> keys = new ArrayList<>();
    private final List<Integer> sizes = new ArrayList<>();
    private final Map<String, float[]> fixed = new LinkedHashMap<>();
    private final int size;
    private long step;

    /** A map starting from {@code phi0} (length dim) and the optimizer's initial state, at step 0. */
    public JointMap(Optimizer optimizer, double h, float[] phi0) {
        if (!(h > 0) || !Double.isFinite(h)) {
            throw new IllegalArgumentException("curvature must be finite and > 0, got " + h);
        }
        this.optimizer = optimizer;
        this.h = h;
        this.dim = phi0.length;
        this.manager = NDManager.newBaseManager();
        this.x = manager.create(phi0.clone(), new Shape(dim));
        this.grad = manager.zeros(new Shape(dim), DataType.FLOAT32);
        this.params = List.of(new Param("x", x, Param.Layout.GENERIC));
        this.state = optimizer.init(params);
        int n = dim;
        for (Map.Entry<String, float[]> e : state.export().entrySet()) {
            if (isCounter(e.getKey())) {
                continue;
            }
            keys.add(e.getKey());
            sizes.add(e.getValue().length);
            n += e.getValue().length;
        }
        this.size = n;
    }

    static boolean isCounter(String key) {
        return key.equals("_t") || key.endsWith("/_t");
    }

    /** Length of z. */
    public int size() {
        return size;
    }

    public int dim() {
        return dim;
    }

    public double curvature() {
        return h;
    }

    /** Names of the blocks of z in order: {@code phi}, then the state entries. */
    public List<String> blocks() {
        List<String> b = new ArrayList<>();
        b.add("phi");
        b.addAll(keys);
        return b;
    }

    /** Number of updates applied by {@link #noisyStep} so far (the step index of the next update). */
    public long step() {
        return step;
    }

    /** The current z (after the last noisy step or apply). */
    public double[] current() {
        double[] z = new double[size];
        float[] phi = x.toFloatArray();
        for (int i = 0; i < dim; i++) {
            z[i] = phi[i];
        }
        Map<String, float[]> ex = state.export();
        int at = dim;
        for (String k : keys) {
            for (float v : ex.get(k)) {
                z[at++] = v;
            }
        }
        return z;
    }

    /** Holds the current iteration counters fixed for the following {@link #apply} and {@link #restore} calls. */
    private void freeze() {
        fixed.clear();
        for (Map.Entry<String, float[]> e : state.export().entrySet()) {
            if (isCounter(e.getKey())) {
                fixed.put(e.getKey(), e.getValue().clone());
            }
        }
    }

    private long frozenStep = -1;

    /** One update with target noise: xi ~ N(0, noise^2) per coordinate, g = h (phi - xi). Returns the loss. */
    public double noisyStep(Random rng, double noise) {
        float[] phi = x.toFloatArray();
        float[] g = new float[dim];
        double loss = 0;
        for (int i = 0; i < dim; i++) {
            double d = phi[i] - noise * rng.nextGaussian();
            g[i] = (float) (h * d);
            loss += 0.5 * h * d * d;
        }
        update(g, (float) loss, step);
        step++;
        frozenStep = -1;
        return loss;
    }

    private void update(float[] g, float loss, long atStep) {
        grad.set(g);
        try (NDScope scope = new NDScope()) {
            optimizer.update(params, List.of(grad), loss, atStep, state);
        }
    }

    private void set(double[] z) {
        float[] phi = new float[dim];
        for (int i = 0; i < dim; i++) {
            phi[i] = (float) z[i];
        }
        x.set(phi);
        Map<String, float[]> values = new LinkedHashMap<>();
        int at = dim;
        for (int k = 0; k < keys.size(); k++) {
            float[] v = new float[sizes.get(k)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) z[at++];
            }
            values.put(keys.get(k), v);
        }
        values.putAll(fixed);
        state.restore(values);
    }

    /**
     * Sets (phi, state) to z without stepping, keeping the iteration counters of the current trajectory point, so that
     * {@link #noisyStep} can continue the trajectory after {@link #apply} calls.
     */
    public void restore(double[] z) {
        checkLength(z);
        if (frozenStep < 0) {
            freeze();
            frozenStep = step;
        }
        set(z);
    }

    /** F(z): the deterministic (noise-free) update from z, counters and step held at their frozen values. */
    public double[] apply(double[] z) {
        checkLength(z);
        if (frozenStep < 0) {
            freeze();
            frozenStep = step;
        }
        set(z);
        float[] g = new float[dim];
        double loss = 0;
        for (int i = 0; i < dim; i++) {
            double p = (float) z[i];
            g[i] = (float) (h * p);
            loss += 0.5 * h * p * p;
        }
        update(g, (float) loss, frozenStep);
        return current();
    }

    private void checkLength(double[] z) {
        if (z.length != size) {
            throw new IllegalArgumentException("z has " + z.length + " components, the map has " + size);
        }
    }

    @Override
    public void close() {
        state.close();
        manager.close();
    }
}
