package dev.lobench.optimizers.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.lobench.optimizers.OptState;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reference implementation of star / small-fc with DJL NDArray operations: a direct transcription of the spec that
 * materialises the [N, 39] feature matrix. Device-agnostic (state lives on the parameter's device), so it is also
 * the path for accelerators. Slow on CPU; {@link FusedLearnedOptimizer} is the fast CPU path with identical
 * behaviour.
 */
public final class ReferenceLearnedOptimizer extends LearnedOptimizer {

    public ReferenceLearnedOptimizer(Theta theta, float weightDecay) {
        super(theta, weightDecay);
    }

    @Override
    public Impl impl() {
        return Impl.REFERENCE;
    }

    /** Per-tensor state of the reference implementation. */
    static final class TensorState {
        final String name;
        final FactorPlan plan;
        final NDArray[] m = new NDArray[3];
        NDArray rms;
        final NDArray[] v = new NDArray[3]; // non-factored
        final NDArray[] row = new NDArray[3]; // factored: shape without d0
        final NDArray[] col = new NDArray[3]; // factored: shape without d1

        TensorState(String name, FactorPlan plan) {
            this.name = name;
            this.plan = plan;
        }

        void forEachSlot(java.util.function.BiConsumer<String, NDArray> f) {
            for (int i = 0; i < 3; i++) {
                f.accept("m" + i, m[i]);
            }
            f.accept("rms", rms);
            for (int i = 0; i < 3; i++) {
                if (plan.factored()) {
                    f.accept("v_row" + i, row[i]);
                    f.accept("v_col" + i, col[i]);
                } else {
                    f.accept("v" + i, v[i]);
                }
            }
        }
    }

    /** State: NDArrays owned by a sub-manager of the first parameter's manager. */
    public static final class State implements OptState {
        final NDManager manager;
        final TensorState[] tensors;
        long t;

        State(NDManager manager, TensorState[] tensors) {
            this.manager = manager;
            this.tensors = tensors;
        }

        public long iteration() {
            return t;
        }

        /** Every tensor's slots, keyed {@code tensor/slot}. */
        private Map<String, NDArray> slots() {
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (TensorState ts : tensors) {
                ts.forEachSlot((slot, a) -> out.put(ts.name + "/" + slot, a));
            }
            return out;
        }

        @Override
        public Map<String, float[]> export() {
            return SlotState.export(slots(), NDArray::toFloatArray, t);
        }

        @Override
        public void restore(Map<String, float[]> values) {
            t = SlotState.restore(slots(), a -> a.getShape().size(), NDArray::set, values);
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    @Override
    public OptState init(List<Param> params) {
        if (params.isEmpty()) {
            throw new UserError("learned optimizer: no parameters to optimize");
        }
        NDManager mgr = params.get(0).array().getManager().newSubManager();
        TensorState[] ts = new TensorState[params.size()];
        for (int i = 0; i < ts.length; i++) {
            Param p = params.get(i);
            FactorPlan plan = FactorPlan.of(p.name(), p.array().getShape().getShape(), p.layout());
            TensorState s = new TensorState(p.name(), plan);
            Shape shape = new Shape(plan.shape());
            for (int k = 0; k < 3; k++) {
                s.m[k] = mgr.zeros(shape, DataType.FLOAT32, p.array().getDevice());
                if (plan.factored()) {
                    s.row[k] = mgr.zeros(new Shape(plan.rowShape()), DataType.FLOAT32, p.array().getDevice());
                    s.col[k] = mgr.zeros(new Shape(plan.colShape()), DataType.FLOAT32, p.array().getDevice());
                } else {
                    s.v[k] = mgr.zeros(shape, DataType.FLOAT32, p.array().getDevice());
                }
            }
            s.rms = mgr.zeros(shape, DataType.FLOAT32, p.array().getDevice());
            ts[i] = s;
        }
        return new State(mgr, ts);
    }

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
            // every NDArray made during the step (on the state's, the parameter's or the gradient's manager) is
            // registered with the scope and closed at its end; state and parameters are only updated in place
            try (NDScope scope = new NDScope(); NDManager tmp = st.manager.newSubManager()) {
                stepTensor(tmp, params.get(i).array(), grads.get(i), st.tensors[i], time);
            }
        }
        st.t++;
    }

    private void stepTensor(NDManager tmp, NDArray param, NDArray grad, TensorState s, float[] time) {
        FactorPlan plan = s.plan;
        Shape shape = new Shape(plan.shape());
        int n = plan.size();
        NDArray g = grad.toType(DataType.FLOAT32, false).reshape(shape);
        NDArray p = param.reshape(shape);

        // 1. accumulators
        for (int k = 0; k < 3; k++) {
            s.m[k].muli(momDecay[k]).addi(g.mul(1f - momDecay[k]));
        }
        NDArray g2 = g.mul(g);
        s.rms.muli(rmsDecay[0]).addi(g2.mul(1f - rmsDecay[0]));
        NDArray q = g2.add(Q_EPS);
        NDArray[] facG = new NDArray[3];
        NDArray[] rowFeat = new NDArray[3];
        NDArray[] colFeat = new NDArray[3];
        NDArray[] facMom = new NDArray[3];
        NDArray r = s.rms.add(RMS_EPS).pow(-0.5f);
        for (int k = 0; k < 3; k++) {
            float b = adaDecay[k];
            if (plan.factored()) {
                int d0 = plan.d0();
                int d1 = plan.d1();
                s.row[k].muli(b).addi(q.mean(new int[] {d0}).mul(1f - b));
                s.col[k].muli(b).addi(q.mean(new int[] {d1}).mul(1f - b));
                NDArray rcm = s.row[k].mean(new int[] {plan.d1InRow()}, true);
                NDArray rowFactor = s.row[k].div(rcm.add(FAC_EPS)).maximum(FAC_EPS).pow(-0.5f).expandDims(d0);
                NDArray colFactor = s.col[k].maximum(FAC_EPS).pow(-0.5f).expandDims(d1);
                facG[k] = g.mul(rowFactor).mul(colFactor);
                rowFeat[k] = s.row[k].expandDims(d0).broadcast(shape);
                colFeat[k] = s.col[k].expandDims(d1).broadcast(shape);
                facMom[k] = s.m[k].mul(rowFactor).mul(colFactor);
            } else {
                s.v[k].muli(b).addi(q.mul(1f - b));
                facG[k] = g.mul(s.v[k].add(FAC_EPS).maximum(FAC_EPS).pow(-0.5f));
                rowFeat[k] = s.v[k];
                colFeat[k] = s.v[k];
                facMom[k] = s.m[k].mul(s.v[k].add(FAC_MOM_EPS).pow(-0.5f));
            }
        }
        // 2. features, in the order of the spec
        NDList f = new NDList();
        f.add(g);
        f.add(p);
        for (int k = 0; k < 3; k++) {
            f.add(s.m[k]);
        }
        f.add(s.rms);
        NDArray[] adam = new NDArray[3];
        for (int k = 0; k < 3; k++) {
            adam[k] = s.m[k].mul(r);
            f.add(adam[k]);
        }
        f.add(r);
        for (int k = 0; k < 3; k++) {
            f.add(facG[k]);
        }
        for (int k = 0; k < 3; k++) {
            f.add(rowFeat[k]);
        }
        for (int k = 0; k < 3; k++) {
            f.add(colFeat[k]);
        }
        for (int k = 0; k < 3; k++) {
            f.add(rowFeat[k].add(RSQRT_FEAT_EPS).pow(-0.5f));
        }
        for (int k = 0; k < 3; k++) {
            f.add(colFeat[k].add(RSQRT_FEAT_EPS).pow(-0.5f));
        }
        for (int k = 0; k < 3; k++) {
            f.add(facMom[k]);
        }
        NDArray x = NDArrays.stack(f, -1).reshape(n, Theta.NORMALISED_INPUTS);
        NDArray scale = x.square().mean(new int[] {0}, true).add(NORM_EPS).pow(-0.5f);
        x = x.mul(scale);
        NDArray tf = tmp.create(time).reshape(1, Theta.TIME_FEATURES).broadcast(n, Theta.TIME_FEATURES);
        x = x.concat(tf, 1);

        // 3. MLP
        int kOut = arch().outputs();
        NDArray h = x.matMul(tmp.create(theta.w0(), new Shape(Theta.INPUTS, Theta.HIDDEN)))
                .add(tmp.create(theta.b0())).maximum(0f);
        h = h.matMul(tmp.create(theta.w1(), new Shape(Theta.HIDDEN, Theta.HIDDEN))).add(tmp.create(theta.b1()))
                .maximum(0f);
        NDArray out = h.matMul(tmp.create(theta.w2(), new Shape(Theta.HIDDEN, kOut))).add(tmp.create(theta.b2()));
        NDArray d = out.get(":, 0").reshape(shape);
        NDArray a = out.get(":, 1").reshape(shape);
        NDArray stepArr = d.mul(a.mul(EXP_MULT).exp()).mul(stepMult);
        Shape pShape = param.getShape();
        if (arch() == Arch.SMALL_FC) {
            param.subi(stepArr.reshape(pShape));
        } else {
            NDArray bb = stepArr.mul(r);
            NDArray gHat = adam[0].add(adam[1]).add(adam[2]).div(3f);
            NDArray aNom = out.get(":, 2").reshape(shape);
            NDArray nom = aNom.mul(EXP_MULT).exp().mul(NOMINAL_STEP).mul(gHat);
            if (weightDecay != 0f) {
                NDArray aReg = out.get(":, 3").reshape(shape);
                NDArray reg = aReg.mul(EXP_MULT).exp().mul(-weightDecay).add(1f);
                param.muli(reg.reshape(pShape));
            }
            param.subi(bb.reshape(pShape));
            param.subi(nom.reshape(pShape));
        }
    }
}
