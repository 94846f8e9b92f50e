package dev.lobench.optimizers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.lobench.tasks.Param;

import java.util.List;

/**
 * SGD with optional L2 weight decay, heavy-ball momentum with dampening, or Nesterov momentum, exactly as
 * {@code torch.optim.SGD}:
 *
 * <pre>
 *   d = g + wd * p
 *   if momentum != 0:
 *       b = d                                   on the first update (step 0)
 *       b = momentum * b + (1 - dampening) * d  afterwards
 *       d = d + momentum * b   (nesterov)   or   d = b
 *   p = p - lr_t * d
 * </pre>
 *
 * State slot (when momentum != 0): {@code momentum_buffer}.
 */
public final class Sgd extends HandOptimizer {
    public static final String BUFFER = "momentum_buffer";
    private static final NDIndex ALL = new NDIndex("...");

    private final double momentum;
    private final double dampening;
    private final double weightDecay;
    private final boolean nesterov;

    public Sgd(String name, double lr, double momentum, double dampening, double weightDecay, boolean nesterov,
               Schedule schedule) {
        super(name, lr, schedule);
        if (!(momentum >= 0 && momentum < 1) || !(dampening >= 0 && dampening <= 1) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("bad SGD hyperparameters");
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires momentum > 0 and zero dampening");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    public double momentum() {
        return momentum;
    }

    public double dampening() {
        return dampening;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public boolean nesterov() {
        return nesterov;
    }

    @Override
    protected List<String> slots() {
        return momentum == 0 ? List.of() : List.of(BUFFER);
    }

    @Override
    protected void apply(List<Param> params, List<NDArray> grads, double lrNow, long step, TensorState st) {
        NDArray lrS = st.manager().create((float) lrNow); // one per step, closed by the step scope
        NDArray wdS = weightDecay != 0 ? st.constant("wd", weightDecay) : null;
        NDArray momS = momentum != 0 ? st.constant("momentum", momentum) : null;
        NDArray keepS = dampening != 0 ? st.constant("1-dampening", 1.0 - dampening) : null;
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i).array();
            NDArray d = grads.get(i);
            if (wdS != null) {
                d = p.mul(wdS).addi(d);
            }
            if (momS != null) {
                NDArray buf = st.slot(i, 0);
                if (step == 0) {
                    buf.set(ALL, d);
                } else {
                    buf.muli(momS).addi(keepS == null ? d : d.mul(keepS));
                }
                d = nesterov ? buf.mul(momS).addi(d) : buf;
            }
            p.subi(d.mul(lrS));
        }
    }
    /**
     * Registers {@code sgd}, {@code sgdm} and {@code nesterov} (listed in
     * {@code META-INF/services/dev.lobench.optimizers.OptimizerProvider}).
     */
    public static final class Provider implements OptimizerProvider {
        @Override
        public void registerOptimizers() {
            OptimizerRegistry.register("sgd", "plain SGD: p -= lr * (g + wd * p)",
                    Schedule.withScheduleParams("lr", "0.1", "wd", "0"), hp -> {
                        double lr = hp.positive("lr");
                        double wd = hp.nonNegative("wd");
                        Schedule s = Schedule.fromSpec(hp, lr);
                        return new Sgd(hp.canonicalName(), lr, 0, 0, wd, false, s);
                    });
            OptimizerRegistry.register("sgdm",
                    "SGD with heavy-ball momentum (torch.optim.SGD): b = momentum*b + (1-dampening)*g; p -= lr*b",
                    Schedule.withScheduleParams("lr", "0.05", "momentum", "0.9", "dampening", "0", "wd", "0"), hp -> {
                        double lr = hp.positive("lr");
                        double mom = hp.number("momentum", 0, false, 1, true);
                        double damp = hp.number("dampening", 0, false, 1, false);
                        double wd = hp.nonNegative("wd");
                        Schedule s = Schedule.fromSpec(hp, lr);
                        return new Sgd(hp.canonicalName(), lr, mom, damp, wd, false, s);
                    });
            OptimizerRegistry.register("nesterov",
                    "SGD with Nesterov momentum (torch.optim.SGD nesterov=True): p -= lr*(g + momentum*b)",
                    Schedule.withScheduleParams("lr", "0.05", "momentum", "0.9", "wd", "0"), hp -> {
                        double lr = hp.positive("lr");
                        double mom = hp.number("momentum", 0, true, 1, true);
                        double wd = hp.nonNegative("wd");
                        Schedule s = Schedule.fromSpec(hp, lr);
                        return new Sgd(hp.canonicalName(), lr, mom, 0, wd, true, s);
                    });
        }
    }
}
