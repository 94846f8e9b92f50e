package dev.lobench.optimizers.learned;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Building blocks of the fused kernel: the small-argument exp and the periodic block copy. */
class FusedKernelPartsTest {

    @Test
    void expSmallIsWithinOneUlpOfMathExp() {
        int worst = 0;
        long count = 0;
        long off = 0;
        // every 37th float in [-1/16, 1/16] (both signs, down to the smallest normals) and a dense range near 0
        int maxBits = Float.floatToRawIntBits(FusedLearnedOptimizer.EXP_POLY_MAX);
        for (int bits = 0; bits <= maxBits; bits += 37) {
            for (float x : new float[] {Float.intBitsToFloat(bits), -Float.intBitsToFloat(bits)}) {
                float want = (float) Math.exp(x);
                float got = FusedLearnedOptimizer.expSmall(x);
                int d = Math.abs(Float.floatToRawIntBits(want) - Float.floatToRawIntBits(got));
                worst = Math.max(worst, d);
                if (d != 0) {
                    off++;
                }
                count++;
            }
        }
        System.out.printf("expSmall: %d of %d arguments differ from (float) Math.exp, by at most %d ulp%n", off, count,
                worst);
        assertTrue(worst <= 1, "worst ulp difference " + worst);
    }

    @Test
    void expFallsBackToMathExpOutsideThePolynomialRange() {
        float[] o = {0f, 10f, -62.5f, 62.5f, 62.6f, -100f, 5000f, -90000f, 1e30f, Float.NaN,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float[] e = new float[o.length];
        FusedLearnedOptimizer.exp(o, e, o.length);
        for (int i = 0; i < o.length; i++) {
            float want = (float) Math.exp(o[i] * LearnedOptimizer.EXP_MULT);
            if (Math.abs(o[i] * LearnedOptimizer.EXP_MULT) <= FusedLearnedOptimizer.EXP_POLY_MAX) {
                assertEquals(want, e[i], Math.ulp(want), "o=" + o[i]);
            } else {
                assertEquals(want, e[i], 0f, "o=" + o[i]);
            }
        }
    }

    @Test
    void copyPeriodicMatchesModularIndexing() {
        float[] src = new float[50];
        for (int i = 0; i < src.length; i++) {
            src[i] = i;
        }
        for (int period : new int[] {1, 2, 3, 9, 25}) {
            for (int phase = 0; phase < period; phase++) {
                for (int n : new int[] {1, 5, 9, 26, 100, 256}) {
                    float[] dst = new float[n + 7];
                    FusedLearnedOptimizer.copyPeriodic(src, 20, period, phase, dst, 3, n);
                    for (int i = 0; i < n; i++) {
                        assertEquals(src[20 + (phase + i) % period], dst[3 + i], 0f,
                                "period " + period + " phase " + phase + " n " + n + " i " + i);
                    }
                }
            }
        }
    }
}
