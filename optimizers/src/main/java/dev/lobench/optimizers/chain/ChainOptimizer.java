package dev.lobench.optimizers.chain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.lobench.optimizers.GradMode;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.tasks.Param;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimizer composed of {@link Transform}s, optax style: the gradients pass through each transform in order and
 * the result is added to the parameters ({@code p += u}), so the last transforms are usually a learning-rate
 * schedule and a negative scale. Declared in optimizer spec files ({@link ChainSpecFile}).
 */
public final class ChainOptimizer implements Optimizer {
    private final String name;
    private final String identity;
    private final List<Transform> transforms;
    private final boolean needsParams;

    ChainOptimizer(String name, String identity, List<Transform> transforms) {
        this.name = name;
        this.identity = identity;
        this.transforms = List.copyOf(transforms);
        this.needsParams = transforms.stream().anyMatch(Transform::needsParams);
    }

    @Override
    public String name() {
        return name;
    }

    /** The canonical name plus a hash of the transforms, so an edited spec file never reuses old results. */
    @Override
    public String identity() {
        return identity;
    }

    /** The transforms, one canonical text each. */
    public List<String> describe() {
        return transforms.stream().map(Transform::describe).toList();
    }

    @Override
    public OptState init(List<Param> params) {
        int[] sizes = new int[params.size()];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = Math.toIntExact(params.get(i).array().getShape().size());
            names.add(params.get(i).name());
        }
        List<Map<String, float[][]>> states = new ArrayList<>();
        for (Transform t : transforms) {
            states.add(t.init(sizes));
        }
        return new State(this, names, sizes, states);
    }

    @Override
    public void update(List<Param> params, List<NDArray> grads, float loss, long step, OptState state) {
        if (!(state instanceof State st) || st.owner != this) {
            throw new IllegalArgumentException("state was not created by this optimizer's init");
        }
        if (params.size() != st.sizes.length || grads.size() != st.sizes.length) {
            throw new IllegalArgumentException("expected " + st.sizes.length + " tensors, got " + params.size()
                    + " params and " + grads.size() + " gradients");
        }
        float[][] u = new float[grads.size()][];
        List<float[]> values = new ArrayList<>();
        for (int i = 0; i < u.length; i++) {
            u[i] = floats(grads.get(i));
            if (u[i].length != st.sizes[i]) {
                throw new IllegalArgumentException("gradient of '" + params.get(i).name() + "' has " + u[i].length
                        + " elements, expected " + st.sizes[i]);
            }
            values.add(needsParams ? floats(params.get(i).array()) : null);
        }
        for (int k = 0; k < transforms.size(); k++) {
            transforms.get(k).apply(u, values, step, st.states.get(k));
        }
        try (GradMode.Scope noGrad = GradMode.disabled()) {
            for (int i = 0; i < u.length; i++) {
                NDArray p = params.get(i).array();
                try (NDArray d = p.getManager().create(u[i], p.getShape())) {
                    p.addi(d);
                }
            }
        }
    }

    private static float[] floats(NDArray a) {
        if (a.getDataType() == DataType.FLOAT32) {
            return a.toFloatArray();
        }
        try (NDArray f = a.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }

    /** Per transform, its named state arrays (one per tensor). */
    private static final class State implements OptState {
        final ChainOptimizer owner;
        final List<String> names;
        final int[] sizes;
        final List<Map<String, float[][]>> states;

        State(ChainOptimizer owner, List<String> names, int[] sizes, List<Map<String, float[][]>> states) {
            this.owner = owner;
            this.names = names;
            this.sizes = sizes;
            this.states = states;
        }

        /** Keys {@code paramName/k.slot}: slot of transform k (0-based position in the chain). */
        @Override
        public Map<String, float[]> export() {
            Map<String, float[]> out = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                for (int k = 0; k < states.size(); k++) {
                    for (Map.Entry<String, float[][]> e : new java.util.TreeMap<>(states.get(k)).entrySet()) {
                        out.put(names.get(i) + "/" + k + "." + e.getKey(), e.getValue()[i].clone());
                    }
                }
            }
            return out;
        }

        @Override
        public void restore(Map<String, float[]> values) {
            Map<String, float[]> mine = export();
            if (!values.keySet().equals(mine.keySet())) {
                throw new IllegalArgumentException("chain state entries " + values.keySet() + " != " + mine.keySet());
            }
            for (int i = 0; i < names.size(); i++) {
                for (int k = 0; k < states.size(); k++) {
                    for (Map.Entry<String, float[][]> e : states.get(k).entrySet()) {
                        float[] v = values.get(names.get(i) + "/" + k + "." + e.getKey());
                        if (v.length != sizes[i]) {
                            throw new IllegalArgumentException("state of '" + names.get(i) + "' has " + v.length
                                    + " values, expected " + sizes[i]);
                        }
                        System.arraycopy(v, 0, e.getValue()[i], 0, v.length);
                    }
                }
            }
        }
    }
}
