package dev.lobench.optimizers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.lobench.tasks.Param;

import java.util.List;

/**
 * Base of the hand-designed optimizers: a base learning rate driven by a {@link Schedule}, state in a
 * {@link TensorState}, and every update applied in place with autograd off on the calling thread and all
 * temporaries of the step closed by an {@link NDScope}.
 */
public abstract class HandOptimizer implements Optimizer {
    private final String name;
    protected final double lr;
    protected final Schedule schedule;

    protected HandOptimizer(String name, double lr, Schedule schedule) {
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("lr must be > 0: " + lr);
        }
        this.name = name;
        this.lr = lr;
        this.schedule = schedule;
    }

    @Override
    public String name() {
        return name;
    }

    /** Base learning rate (before the schedule). */
    public double baseLr() {
        return lr;
    }

    public Schedule schedule() {
        return schedule;
    }

    /** The learning rate used by update {@code step}. */
    public double learningRate(long step) {
        return schedule.lr(lr, step);
    }

    /** Names of the per-parameter state slots, e.g. {@code exp_avg}. */
    protected abstract List<String> slots();

    /**
     * Per slot, the factor by which the stored tensor exceeds the value {@link OptState#export()} reports (1 unless
     * a fused kernel keeps its state in a scaled form).
     */
    protected double[] slotScales(List<Param> params) {
        double[] ones = new double[slots().size()];
        java.util.Arrays.fill(ones, 1.0);
        return ones;
    }

    @Override
    public TensorState init(List<Param> params) {
        return new TensorState(this, params, slots(), slotScales(params));
    }

    @Override
    public final void update(List<Param> params, List<NDArray> grads, float loss, long step, OptState state) {
        if (params.size() != grads.size()) {
            throw new IllegalArgumentException(params.size() + " params but " + grads.size() + " gradients");
        }
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0: " + step);
        }
        if (!(state instanceof TensorState st) || st.owner() != this) {
            throw new IllegalArgumentException("state was not created by this optimizer's init");
        }
        if (st.numParams() != params.size()) {
            throw new IllegalArgumentException("state holds " + st.numParams() + " params, got " + params.size());
        }
        for (int i = 0; i < params.size(); i++) {
            if (!params.get(i).array().getShape().equals(grads.get(i).getShape())) {
                throw new IllegalArgumentException("gradient of '" + params.get(i).name() + "' has shape "
                        + grads.get(i).getShape() + ", parameter " + params.get(i).array().getShape());
            }
        }
        if (params.isEmpty()) {
            return;
        }
        double lrNow = learningRate(step);
        try (GradMode.Scope noGrad = GradMode.disabled(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            apply(params, grads, lrNow, step, st);
        }
    }

    /** Applies one update in place; temporaries are closed by the caller's scope. */
    protected abstract void apply(List<Param> params, List<NDArray> grads, double lrNow, long step, TensorState st);
}
