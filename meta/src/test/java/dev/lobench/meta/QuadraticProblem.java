package dev.lobench.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lobench.tasks.Param;

import java.util.List;

/** Test fixture: deterministic quadratic f(x) = 1/2 sum_j h_j x_j^2, x_0 fixed (independent of the seed). */
final class QuadraticProblem implements InnerProblem {
    final float[] h;
    final float[] x0;

    QuadraticProblem(float[] h, float[] x0) {
        this.h = h;
        this.x0 = x0;
    }

    @Override
    public String name() {
        return "test-quadratic";
    }

    @Override
    public Population population(NDManager manager, int size) {
        return new StackedPopulation(manager, size, List.of("x"), List.of(new Shape(h.length)),
                List.of(Param.Layout.GENERIC)) {
            private final NDArray hh = this.manager.create(h, new Shape(1, h.length));
            private final NDArray half = this.manager.create(0.5f);

            @Override
            protected void initSlot(int slot, long seed) {
                setSlot(0, slot, x0);
            }

            @Override
            protected NDArray lossAndGrads(List<NDArray> grads) {
                NDArray x = stacked.get(0);
                grads.add(x.mul(hh));
                return x.square().mul(hh).sum(new int[] {1}).mul(half);
            }
        };
    }

    /**
     * Analytic d/d(log lr) of the mean loss over steps [from, to) of plain SGD with lr = exp(logLr) started at x0,
     * with theta used for every step since step 0 ("full") or only from step {@code from} on, the state at
     * {@code from} held fixed ("truncated").
     */
    double analyticGrad(double logLr, int from, int to, boolean full) {
        double a = Math.exp(logLr);
        double g = 0;
        for (int t = from; t < to; t++) {
            for (int j = 0; j < h.length; j++) {
                double r = 1 - a * h[j];
                int power = full ? t : t - from; // exponent of r that depends on theta
                double xs = x0[j] * Math.pow(r, t - power); // state where theta starts to matter
                // loss_j = 1/2 h xs^2 r^(2 power); d/dtheta = 1/2 h xs^2 * 2 power r^(2 power - 1) * (-a h)
                if (power > 0) {
                    g += 0.5 * h[j] * xs * xs * 2 * power * Math.pow(r, 2 * power - 1) * (-a * h[j]);
                }
            }
        }
        return g / (to - from);
    }
}
