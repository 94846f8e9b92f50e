package dev.lobench.optimizers;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Schedule values at chosen steps; expected numbers derived by hand from the formulas in {@link Schedule}. */
class ScheduleTest {
    static final double TOL = 1e-12;

    @Test
    void constant() {
        assertEquals(0.3, Schedule.constant().lr(0.3, 0), TOL);
        assertEquals(0.3, Schedule.constant().lr(0.3, 1_000_000), TOL);
    }

    @Test
    void linearWarmupThenConstant() {
        // lr * (step + 1) / 4 for step < 4
        Schedule s = Schedule.constant(4);
        assertEquals(0.25, s.lr(1.0, 0), TOL);
        assertEquals(0.5, s.lr(1.0, 1), TOL);
        assertEquals(1.0, s.lr(1.0, 3), TOL);
        assertEquals(1.0, s.lr(1.0, 10), TOL);
    }

    @Test
    void cosineToZero() {
        // (1 + cos(pi * t / 10)) / 2
        Schedule s = Schedule.cosine(10, 0, 0);
        assertEquals(1.0, s.lr(1.0, 0), TOL);
        assertEquals(0.9045084971874737, s.lr(1.0, 2), TOL); // (1 + cos(0.2 pi)) / 2, cos(36 deg) = 0.80901699...
        assertEquals(0.5, s.lr(1.0, 5), TOL);
        assertEquals(0.0, s.lr(1.0, 10), TOL);
        assertEquals(0.0, s.lr(1.0, 25), TOL);
    }

    @Test
    void cosineToFloor() {
        // 0.1 + 0.9 * (1 + cos(pi / 2)) / 2 = 0.55 at the midpoint; the floor from step 10 on
        Schedule s = Schedule.cosine(10, 0.1, 0);
        assertEquals(0.55, s.lr(1.0, 5), TOL);
        assertEquals(0.1, s.lr(1.0, 10), TOL);
        assertEquals(0.1, s.lr(1.0, 11), TOL);
    }

    @Test
    void warmupThenCosine() {
        // warmup 4 then cosine over D = 12 - 4 = 8 steps: t = step - 4
        Schedule s = Schedule.cosine(12, 0, 4);
        assertEquals(0.5, s.lr(2.0, 0), TOL);   // 2 * 1/4
        assertEquals(2.0, s.lr(2.0, 3), TOL);   // 2 * 4/4
        assertEquals(2.0, s.lr(2.0, 4), TOL);   // t = 0
        assertEquals(1.0, s.lr(2.0, 8), TOL);   // t = 4 = D/2
        assertEquals(0.0, s.lr(2.0, 12), TOL);  // t = D
    }

    @Test
    void specDrivesTheOptimizersLearningRate() {
        HandOptimizer opt = (HandOptimizer) OptimizerRegistry.create(
                "adamw:lr=1e-3,wd=0.01,schedule=cosine,warmup=100", 1100);
        assertEquals(1e-5, opt.learningRate(0), 1e-15);   // 1e-3 * 1/100
        assertEquals(1e-3, opt.learningRate(99), 1e-15);
        assertEquals(5e-4, opt.learningRate(600), 1e-15); // t = 500 of D = 1000
        assertEquals(0.0, opt.learningRate(1100), 1e-15);
        // steps= in the spec overrides the run length
        HandOptimizer own = (HandOptimizer) OptimizerRegistry.create("sgd:lr=1,schedule=cosine,steps=10,min_lr=0.1",
                5000);
        assertEquals(0.55, own.learningRate(5), 1e-12);
        HandOptimizer warm = (HandOptimizer) OptimizerRegistry.create("sgdm:lr=0.2,warmup=4");
        assertEquals(0.1, warm.learningRate(1), 1e-12);
        assertEquals(0.2, warm.learningRate(50), 1e-12);
    }
}
