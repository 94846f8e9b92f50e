package dev.lobench.optimizers.stability;

import ai.djl.ndarray.NDArray;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.tasks.Param;

import java.util.List;

/**
 * Test optimizer: the linearised learned optimizer of Theorem 1, {@code phi_i -= (alpha + p_i) * c_i * g_i}, with a
 * nominal rate alpha, a per-coordinate learned gain p_i and an output preconditioner c_i (1 for Theorem 1,
 * {@code h^-1/2} for Lemma 2). Stateless: its state exports no entries.
 */
final class LinearGainOptimizer implements Optimizer {
    private final double alpha;
    private final double[] gain;
    private final double[] precond;

    LinearGainOptimizer(double alpha, double[] gain, double[] precond) {
        this.alpha = alpha;
        this.gain = gain.clone();
        this.precond = precond.clone();
    }

    static LinearGainOptimizer plain(double alpha, double... gain) {
        double[] c = new double[gain.length];
        java.util.Arrays.fill(c, 1.0);
        return new LinearGainOptimizer(alpha, gain, c);
    }

    @Override
    public String name() {
        return "linear-gain";
    }

    @Override
    public OptState init(List<Param> params) {
        return OptState.none();
    }

    @Override
    public void update(List<Param> params, List<NDArray> grads, float loss, long step, OptState state) {
        NDArray p = params.get(0).array();
        float[] phi = p.toFloatArray();
        float[] g = grads.get(0).toFloatArray();
        if (phi.length != gain.length) {
            throw new IllegalArgumentException("made for " + gain.length + " coordinates, got " + phi.length);
        }
        for (int i = 0; i < phi.length; i++) {
            phi[i] = (float) (phi[i] - (alpha + gain[i]) * precond[i] * g[i]);
        }
        p.set(phi);
    }
}
