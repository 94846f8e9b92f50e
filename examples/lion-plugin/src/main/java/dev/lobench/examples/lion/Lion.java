package dev.lobench.examples.lion;

import ai.djl.ndarray.NDArray;
import dev.lobench.optimizers.HandOptimizer;
import dev.lobench.optimizers.Schedule;
import dev.lobench.optimizers.TensorState;
import dev.lobench.tasks.Param;

import java.util.List;

/**
 * Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), with lr_t from the schedule:
 *
 * <pre>
 *   c = beta1 * m + (1 - beta1) * g
 *   p = p * (1 - lr_t * wd) - lr_t * sign(c)
 *   m = beta2 * m + (1 - beta2) * g
 * </pre>
 *
 * <p>State slot: {@code exp_avg} (m), zero-initialised.
 */
public final class Lion extends HandOptimizer {
    private final double beta1;
    private final double beta2;
    private final double weightDecay;

    public Lion(String name, double lr, double beta1, double beta2, double weightDecay, Schedule schedule) {
        super(name, lr, schedule);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("bad Lion hyperparameters");
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.weightDecay = weightDecay;
    }

    @Override
    protected List<String> slots() {
        return List.of("exp_avg");
    }

    @Override
    protected void apply(List<Param> params, List<NDArray> grads, double lrNow, long step, TensorState st) {
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i).array();
            NDArray g = grads.get(i);
            NDArray m = st.slot(i, 0);
            NDArray c = m.mul(beta1).addi(g.mul(1.0 - beta1));
            if (weightDecay != 0) {
                p.muli(1.0 - lrNow * weightDecay);
            }
            p.subi(c.sign().muli(lrNow));
            m.muli(beta2).addi(g.mul(1.0 - beta2));
        }
    }
}
