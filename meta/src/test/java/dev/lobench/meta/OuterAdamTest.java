package dev.lobench.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OuterAdamTest {

    @Test
    void sanitizeReplacesNonFiniteAndClipsByValue() {
        double[] g = {1.5, -7.0, Double.NaN, 3.0, Double.POSITIVE_INFINITY, 4.2, Double.NEGATIVE_INFINITY, -2.9};
        int bad = OuterAdam.sanitizeAndClip(g, 3.0);
        assertEquals(3, bad);
        assertArrayEquals(new double[] {1.5, -3.0, 0.0, 3.0, 0.0, 3.0, 0.0, -2.9}, g);
    }

    @Test
    void adamStepsMatchHandComputation() {
        double lr = 0.01;
        OuterAdam adam = new OuterAdam(2, lr, 0.0);
        float[] theta = {1.0f, -2.0f};
        // step 1: g = (0.5, 10 -> clipped to 3); m = 0.1 g, v = 0.001 g^2; bias-corrected m/sqrt(v) = sign(g)
        int bad = adam.step(theta, new double[] {0.5, 10.0});
        assertEquals(0, bad);
        assertEquals((float) (1.0 - lr * 0.5 / (0.5 + 1e-8)), theta[0]);
        assertEquals((float) (-2.0 - lr * 3.0 / (3.0 + 1e-8)), theta[1]);
        // step 2: g = (NaN -> 0, -1)
        float t0 = theta[0];
        float t1 = theta[1];
        bad = adam.step(theta, new double[] {Double.NaN, -1.0});
        assertEquals(1, bad);
        double m0 = 0.9 * 0.05, v0 = 0.999 * 0.00025;
        double m1 = 0.9 * 0.3 + 0.1 * -1.0, v1 = 0.999 * 0.009 + 0.001 * 1.0;
        double c1 = 1 - 0.81, c2 = 1 - 0.999 * 0.999;
        assertEquals((float) (t0 - lr * (m0 / c1) / (Math.sqrt(v0 / c2) + 1e-8)), theta[0]);
        assertEquals((float) (t1 - lr * (m1 / c1) / (Math.sqrt(v1 / c2) + 1e-8)), theta[1]);
        assertEquals(2, adam.stepCount());
    }

    @Test
    void decoupledWeightDecayShrinksThetaWithoutGradient() {
        OuterAdam adam = new OuterAdam(2, 0.1, 0.5);
        float[] theta = {2.0f, -4.0f};
        adam.step(theta, new double[] {0.0, 0.0});
        // zero gradient: Adam term 0; decay theta -= lr * wd * theta = 5 %
        assertEquals(1.9f, theta[0], 1e-6f);
        assertEquals(-3.8f, theta[1], 1e-6f);
    }
}
