package dev.lobench.optimizers;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.lobench.tasks.Param;

import java.util.List;

/**
 * Adam (L2 weight decay added to the gradient) and AdamW (decoupled decay), exactly as {@code torch.optim.Adam}
 * and {@code torch.optim.AdamW}, with t = step + 1:
 *
 * <pre>
 *   adamw: p = p * (1 - lr_t * wd)          adam: g = g + wd * p
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   bc1 = 1 - beta1^t,  bc2 = 1 - beta2^t
 *   p = p - (lr_t / bc1) * m / (sqrt(v) / sqrt(bc2) + eps)
 * </pre>
 *
 * <p>On PyTorch arrays the update runs in DJL's fused native kernel ({@code JniUtils.adamUpdate}), which computes
 * {@code m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; p -= lrc * m / (sqrt(v) + epsc)} with {@code 1-b1} and
 * {@code 1-b2} rounded in float32, unlike PyTorch, which rounds {@code 1-beta} computed in double: for
 * beta2 = 0.999 the kernel's {@code 1-b2} is 0.00099998713 instead of 0.001f (relative error 1.3e-5). Hence the
 * kernel's moments are exactly (in real arithmetic) {@code k1 = a1'/a1} and {@code k2 = a2'/a2} times PyTorch's
 * (a' the kernel's coefficient, a PyTorch's). Both factors and PyTorch's bias correction are folded into
 * {@code lrc = lr_t * sqrt(k2*bc2) / (k1*bc1)} and {@code epsc = eps * sqrt(k2*bc2)}, and the state is exported
 * and restored unscaled, so results agree with PyTorch up to float32 rounding. The kernel is called directly
 * rather than through {@code NDArrayEx.adamUpdate}, which would also zero the parameter's autograd gradient.
 * Other arrays take an op-by-op path with PyTorch's coefficients.
 *
 * <p>State slots: {@code exp_avg}, {@code exp_avg_sq}.
 */
public final class Adam extends HandOptimizer {
    public static final String EXP_AVG = "exp_avg";
    public static final String EXP_AVG_SQ = "exp_avg_sq";

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;
    private final boolean fused;

    public Adam(String name, double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                Schedule schedule) {
        this(name, lr, beta1, beta2, eps, weightDecay, decoupled, schedule, true);
    }

    /** {@code fused = false} forces the op-by-op path (for tests and benchmarks). */
    public Adam(String name, double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                Schedule schedule, boolean fused) {
        super(name, lr, schedule);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("bad Adam hyperparameters");
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.fused = fused;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double eps() {
        return eps;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public boolean decoupled() {
        return decoupled;
    }

    @Override
    protected List<String> slots() {
        return List.of(EXP_AVG, EXP_AVG_SQ);
    }

    /** Kernel coefficient {@code 1 - b} as the native code computes it (float32 arithmetic). */
    private static double kernelOneMinus(double beta) {
        return 1.0f - (float) beta;
    }

    /** PyTorch's coefficient: {@code 1 - beta} in double, rounded to float32 by the kernel's scalar cast. */
    private static double torchOneMinus(double beta) {
        return (float) (1.0 - beta);
    }

    private boolean fusedFor(List<Param> params) {
        if (!fused) {
            return false;
        }
        for (Param p : params) {
            if (!(p.array() instanceof PtNDArray)) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected double[] slotScales(List<Param> params) {
        if (!fusedFor(params)) {
            return new double[] {1.0, 1.0};
        }
        return new double[] {kernelOneMinus(beta1) / torchOneMinus(beta1),
            kernelOneMinus(beta2) / torchOneMinus(beta2)};
    }

    @Override
    protected void apply(List<Param> params, List<NDArray> grads, double lrNow, long step, TensorState st) {
        double t = (double) step + 1.0;
        double bc1 = 1.0 - Math.pow(beta1, t);
        double bc2 = 1.0 - Math.pow(beta2, t);
        double k1 = st.slotScale(0);
        double k2 = st.slotScale(1);
        if (fusedFor(params) && allPyTorch(grads)) {
            double root = Math.sqrt(k2 * bc2);
            float lrc = (float) (lrNow * root / (k1 * bc1));
            float epsc = (float) (eps * root);
            for (int i = 0; i < params.size(); i++) {
                JniUtils.adamUpdate((PtNDArray) params.get(i).array(), (PtNDArray) grads.get(i),
                        (PtNDArray) st.slot(i, 0), (PtNDArray) st.slot(i, 1), (float) lrNow, lrc,
                        (float) weightDecay, 1f, -1f, (float) beta1, (float) beta2, epsc, decoupled);
            }
            return;
        }
        if (k1 != 1.0 || k2 != 1.0) {
            throw new IllegalArgumentException("Adam state was set up for PyTorch arrays; got other gradients");
        }
        NDArray b1 = st.constant("beta1", beta1);
        NDArray b2 = st.constant("beta2", beta2);
        NDArray c1 = st.constant("1-beta1", torchOneMinus(beta1));
        NDArray c2 = st.constant("1-beta2", torchOneMinus(beta2));
        NDArray epsS = st.constant("eps", eps);
        NDArray wdS = weightDecay != 0 ? st.constant("wd", weightDecay) : null;
        NDArray stepSize = st.manager().create((float) (lrNow / bc1));
        NDArray bc2Sqrt = st.manager().create((float) Math.sqrt(bc2));
        NDArray decay = decoupled && wdS != null ? st.manager().create((float) (1.0 - lrNow * weightDecay)) : null;
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i).array();
            NDArray g = grads.get(i);
            NDArray m = st.slot(i, 0);
            NDArray v = st.slot(i, 1);
            if (decay != null) {
                p.muli(decay);
            } else if (wdS != null && !decoupled) {
                g = p.mul(wdS).addi(g);
            }
            m.muli(b1).addi(g.mul(c1));
            v.muli(b2).addi(g.mul(g).muli(c2));
            NDArray denom = v.sqrt().divi(bc2Sqrt).addi(epsS);
            p.subi(m.mul(stepSize).divi(denom));
        }
    }

    private static boolean allPyTorch(List<NDArray> grads) {
        for (NDArray g : grads) {
            if (!(g instanceof PtNDArray)) {
                return false;
            }
        }
        return true;
    }
    /**
     * Registers {@code adam} and {@code adamw} (listed in
     * {@code META-INF/services/dev.lobench.optimizers.OptimizerProvider}).
     */
    public static final class Provider implements OptimizerProvider {
        @Override
        public void registerOptimizers() {
            OptimizerRegistry.register("adam", "Adam (torch.optim.Adam), weight decay as L2 added to the gradient",
                    Schedule.withScheduleParams("lr", "0.001", "beta1", "0.9", "beta2", "0.999", "eps", "1e-8",
                            "wd", "0"),
                    hp -> build(hp, false));
            OptimizerRegistry.register("adamw", "AdamW (torch.optim.AdamW), decoupled weight decay p *= 1 - lr*wd",
                    Schedule.withScheduleParams("lr", "0.001", "beta1", "0.9", "beta2", "0.999", "eps", "1e-8",
                            "wd", "0.01"),
                    hp -> build(hp, true));
        }

        private static Optimizer build(Hyperparams hp, boolean decoupled) {
            double lr = hp.positive("lr");
            double b1 = hp.number("beta1", 0, false, 1, true);
            double b2 = hp.number("beta2", 0, false, 1, true);
            double eps = hp.nonNegative("eps");
            double wd = hp.nonNegative("wd");
            Schedule s = Schedule.fromSpec(hp, lr);
            return new Adam(hp.canonicalName(), lr, b1, b2, eps, wd, decoupled, s);
        }
    }
}
