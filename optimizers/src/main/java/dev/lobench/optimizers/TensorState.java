package dev.lobench.optimizers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Optimizer state held as NDArrays: for every parameter, one zero-initialised tensor of the parameter's shape and
 * type per slot (e.g. {@code exp_avg}, {@code exp_avg_sq}). All arrays, and any constant scalars the optimizer
 * pre-creates, live in one sub-manager of the first parameter's manager, closed by {@link #close()}.
 */
public final class TensorState implements OptState {
    private final NDManager manager;
    private final List<String> paramNames;
    private final List<String> slots;
    private final NDArray[][] arrays; // [param][slot]
    private final Map<String, NDArray> constants = new HashMap<>();
    private final Object owner;
    private final double[] slotScales;

    /**
     * @param slotScales per slot, the factor by which the stored tensor exceeds the exported (PyTorch-defined)
     *     value; {@link #export()} divides by it and {@link #restore} multiplies by it
     */
    TensorState(Object owner, List<Param> params, List<String> slots, double[] slotScales) {
        if (slotScales.length != slots.size()) {
            throw new IllegalArgumentException("one scale per slot");
        }
        this.owner = owner;
        this.slotScales = slotScales.clone();
        this.slots = List.copyOf(slots);
        Set<String> seen = new HashSet<>();
        for (Param p : params) {
            if (!seen.add(p.name())) {
                throw new IllegalArgumentException("duplicate parameter name '" + p.name() + "'");
            }
        }
        this.paramNames = params.stream().map(Param::name).toList();
        this.manager = params.isEmpty() ? null : params.get(0).array().getManager().newSubManager();
        this.arrays = new NDArray[params.size()][slots.size()];
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i).array();
            for (int s = 0; s < slots.size(); s++) {
                arrays[i][s] = manager.zeros(p.getShape(), p.getDataType());
            }
        }
    }

    /** The optimizer that created this state. */
    Object owner() {
        return owner;
    }

    double slotScale(int slot) {
        return slotScales[slot];
    }

    int numParams() {
        return arrays.length;
    }

    /** State tensor {@code slot} (index into the optimizer's slot list) of parameter {@code param}. */
    public NDArray slot(int param, int slot) {
        return arrays[param][slot];
    }

    /** A 0-d float32 constant, created once per state (scalar arguments allocate a tensor per call). */
    public NDArray constant(String key, double value) {
        NDArray c = constants.get(key);
        if (c == null) {
            c = manager.create((float) value);
            NDScope.unregister(c); // may be created inside an update's scope; lives as long as the state
            constants.put(key, c);
        }
        return c;
    }

    /** Manager owning this state's arrays ({@code null} for an empty parameter list). */
    public NDManager manager() {
        return manager;
    }

    @Override
    public Map<String, float[]> export() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int i = 0; i < arrays.length; i++) {
            for (int s = 0; s < slots.size(); s++) {
                float[] v = arrays[i][s].toFloatArray();
                if (slotScales[s] != 1.0) {
                    for (int j = 0; j < v.length; j++) {
                        v[j] = (float) (v[j] / slotScales[s]);
                    }
                }
                out.put(paramNames.get(i) + "/" + slots.get(s), v);
            }
        }
        return out;
    }

    @Override
    public void restore(Map<String, float[]> values) {
        int expected = arrays.length * slots.size();
        for (int i = 0; i < arrays.length; i++) {
            for (int s = 0; s < slots.size(); s++) {
                String key = paramNames.get(i) + "/" + slots.get(s);
                float[] v = values.get(key);
                if (v == null) {
                    throw new UserError("optimizer state: missing entry '" + key + "'");
                }
                if (v.length != arrays[i][s].size()) {
                    throw new UserError("optimizer state: entry '" + key + "' has " + v.length
                            + " values, expected " + arrays[i][s].size());
                }
            }
        }
        if (values.size() != expected) {
            Set<String> extra = new HashSet<>(values.keySet());
            extra.removeAll(export().keySet());
            throw new UserError("optimizer state: unexpected entries " + extra);
        }
        for (int i = 0; i < arrays.length; i++) {
            for (int s = 0; s < slots.size(); s++) {
                float[] v = values.get(paramNames.get(i) + "/" + slots.get(s)).clone();
                if (slotScales[s] != 1.0) {
                    for (int j = 0; j < v.length; j++) {
                        v[j] = (float) (v[j] * slotScales[s]);
                    }
                }
                arrays[i][s].set(v);
            }
        }
    }

    @Override
    public long bytes() {
        long n = 0;
        for (NDArray[] row : arrays) {
            for (NDArray a : row) {
                n += a.size() * a.getDataType().getNumOfBytes();
            }
        }
        return n;
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }
}
