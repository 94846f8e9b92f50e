package dev.lobench.optimizers;

import ai.djl.ndarray.NDArray;
import dev.lobench.tasks.Param;

import java.util.List;

/**
 * The one optimizer interface of lobench, shaped like optax: {@code init} builds the state from the
 * parameters; {@code update} consumes parameters, gradients, the minibatch loss and the step index, and
 * applies the update to the parameters in place (mutating {@code state}).
 *
 * <p>Works on any list of named tensors of any rank (rank-0 included). Implementations must not keep
 * references to the gradient arrays beyond the call.
 */
public interface Optimizer {

    /** Canonical spec string, e.g. {@code adam(lr=0.001)} or {@code star}. */
    String name();

    OptState init(List<Param> params);

    /**
     * What makes results of this optimizer comparable: its canonical name plus, for learned optimizers, a hash of
     * their weights. Resume keys cells by it, so changed weights never reuse old results.
     */
    default String identity() {
        return name();
    }

    /**
     * One optimisation step. {@code step} counts from 0 (the first update). {@code loss} is the minibatch loss
     * measured before this update (learned optimizers may read it).
     */
    void update(List<Param> params, List<NDArray> grads, float loss, long step, OptState state);
}
