package dev.lobench.optimizers.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayoutAndThetaTest {

    static int[] axes(long[] storage, Param.Layout layout) {
        FactorPlan p = FactorPlan.of("t", storage, layout);
        return p.factored() ? new int[] {p.d0(), p.d1()} : null;
    }

    @Test
    void referenceAxesUseStableSortHigherIndexWinsTies() {
        assertArrayEquals(new int[] {1, 0}, FactorPlan.referenceFactorAxes(new long[] {128, 128}));
        assertArrayEquals(new int[] {0, 1}, FactorPlan.referenceFactorAxes(new long[] {10, 3}));
        assertArrayEquals(new int[] {3, 2}, FactorPlan.referenceFactorAxes(new long[] {3, 3, 16, 32}));
        assertArrayEquals(new int[] {3, 2}, FactorPlan.referenceFactorAxes(new long[] {3, 3, 16, 16}));
        assertArrayEquals(new int[] {1, 0}, FactorPlan.referenceFactorAxes(new long[] {5, 5, 1, 2}));
        assertArrayEquals(new int[] {3, 2}, FactorPlan.referenceFactorAxes(new long[] {3, 3, 4, 6}));
        assertArrayEquals(new int[] {2, 1}, FactorPlan.referenceFactorAxes(new long[] {7, 7, 7}));
    }

    @Test
    void linearStoredOutInTie() {
        // reference [in, out] = [128, 128]: d0 = out (ref axis 1), d1 = in (ref axis 0); stored [out, in]
        assertArrayEquals(new int[] {0, 1}, axes(new long[] {128, 128}, Param.Layout.LINEAR_OUT_IN));
        // the same shape stored as the reference would factor the other way round
        assertArrayEquals(new int[] {1, 0}, axes(new long[] {128, 128}, Param.Layout.GENERIC));
        // no tie: Linear(in=784, out=128) stored [128, 784]: d0 = in = storage axis 1
        assertArrayEquals(new int[] {1, 0}, axes(new long[] {128, 784}, Param.Layout.LINEAR_OUT_IN));
    }

    @Test
    void convStoredOihw() {
        // reference [3,3,16,32] stored [32,16,3,3]: d0 = out (storage 0), d1 = in (storage 1)
        assertArrayEquals(new int[] {0, 1}, axes(new long[] {32, 16, 3, 3}, Param.Layout.CONV_OIHW));
        // tie in = out = 16: reference [3,3,16,16] -> d0 = out (ref 3 = storage 0), d1 = in (storage 1)
        assertArrayEquals(new int[] {0, 1}, axes(new long[] {16, 16, 3, 3}, Param.Layout.CONV_OIHW));
        // as GENERIC the higher storage index (in) would win the tie
        assertArrayEquals(new int[] {1, 0}, axes(new long[] {16, 16, 3, 3}, Param.Layout.GENERIC));
        // kernel larger than channels: reference [5,5,1,2]: d0 = kw (storage 3), d1 = kh (storage 2)
        assertArrayEquals(new int[] {3, 2}, axes(new long[] {2, 1, 5, 5}, Param.Layout.CONV_OIHW));
        // conv1d [out, in, k] -> reference [k, in, out]
        assertArrayEquals(new int[] {0, 2}, axes(new long[] {8, 2, 3}, Param.Layout.CONV_OIHW));
    }

    @Test
    void lowRanksAreNotFactoredAndBadLayoutsAreUserErrors() {
        FactorPlan scalar = FactorPlan.of("s", new long[] {}, Param.Layout.GENERIC);
        assertFalse(scalar.factored());
        assertEquals(1, scalar.size());
        assertArrayEquals(new long[] {1}, scalar.shape());
        assertFalse(FactorPlan.of("b", new long[] {7}, Param.Layout.GENERIC).factored());
        assertThrows(UserError.class, () -> FactorPlan.of("w", new long[] {3, 4, 5}, Param.Layout.LINEAR_OUT_IN));
        assertThrows(UserError.class, () -> FactorPlan.of("w", new long[] {3, 4}, Param.Layout.CONV_OIHW));
        assertThrows(UserError.class, () -> FactorPlan.of("b", new long[] {4}, Param.Layout.LINEAR_OUT_IN));
        assertThrows(UserError.class, () -> FactorPlan.of("e", new long[] {0, 4}, Param.Layout.GENERIC));
    }

    @Test
    void thetaCountsAndInit() {
        Theta star = Theta.init(Arch.STAR, 42);
        Theta fc = Theta.init(Arch.SMALL_FC, 42);
        assertEquals(207, star.paramCount());
        assertEquals(197, fc.paramCount());
        assertEquals(star, Theta.init(Arch.STAR, 42));
        assertNotEquals(star, Theta.init(Arch.STAR, 43));
        // truncated at 2 sigma, sigma = 1/sqrt(fan_in), not rescaled; biases and offsets 0
        checkTruncated(star.w0(), 39);
        checkTruncated(star.w1(), 4);
        checkTruncated(star.w2(), 4);
        for (float[] z : new float[][] {star.b0(), star.b1(), star.b2(), star.momentumDecays(), star.rmsDecays(),
            star.adafactorDecays()}) {
            for (float v : z) {
                assertEquals(0f, v);
            }
        }
        // w0 has 156 draws: the empirical std is close to sigma * 0.8796 (std of a 2-sigma truncated normal)
        double ss = 0;
        for (float v : star.w0()) {
            ss += v * v;
        }
        double std = Math.sqrt(ss / star.w0().length) * Math.sqrt(39);
        assertEquals(0.8796, std, 0.12);
        // decays at init equal the base decays
        assertArrayEquals(new float[] {0.9f, 0.99f, 0.999f}, star.effectiveMomentumDecays(), 1e-7f);
        assertArrayEquals(new float[] {0.999f}, star.effectiveRmsDecays(), 1e-7f);
    }

    static void checkTruncated(float[] w, int fanIn) {
        double lim = 2.0 / Math.sqrt(fanIn);
        boolean nonZero = false;
        for (float v : w) {
            assertTrue(Math.abs(v) <= lim + 1e-7, "weight " + v + " beyond 2 sigma " + lim);
            nonZero |= v != 0f;
        }
        assertTrue(nonZero);
    }

    @Test
    void decayOffsetsAndClipping() {
        float[] z3 = new float[3];
        Theta t = new Theta(Arch.SMALL_FC, new float[] {0.1f, 0f, 0.5f}, new float[] {0.5f}, new float[] {0f, 0f, 1f},
                new float[156], new float[4], new float[16], new float[4], new float[8], new float[2]);
        // 1 - 0.1 * e^1 = 0.728172; momentum 0.999 with offset 0.5: 1 - 0.001 e^5 = 0.851587 (not clipped)
        assertArrayEquals(new float[] {0.7281718f, 0.99f, 0.8515868f}, t.effectiveMomentumDecays(), 1e-6f);
        // rms 1 - 0.001 e^5 = 0.851587; adafactor 0.999 with offset 1: 1 - 0.001 e^10 = -21.03 -> clipped to 0
        assertArrayEquals(new float[] {0.8515868f}, t.effectiveRmsDecays(), 1e-6f);
        assertArrayEquals(new float[] {0.9f, 0.99f, 0f}, t.effectiveAdafactorDecays(), 1e-7f);
        Theta m = new Theta(Arch.SMALL_FC, new float[] {0.3f, 0f, 0f}, new float[1], z3, new float[156],
                new float[4], new float[16], new float[4], new float[8], new float[2]);
        // momentum is not clipped: 1 - 0.1 e^3 = -1.0085537
        assertEquals(-1.0085537f, m.effectiveMomentumDecays()[0], 1e-6f);
    }

    @Test
    void timeFeaturesUseTBeforeIncrement() {
        float[] t0 = Theta.timeFeatures(0);
        for (float v : t0) {
            assertEquals(-0.7615942f, v, 1e-7f); // tanh(-1)
        }
        float[] t3 = Theta.timeFeatures(3);
        assertEquals((float) Math.tanh(2.0), t3[0], 1e-7f);
        assertEquals(0f, t3[1], 1e-7f);
        assertEquals((float) Math.tanh(-0.7), t3[2], 1e-7f);
    }

    @Test
    void directBufferViewOfPtNDArrayIsLive() {
        // documents what DJL allows: toByteBuffer(true) on a CPU PtNDArray views native memory
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2, 3, 4, 5, 6}, new ai.djl.ndarray.types.Shape(2, 3));
            FloatBuffer fb = a.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
            assertTrue(a.toByteBuffer(true).isDirect());
            fb.put(4, -9f);
            assertEquals(-9f, a.getFloat(1, 1));
            a.muli(2f);
            assertEquals(-18f, fb.get(4));
            // toByteBuffer() is a copy: writing it does not change the tensor
            java.nio.ByteBuffer copy = a.toByteBuffer();
            copy.order(ByteOrder.nativeOrder()).asFloatBuffer().put(0, 100f);
            assertEquals(2f, a.getFloat(0, 0));
            assertTrue(NativeAccess.probe(m));
            assertTrue(NativeAccess.view(a) != null);
        }
    }
}
