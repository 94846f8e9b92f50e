package dev.lobench.optimizers.learned;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static dev.lobench.optimizers.learned.LearnedOptimizer.EXP_MULT;
import static dev.lobench.optimizers.learned.LearnedOptimizer.RMS_EPS;
import static dev.lobench.optimizers.learned.LearnedOptimizer.STEP_MULT;

/**
 * Vector API versions of the fused star / small-fc kernel's per-element work on factored tensors (the weights of
 * Linear and conv layers: nearly all parameters). Where the scalar kernel makes one pass over L-element scratch arrays
 * per operation (features, sums of squares, each layer of the MLP: about 60 loads and stores per element), these
 * keep an element's 16 normalised channels, the 4 + 4 hidden units and the outputs of the 39-4-4-K MLP in vector
 * registers, {@link #SPECIES} lanes at a time, and touch memory only for the inputs, the state and the new parameter.
 *
 * <p>Bit-identical to the scalar loops of {@link FusedLearnedOptimizer}: each lane does the same float operations
 * in the same order (multiplications and additions stay separate, no FMA; Vector API sqrt/div/max are IEEE
 * lane-wise like {@code (float) Math.sqrt}, {@code /} and {@code Math.max}), the per-lane sums of squares
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
     * place; when len is not a multiple of the vector length they must be L-long scratch copies) and the per-lane sums
     * of squares sc.sq of the 16 per-element channels (g, p, m0..m2, rms, m_k r, r, fac_g_k, m_k rf_k cf_k). Needs
     * sc.g, sc.p and the gathered factors sc.rf, sc.cf. Same as updateMomRms + squaresFactored.
     */
    static void statsFactored(FusedLearnedOptimizer.Scratch sc, float[] m0a, float[] m1a, float[] m2a, float[] rmsa,
                              int so, int len, float[] mom, float br) {
        final float b0 = mom[0];
        final float b1 = mom[1];
        final float b2 = mom[2];
        final float c0 = 1f - b0;
        final float c1 = 1f - b1;
        final float c2 = 1f - b2;
        final float cr = 1f - br;
        float[] g = sc.g;
        float[] p = sc.p;
        float[][] rf = sc.rf;
        float[][] cf = sc.cf;
        float[][] sq = sc.sq;
        for (int i = 0; i < len; i += V) {
            VectorMask<Float> tail = i + V <= len ? null : SPECIES.indexInRange(i, len);
            int si = so + i;
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
            FloatVector pv = FloatVector.fromArray(SPECIES, p, i);
            FloatVector m0 = FloatVector.fromArray(SPECIES, m0a, si).mul(b0).add(gv.mul(c0));
            FloatVector m1 = FloatVector.fromArray(SPECIES, m1a, si).mul(b1).add(gv.mul(c1));
            FloatVector m2 = FloatVector.fromArray(SPECIES, m2a, si).mul(b2).add(gv.mul(c2));
            FloatVector rms = FloatVector.fromArray(SPECIES, rmsa, si).mul(br).add(gv.mul(gv).mul(cr));
            m0.intoArray(m0a, si);
            m1.intoArray(m1a, si);
            m2.intoArray(m2a, si);
            rms.intoArray(rmsa, si);
            FloatVector r = rsqrt(rms.add(RMS_EPS));
            square(sq[0], i, gv, tail);
            square(sq[1], i, pv, tail);
            square(sq[2], i, m0, tail);
            square(sq[3], i, m1, tail);
            square(sq[4], i, m2, tail);
            square(sq[5], i, rms, tail);
            square(sq[6], i, m0.mul(r), tail);
            square(sq[7], i, m1.mul(r), tail);
            square(sq[8], i, m2.mul(r), tail);
            square(sq[9], i, r, tail);
            FloatVector rf0 = FloatVector.fromArray(SPECIES, rf[0], i);
            FloatVector rf1 = FloatVector.fromArray(SPECIES, rf[1], i);
            FloatVector rf2 = FloatVector.fromArray(SPECIES, rf[2], i);
            FloatVector cf0 = FloatVector.fromArray(SPECIES, cf[0], i);
            FloatVector cf1 = FloatVector.fromArray(SPECIES, cf[1], i);
            FloatVector cf2 = FloatVector.fromArray(SPECIES, cf[2], i);
            square(sq[10], i, gv.mul(rf0).mul(cf0), tail);
            square(sq[11], i, gv.mul(rf1).mul(cf1), tail);
            square(sq[12], i, gv.mul(rf2).mul(cf2), tail);
            square(sq[13], i, m0.mul(rf0).mul(cf0), tail);
            square(sq[14], i, m1.mul(rf1).mul(cf1), tail);
            square(sq[15], i, m2.mul(rf2).mul(cf2), tail);
        }
    }

    /** q[i..] = q[i..] + x * x on the lanes of tail (all lanes when tail is null). */
    private static void square(float[] q, int i, FloatVector x, VectorMask<Float> tail) {
        FloatVector a = FloatVector.fromArray(SPECIES, q, i);
        FloatVector s = a.add(x.mul(x));
        (tail == null ? s : a.blend(s, tail)).intoArray(q, i);
    }

    private static FloatVector rsqrt(FloatVector x) {
        return FloatVector.broadcast(SPECIES, 1f).div(x.sqrt());
    }

    /**
     * Factored update pass over one block: features from sc.g, sc.p, the (updated) state at offset so and the
     * gathered sc.rf, sc.cf, sc.rh, sc.ch; layer 0 with the normalisation folded into w0e; the MLP tail; the new
     * parameters into sc.p (lanes past len are computed on scratch and not stored by the caller). Same as
     * layer0Factored + mlpTail.
     */
    static void updateFactored(FusedLearnedOptimizer.Scratch sc, float[] m0a, float[] m1a, float[] m2a, float[] rmsa,
                               int so, int len, float[] w0e, Object tail) {
        Tail t = (Tail) tail;
        float[] g = sc.g;
        float[] p = sc.p;
        float[][] rf = sc.rf;
        float[][] cf = sc.cf;
        float[][] rh = sc.rh;
        float[][] ch = sc.ch;
        for (int i = 0; i < len; i += V) {
            int si = so + i;
            FloatVector gv = FloatVector.fromArray(SPECIES, g, i);
            FloatVector pv = FloatVector.fromArray(SPECIES, p, i);
            FloatVector m0 = FloatVector.fromArray(SPECIES, m0a, si);
            FloatVector m1 = FloatVector.fromArray(SPECIES, m1a, si);
            FloatVector m2 = FloatVector.fromArray(SPECIES, m2a, si);
            FloatVector rms = FloatVector.fromArray(SPECIES, rmsa, si);
            FloatVector r = rsqrt(rms.add(RMS_EPS));
            FloatVector f6 = m0.mul(r);
            FloatVector f7 = m1.mul(r);
            FloatVector f8 = m2.mul(r);
            FloatVector gh = f6.add(f7).add(f8).div(3f);
            FloatVector h0 = FloatVector.fromArray(SPECIES, rh[0], i).add(FloatVector.fromArray(SPECIES, ch[0], i));
            FloatVector h1 = FloatVector.fromArray(SPECIES, rh[1], i).add(FloatVector.fromArray(SPECIES, ch[1], i));
            FloatVector h2 = FloatVector.fromArray(SPECIES, rh[2], i).add(FloatVector.fromArray(SPECIES, ch[2], i));
            FloatVector h3 = FloatVector.fromArray(SPECIES, rh[3], i).add(FloatVector.fromArray(SPECIES, ch[3], i));
            // channel pairs in the order of layer0Factored: (g, p) (m0, m1) (m2, rms) (f6, f7) (f8, r) (f10, f11)
            // (f12, f25) (f26, f27); w0e row k of channel k at k * 4
            h0 = pair(h0, gv, w0e[0], pv, w0e[4]);
            h1 = pair(h1, gv, w0e[1], pv, w0e[5]);
            h2 = pair(h2, gv, w0e[2], pv, w0e[6]);
            h3 = pair(h3, gv, w0e[3], pv, w0e[7]);
            h0 = pair(h0, m0, w0e[8], m1, w0e[12]);
            h1 = pair(h1, m0, w0e[9], m1, w0e[13]);
            h2 = pair(h2, m0, w0e[10], m1, w0e[14]);
            h3 = pair(h3, m0, w0e[11], m1, w0e[15]);
            h0 = pair(h0, m2, w0e[16], rms, w0e[20]);
            h1 = pair(h1, m2, w0e[17], rms, w0e[21]);
            h2 = pair(h2, m2, w0e[18], rms, w0e[22]);
            h3 = pair(h3, m2, w0e[19], rms, w0e[23]);
            h0 = pair(h0, f6, w0e[24], f7, w0e[28]);
            h1 = pair(h1, f6, w0e[25], f7, w0e[29]);
            h2 = pair(h2, f6, w0e[26], f7, w0e[30]);
            h3 = pair(h3, f6, w0e[27], f7, w0e[31]);
            h0 = pair(h0, f8, w0e[32], r, w0e[36]);
            h1 = pair(h1, f8, w0e[33], r, w0e[37]);
            h2 = pair(h2, f8, w0e[34], r, w0e[38]);
            h3 = pair(h3, f8, w0e[35], r, w0e[39]);
            FloatVector rf0 = FloatVector.fromArray(SPECIES, rf[0], i);
            FloatVector rf1 = FloatVector.fromArray(SPECIES, rf[1], i);
            FloatVector rf2 = FloatVector.fromArray(SPECIES, rf[2], i);
            FloatVector cf0 = FloatVector.fromArray(SPECIES, cf[0], i);
            FloatVector cf1 = FloatVector.fromArray(SPECIES, cf[1], i);
            FloatVector cf2 = FloatVector.fromArray(SPECIES, cf[2], i);
            FloatVector f10 = gv.mul(rf0).mul(cf0);
            FloatVector f11 = gv.mul(rf1).mul(cf1);
            FloatVector f12 = gv.mul(rf2).mul(cf2);
            FloatVector f25 = m0.mul(rf0).mul(cf0);
            FloatVector f26 = m1.mul(rf1).mul(cf1);
            FloatVector f27 = m2.mul(rf2).mul(cf2);
            h0 = pair(h0, f10, w0e[40], f11, w0e[44]);
            h1 = pair(h1, f10, w0e[41], f11, w0e[45]);
            h2 = pair(h2, f10, w0e[42], f11, w0e[46]);
            h3 = pair(h3, f10, w0e[43], f11, w0e[47]);
            h0 = pair(h0, f12, w0e[48], f25, w0e[100]);
            h1 = pair(h1, f12, w0e[49], f25, w0e[101]);
            h2 = pair(h2, f12, w0e[50], f25, w0e[102]);
            h3 = pair(h3, f12, w0e[51], f25, w0e[103]);
            h0 = pair(h0, f26, w0e[104], f27, w0e[108]);
            h1 = pair(h1, f26, w0e[105], f27, w0e[109]);
            h2 = pair(h2, f26, w0e[106], f27, w0e[110]);
            h3 = pair(h3, f26, w0e[107], f27, w0e[111]);
            t.apply(h0, h1, h2, h3, r, gh, pv).intoArray(p, i);
        }
    }

    /** Layers 1-2 of theta's MLP and the update rule, for {@link #updateFactored}. */
    static Object tail(Theta theta, float weightDecay) {
        return new Tail(theta, weightDecay);
    }

    /** (h + x0 * w0) + x1 * w1, as the scalar madd2. */
    private static FloatVector pair(FloatVector h, FloatVector x0, float w0, FloatVector x1, float w1) {
        return h.add(x0.mul(w0)).add(x1.mul(w1));
    }

    /**
     * Layers 1 and 2 of the MLP and the update (the scalar mlpTail), with the weights copied into fields once per
     * step so that the element loop reads no arrays of weights.
     */
    static final class Tail {
        private final boolean star;
        private final float wd;
        private final float b10, b11, b12, b13;
        private final float w100, w101, w102, w103, w110, w111, w112, w113;
        private final float w120, w121, w122, w123, w130, w131, w132, w133;
        // layer 2: output k from hidden z_j with weight w2[j * kOut + k]
        private final float b20, b21, b22, b23;
        private final float w200, w210, w220, w230;
        private final float w201, w211, w221, w231;
        private final float w202, w212, w222, w232;
        private final float w203, w213, w223, w233;

        Tail(Theta theta, float weightDecay) {
            star = theta.arch() == Arch.STAR;
            wd = weightDecay;
            float[] w1 = theta.w1();
            float[] b1 = theta.b1();
            b10 = b1[0];
            b11 = b1[1];
            b12 = b1[2];
            b13 = b1[3];
            // w1[i * 4 + j]: hidden input i -> unit j
            w100 = w1[0];
            w101 = w1[1];
            w102 = w1[2];
            w103 = w1[3];
            w110 = w1[4];
            w111 = w1[5];
            w112 = w1[6];
            w113 = w1[7];
            w120 = w1[8];
            w121 = w1[9];
            w122 = w1[10];
            w123 = w1[11];
            w130 = w1[12];
            w131 = w1[13];
            w132 = w1[14];
            w133 = w1[15];
            float[] w2 = theta.w2();
            float[] b2 = theta.b2();
            int k = theta.arch().outputs();
            b20 = b2[0];
            b21 = b2[1];
            b22 = star ? b2[2] : 0f;
            b23 = star ? b2[3] : 0f;
            w200 = w2[0];
            w210 = w2[k];
            w220 = w2[2 * k];
            w230 = w2[3 * k];
            w201 = w2[1];
            w211 = w2[k + 1];
            w221 = w2[2 * k + 1];
            w231 = w2[3 * k + 1];
            w202 = star ? w2[2] : 0f;
            w212 = star ? w2[k + 2] : 0f;
            w222 = star ? w2[2 * k + 2] : 0f;
            w232 = star ? w2[3 * k + 2] : 0f;
            w203 = star ? w2[3] : 0f;
            w213 = star ? w2[k + 3] : 0f;
            w223 = star ? w2[2 * k + 3] : 0f;
            w233 = star ? w2[3 * k + 3] : 0f;
        }

        /** New parameters from the layer-0 pre-activations h0..h3, r = rsqrt(rms + 1e-6), gh and p. */
        FloatVector apply(FloatVector h0, FloatVector h1, FloatVector h2, FloatVector h3, FloatVector r,
                          FloatVector gh, FloatVector p) {
            FloatVector a0 = h0.max(0f);
            FloatVector a1 = h1.max(0f);
            FloatVector a2 = h2.max(0f);
            FloatVector a3 = h3.max(0f);
            FloatVector z0 = lin(b10, a0, w100, a1, w110, a2, w120, a3, w130).max(0f);
            FloatVector z1 = lin(b11, a0, w101, a1, w111, a2, w121, a3, w131).max(0f);
            FloatVector z2 = lin(b12, a0, w102, a1, w112, a2, w122, a3, w132).max(0f);
            FloatVector z3 = lin(b13, a0, w103, a1, w113, a2, w123, a3, w133).max(0f);
            FloatVector o0 = lin(b20, z0, w200, z1, w210, z2, w220, z3, w230);
            FloatVector e1 = exp(lin(b21, z0, w201, z1, w211, z2, w221, z3, w231));
            if (!star) {
                return p.sub(o0.mul(e1).mul(STEP_MULT));
            }
            FloatVector e2 = exp(lin(b22, z0, w202, z1, w212, z2, w222, z3, w232));
            FloatVector q = p;
            if (wd != 0f) {
                FloatVector e3 = exp(lin(b23, z0, w203, z1, w213, z2, w223, z3, w233));
                q = q.mul(FloatVector.broadcast(SPECIES, 1f).sub(e3.mul(wd)));
            }
            q = q.sub(o0.mul(e1).mul(STEP_MULT).mul(r));
            return q.sub(e2.mul(STEP_MULT).mul(gh));
        }
    }

    /** ((c + x0 w0) + x1 w1) + x2 w2) + x3 w3, as the scalar set2 followed by madd2. */
    private static FloatVector lin(float c, FloatVector x0, float w0, FloatVector x1, float w1, FloatVector x2,
                                   float w2, FloatVector x3, float w3) {
        return FloatVector.broadcast(SPECIES, c).add(x0.mul(w0)).add(x1.mul(w1)).add(x2.mul(w2)).add(x3.mul(w3));
    }

    /** exp(0.001 o) per lane as {@link FusedLearnedOptimizer#exp}: the polynomial, Math.exp outside its range. */
    static FloatVector exp(FloatVector o) {
        FloatVector x = o.mul(EXP_MULT);
        FloatVector y = x.mul(C5).add(C4);
        y = x.mul(y).add(C3);
        y = x.mul(y).add(0.5f);
        y = x.mul(y).add(1f);
        FloatVector e = x.mul(y).add(1f);
        VectorMask<Float> far = x.abs().compare(VectorOperators.LE, FusedLearnedOptimizer.EXP_POLY_MAX).not();
        return far.anyTrue() ? expFar(x, e, far) : e;
    }

    private static FloatVector expFar(FloatVector x, FloatVector e, VectorMask<Float> far) {
        float[] xs = x.toArray();
        float[] es = e.toArray();
        for (int l = 0; l < xs.length; l++) {
            if (far.laneIsSet(l)) {
                es[l] = (float) Math.exp(xs[l]);
            }
        }
        return FloatVector.fromArray(SPECIES, es, 0);
    }
}
