package dev.lobench.optimizers.learned;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static dev.lobench.optimizers.learned.LearnedOptimizer.EXP_MULT;
import static dev.lobench.optimizers.learned.LearnedOptimizer.RMS_EPS;
import static dev.lobench.optimizers.learned.LearnedOptimizer.NOMINAL_STEP;

/**
 * Vector API versions of the fused star / small-fc kernel's per-element work on factored tensors (the weights of
 * Linear and conv layers: nearly all parameters). Where the scalar kernel makes one pass over L-element scratch arrays
 * per operation (features, sums of squares, each layer of the MLP: about 60 loads and stores per element), these
 * keep an element's 16 normalised channels, the 4 + 4 hidden units and the outputs of the 39-4-4-K MLP in vector
 * registers, {@link #SPECIES} lanes at a time, and touch memory only for the inputs, the state and the new parameter.
 *
 * <p>Bit-identical to the scalar loops of {@link FusedLearnedOptimizer}: each lane does the same float operations
 * in the same order (the MLP's multiply-adds are fused in both, {@code Math.fma} / {@code FloatVector.fma}, the
 * other multiplications and additions stay separate; Vector API fma/sqrt/div/max are IEEE
 * lane-wise like {@code Math.fma}, {@code (float) Math.sqrt}, {@code /} and {@code Math.max}), the per-lane sums of squares
 * accumulate in the same lane slots, and exp outside the polynomial's range falls back to {@code Math.exp} per lane.
 * Only loaded when {@link Simd#ENABLED} (the module {@code jdk.incubator.vector} is resolved).
 */
final class SimdKernels {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int V = SPECIES.length();

    private static final float C3 = 1f / 6f;
    private static final float C4 = 1f / 24f;
    private static final float C5 = 1f / 120f;

    private SimdKernels() {}

    static boolean usable() {
        return V >= 4 && FusedLearnedOptimizer.L % V == 0;
    }

    static String describe() {
        return "FloatVector " + SPECIES.vectorBitSize() + "-bit (" + V + " lanes)";
    }

    /**
     * Factored stats pass over one block of len elements: the EMAs of m0..m2 and rms (arrays at offset so, updated in
     * place) and the per-lane sums of squares sc.sq of the 16 per-element channels (g, p, m0..m2, rms, m_k r, r,
     * fac_g_k, m_k rf_k cf_k). Needs sc.g, sc.p and the gathered factors sc.rf, sc.cf. Same as updateMomRms +
     * squaresFactored. When len is not a multiple of {@link #V} the state arrays must be L-long scratch copies: the
     * last vector then runs past len, and its lanes of sc.sq past len are put back afterwards (no masked operations
     * in the loop: C2 keeps mask-free loops in registers).
     */
    static void statsFactored(FusedLearnedOptimizer.Scratch sc, float[] m0a, float[] m1a, float[] m2a, float[] rmsa,
                              int so, int len, float[] mom, float br) {
        int padded = padded(len);
        float[] saved = saveTail(sc.sq, len, padded);
        statsLoop(sc, m0a, m1a, m2a, rmsa, so, padded, mom, br);
        restoreTail(sc.sq, saved, len, padded);
    }

    /** len rounded up to a multiple of {@link #V}. */
    private static int padded(int len) {
        return (len + V - 1) / V * V;
    }

    /** The lanes len .. padded - 1 of every per-lane sum (null when padded == len), for {@link #restoreTail}. */
    private static float[] saveTail(float[][] sq, int len, int padded) {
        if (padded == len) {
            return null;
        }
        float[] saved = new float[sq.length * (padded - len)];
        for (int q = 0; q < sq.length; q++) {
            System.arraycopy(sq[q], len, saved, q * (padded - len), padded - len);
        }
        return saved;
    }

    /** Puts back the lanes saved by {@link #saveTail}: a padded loop's lanes past len did not happen. */
    private static void restoreTail(float[][] sq, float[] saved, int len, int padded) {
        if (saved == null) {
            return;
        }
        for (int q = 0; q < sq.length; q++) {
            System.arraycopy(saved, q * (padded - len), sq[q], len, padded - len);
        }
    }

    // Each loop below is its own method of at most ~40 vector operations, named loop*, and the JVM must be told not
    // to inline them into their callers ({@link Simd#DONT_INLINE}): C2 inlines the Vector API's intrinsics only up to
    // a node budget per compiled method (NodeCountInliningCutoff, not settable in product JVMs); past it the remaining
    // operations stay calls on heap-allocated vectors, slower than the scalar loops. Channels pass between the loops
    // through the L-long (L1-resident) scratch arrays.

    private static void statsLoop(FusedLearnedOptimizer.Scratch sc, float[] m0a, float[] m1a, float[] m2a,
                                  float[] rmsa, int so, int len, float[] mom, float br) {
        loopStatsEma(sc, m0a, m1a, m2a, rmsa, so, len, mom, br);
        loopStatsState(sc, m0a, m1a, m2a, rmsa, so, len);
        loopStatsNormalised(sc, m0a, m1a, m2a, so, len);
        loopStatsFactors(sc, m0a, m1a, m2a, so, len);
    }

    /** EMAs of m0..m2 and rms (stored), r into sc.r, squares of g and p. */
    private static void loopStatsEma(FusedLearnedOptimizer.Scratch sc, float[] m0a, float[] m1a, float[] m2a,
                                 float[] rmsa, int so, int len, float[] mom, float br) {
        final float b0 = mom[0];
        final float b1 = mom[1];
        final float b2 = mom[2];
        final float c0 = 1f - b0;
        final float c1 = 1f - b1;
        final float c2 = 1f - b2;
        final float cr = 1f - br;
        float[] g = sc.g;
        float[] p = sc.p;
        float[] ra = sc.r;
        float[][] sq = sc.sq;
        for (int i = 0; i < len; i += V) {
            int si = so + i;
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
            FloatVector m0 = FloatVector.fromArray(SPECIES, m0a, si).mul(b0).add(gv.mul(c0));
            FloatVector m1 = FloatVector.fromArray(SPECIES, m1a, si).mul(b1).add(gv.mul(c1));
            FloatVector m2 = FloatVector.fromArray(SPECIES, m2a, si).mul(b2).add(gv.mul(c2));
            FloatVector rms = FloatVector.fromArray(SPECIES, rmsa, si).mul(br).add(gv.mul(gv).mul(cr));
            m0.intoArray(m0a, si);
            m1.intoArray(m1a, si);
            m2.intoArray(m2a, si);
            rms.intoArray(rmsa, si);
            rsqrt(rms.add(RMS_EPS)).intoArray(ra, i);
            square(sq[0], i, gv);
            square(sq[1], i, FloatVector.fromArray(SPECIES, p, i));
        }
    }

    /** Squares of the updated m0..m2 and rms. */
    private static void loopStatsState(FusedLearnedOptimizer.Scratch sc, float[] m0a, float[] m1a, float[] m2a,
                                   float[] rmsa, int so, int len) {
        float[][] sq = sc.sq;
        for (int i = 0; i < len; i += V) {
            int si = so + i;
            square(sq[2], i, FloatVector.fromArray(SPECIES, m0a, si));
            square(sq[3], i, FloatVector.fromArray(SPECIES, m1a, si));
            square(sq[4], i, FloatVector.fromArray(SPECIES, m2a, si));
            square(sq[5], i, FloatVector.fromArray(SPECIES, rmsa, si));
        }
    }

    /** Squares of m_k r and r. */
    private static void loopStatsNormalised(FusedLearnedOptimizer.Scratch sc, float[] m0a, float[] m1a, float[] m2a,
                                        int so, int len) {
        float[] ra = sc.r;
        float[][] sq = sc.sq;
        for (int i = 0; i < len; i += V) {
            int si = so + i;
            FloatVector r = FloatVector.fromArray(SPECIES, ra, i);
            square(sq[6], i, FloatVector.fromArray(SPECIES, m0a, si).mul(r));
            square(sq[7], i, FloatVector.fromArray(SPECIES, m1a, si).mul(r));
            square(sq[8], i, FloatVector.fromArray(SPECIES, m2a, si).mul(r));
            square(sq[9], i, r);
        }
    }

    /** Squares of fac_g_k = g rf_k cf_k and m_k rf_k cf_k. */
    private static void loopStatsFactors(FusedLearnedOptimizer.Scratch sc, float[] m0a, float[] m1a, float[] m2a,
                                     int so, int len) {
        float[] g = sc.g;
        float[][] rf = sc.rf;
        float[][] cf = sc.cf;
        float[][] sq = sc.sq;
        for (int i = 0; i < len; i += V) {
            int si = so + i;
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
            FloatVector rf0 = FloatVector.fromArray(SPECIES, rf[0], i);
            FloatVector rf1 = FloatVector.fromArray(SPECIES, rf[1], i);
            FloatVector rf2 = FloatVector.fromArray(SPECIES, rf[2], i);
            FloatVector cf0 = FloatVector.fromArray(SPECIES, cf[0], i);
            FloatVector cf1 = FloatVector.fromArray(SPECIES, cf[1], i);
            FloatVector cf2 = FloatVector.fromArray(SPECIES, cf[2], i);
            square(sq[10], i, gv.mul(rf0).mul(cf0));
            square(sq[11], i, gv.mul(rf1).mul(cf1));
            square(sq[12], i, gv.mul(rf2).mul(cf2));
            square(sq[13], i, FloatVector.fromArray(SPECIES, m0a, si).mul(rf0).mul(cf0));
            square(sq[14], i, FloatVector.fromArray(SPECIES, m1a, si).mul(rf1).mul(cf1));
            square(sq[15], i, FloatVector.fromArray(SPECIES, m2a, si).mul(rf2).mul(cf2));
        }
    }

    /** h[pos + i] = a[ao + i] + c for i < n. */
    static void addScalar(float[] h, int pos, float[] a, int ao, float c, int n) {
        int m = n - n % V;
        loopAddScalar(h, pos, a, ao, c, m);
        for (int i = m; i < n; i++) {
            h[pos + i] = a[ao + i] + c;
        }
    }

    private static void loopAddScalar(float[] h, int pos, float[] a, int ao, float c, int m) {
        for (int i = 0; i < m; i += V) {
            FloatVector.fromArray(SPECIES, a, ao + i).add(c).intoArray(h, pos + i);
        }
    }

    /** h[pos + i] = a[ao + i] + h[pos + i] for i < n. */
    static void addTo(float[] h, int pos, float[] a, int ao, int n) {
        int m = n - n % V;
        loopAddTo(h, pos, a, ao, m);
        for (int i = m; i < n; i++) {
            h[pos + i] = a[ao + i] + h[pos + i];
        }
    }

    private static void loopAddTo(float[] h, int pos, float[] a, int ao, int m) {
        for (int i = 0; i < m; i += V) {
            FloatVector.fromArray(SPECIES, a, ao + i).add(FloatVector.fromArray(SPECIES, h, pos + i))
                    .intoArray(h, pos + i);
        }
    }

    /** q[i..] = q[i..] + x. */
    private static void sum(float[] q, int i, FloatVector x) {
        FloatVector.fromArray(SPECIES, q, i).add(x).intoArray(q, i);
    }

    /** q[i..] = q[i..] + x * x. */
    private static void square(float[] q, int i, FloatVector x) {
        FloatVector.fromArray(SPECIES, q, i).add(x.mul(x)).intoArray(q, i);
    }

    private static FloatVector rsqrt(FloatVector x) {
        return FloatVector.broadcast(SPECIES, 1f).div(x.sqrt());
    }

    /**
     * Factored update pass over one block: features from sc.g, sc.p, the (updated) state at offset so and the
     * gathered sc.rf, sc.cf; sc.h0..h3 must hold rowH + colH (FusedLearnedOptimizer.gatherHidden); layer 0 with the normalisation folded into w0e; layers 1-2 and the update
     * rule (the scalar mlpTail); the new parameters into sc.p (lanes past len are computed on scratch; when len is
     * not a multiple of {@link #V} the state arrays must be L-long scratch copies). Same as layer0Factored + mlpTail
     * as long as every exp argument 0.001 o is within the polynomial's range: returns false (sc.p then holds garbage
     * and the caller redoes the block with the scalar loops, which fall back to Math.exp) when one is not.
     */
    static boolean updateFactored(FusedLearnedOptimizer.Scratch sc, float[] m0a, float[] m1a, float[] m2a,
                                  float[] rmsa, int so, int len, float[] w0e, Object tail) {
        Tail t = (Tail) tail;
        float[][] f = sc.f;
        float[][] h = {sc.h0, sc.h1, sc.h2, sc.h3};
        loopUpdateFeatures(sc, m0a, m1a, m2a, rmsa, so, len);
        // the channel pairs in the order of layer0Factored; channel k's weight for unit j is w0e[k * 4 + j]
        // (four channels per loop: with fused multiply-adds that fits C2's inlining budget)
        loopLayer0(h, sc.g, 0, 0, sc.p, 0, 1, m0a, so, 2, m1a, so, 3, w0e, len);
        loopLayer0(h, m2a, so, 4, rmsa, so, 5, f[6], 0, 6, f[7], 0, 7, w0e, len);
        loopLayer0(h, f[8], 0, 8, sc.r, 0, 9, f[10], 0, 10, f[11], 0, 11, w0e, len);
        loopLayer0(h, f[12], 0, 12, f[25], 0, 25, f[26], 0, 26, f[27], 0, 27, w0e, len);
        layer1(sc, len, t.layer1);
        layer2(sc, len, t);
        return loopApply(sc, len, t);
    }

    /** r, gh, m_k r, fac_g_k and m_k rf_k cf_k of the block into sc.r, sc.gh, sc.f[6..8], [10..12], [25..27]. */
    private static void loopUpdateFeatures(FusedLearnedOptimizer.Scratch sc, float[] m0a, float[] m1a, float[] m2a,
                                       float[] rmsa, int so, int len) {
        float[] g = sc.g;
        float[][] f = sc.f;
        float[][] rf = sc.rf;
        float[][] cf = sc.cf;
        for (int i = 0; i < len; i += V) {
            int si = so + i;
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
            FloatVector m0 = FloatVector.fromArray(SPECIES, m0a, si);
            FloatVector m1 = FloatVector.fromArray(SPECIES, m1a, si);
            FloatVector m2 = FloatVector.fromArray(SPECIES, m2a, si);
            FloatVector r = rsqrt(FloatVector.fromArray(SPECIES, rmsa, si).add(RMS_EPS));
            r.intoArray(sc.r, i);
            FloatVector f6 = m0.mul(r);
            FloatVector f7 = m1.mul(r);
            FloatVector f8 = m2.mul(r);
            f6.intoArray(f[6], i);
            f7.intoArray(f[7], i);
            f8.intoArray(f[8], i);
            f6.add(f7).add(f8).div(3f).intoArray(sc.gh, i);
            FloatVector rf0 = FloatVector.fromArray(SPECIES, rf[0], i);
            FloatVector rf1 = FloatVector.fromArray(SPECIES, rf[1], i);
            FloatVector rf2 = FloatVector.fromArray(SPECIES, rf[2], i);
            FloatVector cf0 = FloatVector.fromArray(SPECIES, cf[0], i);
            FloatVector cf1 = FloatVector.fromArray(SPECIES, cf[1], i);
            FloatVector cf2 = FloatVector.fromArray(SPECIES, cf[2], i);
            gv.mul(rf0).mul(cf0).intoArray(f[10], i);
            gv.mul(rf1).mul(cf1).intoArray(f[11], i);
            gv.mul(rf2).mul(cf2).intoArray(f[12], i);
            m0.mul(rf0).mul(cf0).intoArray(f[25], i);
            m1.mul(rf1).mul(cf1).intoArray(f[26], i);
            m2.mul(rf2).mul(cf2).intoArray(f[27], i);
        }
    }

    /**
     * h_j = fma(d, w_d, fma(c, w_c, fma(b, w_b, fma(a, w_a, h_j)))) for the 4 hidden units, w_x = w0e[kx * 4 + j]: two
     * channel pairs of the scalar madd2 sequence; each input is an array and an offset.
     */
    private static void loopLayer0(float[][] h, float[] a, int ao, int ka, float[] b, int bo, int kb, float[] c, int co,
                                   int kc, float[] d, int dOff, int kd, float[] w0e, int len) {
        float[] h0a = h[0];
        float[] h1a = h[1];
        float[] h2a = h[2];
        float[] h3a = h[3];
        final FloatVector a0 = w(w0e, ka * 4), a1 = w(w0e, ka * 4 + 1), a2 = w(w0e, ka * 4 + 2), a3 = w(w0e, ka * 4 + 3);
        final FloatVector b0 = w(w0e, kb * 4), b1 = w(w0e, kb * 4 + 1), b2 = w(w0e, kb * 4 + 2), b3 = w(w0e, kb * 4 + 3);
        final FloatVector c0 = w(w0e, kc * 4), c1 = w(w0e, kc * 4 + 1), c2 = w(w0e, kc * 4 + 2), c3 = w(w0e, kc * 4 + 3);
        final FloatVector d0 = w(w0e, kd * 4), d1 = w(w0e, kd * 4 + 1), d2 = w(w0e, kd * 4 + 2), d3 = w(w0e, kd * 4 + 3);
        for (int i = 0; i < len; i += V) {
            FloatVector av = FloatVector.fromArray(SPECIES, a, ao + i);
            FloatVector bv = FloatVector.fromArray(SPECIES, b, bo + i);
            FloatVector cv = FloatVector.fromArray(SPECIES, c, co + i);
            FloatVector dv = FloatVector.fromArray(SPECIES, d, dOff + i);
            quad(FloatVector.fromArray(SPECIES, h0a, i), av, a0, bv, b0, cv, c0, dv, d0).intoArray(h0a, i);
            quad(FloatVector.fromArray(SPECIES, h1a, i), av, a1, bv, b1, cv, c1, dv, d1).intoArray(h1a, i);
            quad(FloatVector.fromArray(SPECIES, h2a, i), av, a2, bv, b2, cv, c2, dv, d2).intoArray(h2a, i);
            quad(FloatVector.fromArray(SPECIES, h3a, i), av, a3, bv, b3, cv, c3, dv, d3).intoArray(h3a, i);
        }
    }

    /**
     * z_j = relu(b1_j + relu(h_0) w1[0][j] + ... + relu(h_3) w1[3][j]) into sc.z: two loops of two units each. One
     * loop for all four units is past C2's inlining budget (NodeCountInliningCutoff: the fourth unit's operations
     * stayed calls on heap-allocated vectors, about 30 bytes allocated per parameter and step, and layer 1 took a
     * third of the step).
     */
    private static void layer1(FusedLearnedOptimizer.Scratch sc, int len, float[] k1) {
        loopLayer1(sc.h0, sc.h1, sc.h2, sc.h3, k1, 0, sc.z[0], sc.z[1], len);
        loopLayer1(sc.h0, sc.h1, sc.h2, sc.h3, k1, 2, sc.z[2], sc.z[3], len);
    }

    /** Units j and j + 1 of layer 1 (see {@link #layer1}). */
    private static void loopLayer1(float[] h0a, float[] h1a, float[] h2a, float[] h3a, float[] k1, int j, float[] za,
                                   float[] zb, int len) {
        final FloatVector ca = w(k1, j), wa0 = w(k1, 4 + j), wa1 = w(k1, 8 + j), wa2 = w(k1, 12 + j);
        final FloatVector wa3 = w(k1, 16 + j);
        final FloatVector cb = w(k1, j + 1), wb0 = w(k1, 5 + j), wb1 = w(k1, 9 + j), wb2 = w(k1, 13 + j);
        final FloatVector wb3 = w(k1, 17 + j);
        for (int i = 0; i < len; i += V) {
            FloatVector h0 = FloatVector.fromArray(SPECIES, h0a, i).max(0f);
            FloatVector h1 = FloatVector.fromArray(SPECIES, h1a, i).max(0f);
            FloatVector h2 = FloatVector.fromArray(SPECIES, h2a, i).max(0f);
            FloatVector h3 = FloatVector.fromArray(SPECIES, h3a, i).max(0f);
            quad(ca, h0, wa0, h1, wa1, h2, wa2, h3, wa3).max(0f).intoArray(za, i);
            quad(cb, h0, wb0, h1, wb1, h2, wb2, h3, wb3).max(0f).intoArray(zb, i);
        }
    }

    /** Layer 2: d into sc.o0 and the exp arguments 0.001 a, 0.001 a_nom, 0.001 a_reg into sc.o1..o3. */
    private static void layer2(FusedLearnedOptimizer.Scratch sc, int len, Tail t) {
        float[] k2 = t.layer2;
        loopLayer2(sc.z, k2, 0, 1f, sc.o0, 5, EXP_MULT, sc.o1, len);
        if (t.star) {
            loopLayer2(sc.z, k2, 10, EXP_MULT, sc.o2, 15, EXP_MULT, sc.o3, len);
        }
    }

    /** Two outputs of layer 2 (weights at k2[ka..ka+4] and k2[kb..kb+4]), each times a scale. */
    private static void loopLayer2(float[][] z, float[] k2, int ka, float sa, float[] oa, int kb, float sb, float[] ob,
                               int len) {
        final FloatVector ca = w(k2, ka), wa0 = w(k2, ka + 1), wa1 = w(k2, ka + 2), wa2 = w(k2, ka + 3);
        final FloatVector wa3 = w(k2, ka + 4);
        final FloatVector cb = w(k2, kb), wb0 = w(k2, kb + 1), wb1 = w(k2, kb + 2), wb2 = w(k2, kb + 3);
        final FloatVector wb3 = w(k2, kb + 4);
        for (int i = 0; i < len; i += V) {
            FloatVector z0 = FloatVector.fromArray(SPECIES, z[0], i);
            FloatVector z1 = FloatVector.fromArray(SPECIES, z[1], i);
            FloatVector z2 = FloatVector.fromArray(SPECIES, z[2], i);
            FloatVector z3 = FloatVector.fromArray(SPECIES, z[3], i);
            quad(ca, z0, wa0, z1, wa1, z2, wa2, z3, wa3).mul(sa).intoArray(oa, i); // x * 1f == x exactly
            quad(cb, z0, wb0, z1, wb1, z2, wb2, z3, wb3).mul(sb).intoArray(ob, i);
        }
    }

    /**
     * The update rule into sc.p (small-fc: p - 0.001 d e1; star: p (1 - wd e3) - 0.001 d e1 r - 0.001 e2 gh). Returns
     * false when an exp argument is outside the polynomial's range (or NaN).
     */
    private static boolean loopApply(FusedLearnedOptimizer.Scratch sc, int len, Tail t) {
        final boolean star = t.star;
        final boolean decay = star && t.wd != 0f;
        final float wd = t.wd;
        float[] p = sc.p;
        FloatVector far = FloatVector.zero(SPECIES); // max |0.001 o| over the exp arguments used
        for (int i = 0; i < len; i += V) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, i);
            FloatVector o0 = FloatVector.fromArray(SPECIES, sc.o0, i);
            FloatVector x1 = FloatVector.fromArray(SPECIES, sc.o1, i);
            far = far.max(x1.abs());
            FloatVector e1 = expPoly(x1);
            if (!star) {
                pv.sub(o0.mul(e1).mul(t.stepMult)).intoArray(p, i);
                continue;
            }
            FloatVector x2 = FloatVector.fromArray(SPECIES, sc.o2, i);
            far = far.max(x2.abs());
            if (decay) {
                FloatVector x3 = FloatVector.fromArray(SPECIES, sc.o3, i);
                far = far.max(x3.abs());
                pv = pv.mul(FloatVector.broadcast(SPECIES, 1f).sub(expPoly(x3).mul(wd)));
            }
            pv = pv.sub(o0.mul(e1).mul(t.stepMult).mul(FloatVector.fromArray(SPECIES, sc.r, i)));
            pv.sub(expPoly(x2).mul(NOMINAL_STEP).mul(FloatVector.fromArray(SPECIES, sc.gh, i))).intoArray(p, i);
        }
        // NaN propagates through max, and !(NaN <= bound) also sends the block to the scalar loops
        return !far.compare(VectorOperators.LE, FusedLearnedOptimizer.EXP_POLY_MAX).not().anyTrue();
    }

    /** w[k] in every lane (weights are broadcast once, before the loops). */
    private static FloatVector w(float[] w, int k) {
        return FloatVector.broadcast(SPECIES, w[k]);
    }

    /** fma(x3, w3, fma(x2, w2, fma(x1, w1, fma(x0, w0, h)))), as two scalar madd2 (or set2 and madd2). */
    private static FloatVector quad(FloatVector h, FloatVector x0, FloatVector w0, FloatVector x1, FloatVector w1,
                                    FloatVector x2, FloatVector w2, FloatVector x3, FloatVector w3) {
        return x3.fma(w3, x2.fma(w2, x1.fma(w1, x0.fma(w0, h))));
    }

    /** {@link FusedLearnedOptimizer#expSmall} per lane (valid for |x| <= 1/16). */
    static FloatVector expPoly(FloatVector x) {
        FloatVector y = x.mul(C5).add(C4);
        y = x.mul(y).add(C3);
        y = x.mul(y).add(0.5f);
        y = x.mul(y).add(1f);
        return x.mul(y).add(1f);
    }

    /**
     * velo-style's per-tensor MLP tail (layer1: b1 then w1 [i * 4 + j]; layer2: per output k, bias then the weights of
     * z0..z3 at k * 5) and step multiplier, for {@link #updateVelo}.
     */
    static Object veloTail(float[] layer1, float[] layer2, float stepMult) {
        return new Tail(layer1, layer2, stepMult);
    }

    // ------------------------------------------------------------------ velo-style (VeloOptimizer)
    //
    // Its factored tensors run star's stats loops (statsLoop) and MLP loops (loopLayer0, layer1, layer2, loopApply as
    // small-fc's update); only its own channels (clip(g, +-0.1), g r), its pre-step tensor sums and its layer-0 channel
    // list have loops of their own. Scratch use: f[1] = clip(g), f[6..8] = m_k r, f[10..12] = fac_g, f[13] = g r,
    // f[25..27] = m_k rf_k cf_k, sc.r = r; per-lane sums sq[0..15] as star's, sq[16] clip(g)^2, sq[17] (g r)^2,
    // sq[18..20] (m_k - mu_k)^2, sq[21..23] (rms - mu_k)^2; the pre-step sums use sq[0..4].

    /**
     * velo-style's pre-step sums of one block into the per-lane sums: sq[0] += p^2, sq[1] += rms, sq[2..4] += m_k
     * (sc.p loaded; state arrays at so; when len is not a multiple of {@link #V} they must be L-long scratch copies).
     */
    static void veloPreSums(FusedLearnedOptimizer.Scratch sc, float[] m0a, float[] m1a, float[] m2a, float[] rmsa,
                            int so, int len) {
        int padded = padded(len);
        float[] saved = saveTail(sc.sq, len, padded);
        loopVeloPre(sc.sq, sc.p, m0a, m1a, m2a, rmsa, so, padded);
        restoreTail(sc.sq, saved, len, padded);
    }

    private static void loopVeloPre(float[][] sq, float[] p, float[] m0a, float[] m1a, float[] m2a, float[] rmsa,
                                    int so, int len) {
        for (int i = 0; i < len; i += V) {
            int si = so + i;
            square(sq[0], i, FloatVector.fromArray(SPECIES, p, i));
            sum(sq[1], i, FloatVector.fromArray(SPECIES, rmsa, si));
            sum(sq[2], i, FloatVector.fromArray(SPECIES, m0a, si));
            sum(sq[3], i, FloatVector.fromArray(SPECIES, m1a, si));
            sum(sq[4], i, FloatVector.fromArray(SPECIES, m2a, si));
        }
    }

    /**
     * velo-style's stats pass over one block: the spreads (m_k - mu_k)^2 and (rms - mu_k)^2 of the state before the
     * update into sq[18..23], then star's EMAs and squares (statsLoop, decays mom and br) and the squares of clip(g)
     * and g r into sq[16], sq[17]. Same padding rule as {@link #statsFactored}.
     */
    static void statsVelo(FusedLearnedOptimizer.Scratch sc, float[] m0a, float[] m1a, float[] m2a, float[] rmsa,
                          int so, int len, float[] mom, float br, float[] mu) {
        int padded = padded(len);
        float[] saved = saveTail(sc.sq, len, padded);
        loopVeloSpread(sc.sq, m0a, m1a, m2a, rmsa, so, padded, mu[0], mu[1], mu[2]);
        statsLoop(sc, m0a, m1a, m2a, rmsa, so, padded, mom, br);
        loopVeloSquares(sc, padded);
        restoreTail(sc.sq, saved, len, padded);
    }

    private static void loopVeloSpread(float[][] sq, float[] m0a, float[] m1a, float[] m2a, float[] rmsa, int so,
                                       int len, float mu0, float mu1, float mu2) {
        for (int i = 0; i < len; i += V) {
            int si = so + i;
            FloatVector rms = FloatVector.fromArray(SPECIES, rmsa, si);
            square(sq[18], i, FloatVector.fromArray(SPECIES, m0a, si).sub(mu0));
            square(sq[19], i, FloatVector.fromArray(SPECIES, m1a, si).sub(mu1));
            square(sq[20], i, FloatVector.fromArray(SPECIES, m2a, si).sub(mu2));
            square(sq[21], i, rms.sub(mu0));
            square(sq[22], i, rms.sub(mu1));
            square(sq[23], i, rms.sub(mu2));
        }
    }

    /** Squares of clip(g, +-0.1) and g r (sc.r from loopStatsEma). */
    private static void loopVeloSquares(FusedLearnedOptimizer.Scratch sc, int len) {
        float[][] sq = sc.sq;
        for (int i = 0; i < len; i += V) {
            FloatVector gv = FloatVector.fromArray(SPECIES, sc.g, i);
            square(sq[16], i, clipSmall(gv));
            square(sq[17], i, gv.mul(FloatVector.fromArray(SPECIES, sc.r, i)));
        }
    }

    /** max(-0.1, min(0.1, g)), as {@code Math.max(-0.1f, Math.min(0.1f, g))}. */
    private static FloatVector clipSmall(FloatVector g) {
        return g.min(0.1f).max(-0.1f);
    }

    /**
     * velo-style's update pass over one block: its 18 per-element channels, layer 0 (sc.h0..h3 must hold rowH +
     * colH, channel k's weight for unit j at w0e[k * 4 + j] in velo-style's channel order), layers 1-2 and the update
     * into sc.p, as {@link #updateFactored}; false when an exp argument is outside the polynomial's range.
     */
    static boolean updateVelo(FusedLearnedOptimizer.Scratch sc, float[] m0a, float[] m1a, float[] m2a, float[] rmsa,
                              int so, int len, float[] w0e, Object tail) {
        Tail t = (Tail) tail;
        float[][] f = sc.f;
        float[][] h = {sc.h0, sc.h1, sc.h2, sc.h3};
        loopVeloRmsFeatures(sc, m0a, m1a, m2a, rmsa, so, len);
        loopVeloFactorFeatures(sc, m0a, m1a, m2a, so, len);
        loopLayer0(h, sc.g, 0, 0, f[1], 0, 1, sc.p, 0, 2, m0a, so, 3, w0e, len);
        loopLayer0(h, m1a, so, 4, m2a, so, 5, rmsa, so, 6, f[6], 0, 7, w0e, len);
        loopLayer0(h, f[7], 0, 8, f[8], 0, 9, sc.r, 0, 10, f[10], 0, 11, w0e, len);
        loopLayer0(h, f[11], 0, 12, f[12], 0, 13, f[13], 0, 14, f[25], 0, 27, w0e, len);
        loopLayer0Pair(h, f[26], 28, f[27], 29, w0e, len);
        layer1(sc, len, t.layer1);
        layer2(sc, len, t);
        return loopApply(sc, len, t);
    }

    /** r into sc.r, m_k r into f[6..8], clip(g, +-0.1) into f[1], g r into f[13]. */
    private static void loopVeloRmsFeatures(FusedLearnedOptimizer.Scratch sc, float[] m0a, float[] m1a, float[] m2a,
                                            float[] rmsa, int so, int len) {
        float[][] f = sc.f;
        for (int i = 0; i < len; i += V) {
            int si = so + i;
            FloatVector gv = FloatVector.fromArray(SPECIES, sc.g, i);
            FloatVector r = rsqrt(FloatVector.fromArray(SPECIES, rmsa, si).add(RMS_EPS));
            r.intoArray(sc.r, i);
            FloatVector.fromArray(SPECIES, m0a, si).mul(r).intoArray(f[6], i);
            FloatVector.fromArray(SPECIES, m1a, si).mul(r).intoArray(f[7], i);
            FloatVector.fromArray(SPECIES, m2a, si).mul(r).intoArray(f[8], i);
            clipSmall(gv).intoArray(f[1], i);
            gv.mul(r).intoArray(f[13], i);
        }
    }

    /** fac_g_k = g rf_k cf_k into f[10..12] and m_k rf_k cf_k into f[25..27]. */
    private static void loopVeloFactorFeatures(FusedLearnedOptimizer.Scratch sc, float[] m0a, float[] m1a,
                                               float[] m2a, int so, int len) {
        float[][] f = sc.f;
        float[][] rf = sc.rf;
        float[][] cf = sc.cf;
        for (int i = 0; i < len; i += V) {
            int si = so + i;
            FloatVector gv = FloatVector.fromArray(SPECIES, sc.g, i);
            FloatVector rf0 = FloatVector.fromArray(SPECIES, rf[0], i);
            FloatVector rf1 = FloatVector.fromArray(SPECIES, rf[1], i);
            FloatVector rf2 = FloatVector.fromArray(SPECIES, rf[2], i);
            FloatVector cf0 = FloatVector.fromArray(SPECIES, cf[0], i);
            FloatVector cf1 = FloatVector.fromArray(SPECIES, cf[1], i);
            FloatVector cf2 = FloatVector.fromArray(SPECIES, cf[2], i);
            gv.mul(rf0).mul(cf0).intoArray(f[10], i);
            gv.mul(rf1).mul(cf1).intoArray(f[11], i);
            gv.mul(rf2).mul(cf2).intoArray(f[12], i);
            FloatVector.fromArray(SPECIES, m0a, si).mul(rf0).mul(cf0).intoArray(f[25], i);
            FloatVector.fromArray(SPECIES, m1a, si).mul(rf1).mul(cf1).intoArray(f[26], i);
            FloatVector.fromArray(SPECIES, m2a, si).mul(rf2).mul(cf2).intoArray(f[27], i);
        }
    }

    /** h_j = fma(b, w_b, fma(a, w_a, h_j)): one channel pair (scratch arrays at offset 0) of layer 0. */
    private static void loopLayer0Pair(float[][] h, float[] a, int ka, float[] b, int kb, float[] w0e, int len) {
        float[] h0a = h[0];
        float[] h1a = h[1];
        float[] h2a = h[2];
        float[] h3a = h[3];
        final FloatVector a0 = w(w0e, ka * 4), a1 = w(w0e, ka * 4 + 1), a2 = w(w0e, ka * 4 + 2), a3 = w(w0e, ka * 4 + 3);
        final FloatVector b0 = w(w0e, kb * 4), b1 = w(w0e, kb * 4 + 1), b2 = w(w0e, kb * 4 + 2), b3 = w(w0e, kb * 4 + 3);
        for (int i = 0; i < len; i += V) {
            FloatVector av = FloatVector.fromArray(SPECIES, a, i);
            FloatVector bv = FloatVector.fromArray(SPECIES, b, i);
            bv.fma(b0, av.fma(a0, FloatVector.fromArray(SPECIES, h0a, i))).intoArray(h0a, i);
            bv.fma(b1, av.fma(a1, FloatVector.fromArray(SPECIES, h1a, i))).intoArray(h1a, i);
            bv.fma(b2, av.fma(a2, FloatVector.fromArray(SPECIES, h2a, i))).intoArray(h2a, i);
            bv.fma(b3, av.fma(a3, FloatVector.fromArray(SPECIES, h3a, i))).intoArray(h3a, i);
        }
    }

    /** Layers 1 and 2 of theta's MLP, laid out for {@link #updateFactored}. */
    static Object tail(Theta theta, float weightDecay) {
        return new Tail(theta, weightDecay);
    }

    private static final class Tail {
        final boolean star;
        final float wd;
        final float stepMult;
        /** [b1_0..b1_3, then w1 (input i, unit j) at 4 + i * 4 + j]: theta's w1 is stored [i * 4 + j] already. */
        final float[] layer1 = new float[20];
        /** per output k (4; unused ones 0): bias, then the weights of z0..z3, at k * 5. */
        final float[] layer2 = new float[20];

        /** velo-style: layers 1 and 2 laid out as above, its update p - d exp(0.001 a) stepMult (as small-fc's). */
        Tail(float[] layer1, float[] layer2, float stepMult) {
            star = false;
            wd = 0f;
            this.stepMult = stepMult;
            System.arraycopy(layer1, 0, this.layer1, 0, 20);
            System.arraycopy(layer2, 0, this.layer2, 0, 20);
        }

        Tail(Theta theta, float weightDecay) {
            star = theta.arch() == Arch.STAR;
            wd = weightDecay;
            stepMult = theta.stepMult();
            System.arraycopy(theta.b1(), 0, layer1, 0, 4);
            System.arraycopy(theta.w1(), 0, layer1, 4, 16);
            int kOut = theta.arch().outputs();
            float[] w2 = theta.w2();
            float[] b2 = theta.b2();
            for (int k = 0; k < kOut; k++) {
                layer2[k * 5] = b2[k];
                for (int j = 0; j < 4; j++) {
                    layer2[k * 5 + 1 + j] = w2[j * kOut + k];
                }
            }
        }
    }
}
