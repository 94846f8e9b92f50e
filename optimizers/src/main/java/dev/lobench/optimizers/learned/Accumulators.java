package dev.lobench.optimizers.learned;

import static dev.lobench.optimizers.learned.LearnedOptimizer.FAC_EPS;
import static dev.lobench.optimizers.learned.LearnedOptimizer.RSQRT_FEAT_EPS;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-tensor accumulators of the learned optimizers' features, shared by the fused star / small-fc kernel
 * ({@link FusedLearnedOptimizer}) and velo-style ({@link VeloOptimizer}): the three momentum EMAs, the RMS EMA and
 * the three Adafactor second moments (per element, or factored into row and column accumulators by the tensor's
 * {@link FactorPlan}), the row / column factors and rsqrt features derived from the factored ones
 * ({@link #deriveFactored}), and the flat row / column index of every element ({@link #factorIndices}).
 */
final class Accumulators {
    final String name;
    final FactorPlan plan;
    final int n;
    final float[] m0;
    final float[] m1;
    final float[] m2;
    final float[] rms;
    final float[][] v; // non-factored [3][n]
    final float[][] row; // factored [3][rowSize] (shape without d0)
    final float[][] col; // factored [3][colSize] (shape without d1)
    // derived per step from row / col
    final float[][] rowRs;
    final float[][] rowF;
    final float[][] colRs;
    final float[][] colF;
    // fused kernel, per step: contribution of the 12 broadcast features (and the layer-0 bias) to the 4 hidden units
    final float[][] rowH; // factored [4][rowSize]
    final float[][] colH; // factored [4][colSize]
    ByteBuffer staging; // fused kernel: only when direct views are unavailable

    Accumulators(String name, FactorPlan plan) {
        this.name = name;
        this.plan = plan;
        this.n = plan.size();
        m0 = new float[n];
        m1 = new float[n];
        m2 = new float[n];
        rms = new float[n];
        if (plan.factored()) {
            v = null;
            row = new float[3][plan.rowSize()];
            col = new float[3][plan.colSize()];
            rowRs = new float[3][plan.rowSize()];
            rowF = new float[3][plan.rowSize()];
            colRs = new float[3][plan.colSize()];
            colF = new float[3][plan.colSize()];
            rowH = new float[4][plan.rowSize()];
            colH = new float[4][plan.colSize()];
        } else {
            v = new float[3][n];
            row = col = rowRs = rowF = colRs = colF = rowH = colH = null;
        }
    }

    /** The exported state: the accumulators by slot name ({@code m0}, ..., {@code v_row0}, ...), in export order. */
    Map<String, float[]> slots() {
        Map<String, float[]> s = new LinkedHashMap<>();
        s.put("m0", m0);
        s.put("m1", m1);
        s.put("m2", m2);
        s.put("rms", rms);
        for (int k = 0; k < 3; k++) {
            if (plan.factored()) {
                s.put("v_row" + k, row[k]);
                s.put("v_col" + k, col[k]);
            } else {
                s.put("v" + k, v[k]);
            }
        }
        return s;
    }

    /** rsqrt features and the row / col factors from the updated row and col accumulators. */
    static void deriveFactored(Accumulators s) {
        FactorPlan pl = s.plan;
        // v_row as [outer, n1, inner] where n1 is the d1 axis (reduced for the row-column mean)
        int outer;
        int n1;
        int inner;
        if (pl.d0IsLo()) { // row = (a, b, y, c), d1 = hi = y
            outer = pl.outerA() * pl.midB();
            n1 = pl.nHi();
            inner = pl.innerC();
        } else { // row = (a, x, b, c), d1 = lo = x
            outer = pl.outerA();
            n1 = pl.nLo();
            inner = pl.midB() * pl.innerC();
        }
        for (int k = 0; k < 3; k++) {
            float[] row = s.row[k];
            float[] rowRs = s.rowRs[k];
            float[] rowF = s.rowF[k];
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    double sum = 0;
                    for (int y = 0; y < n1; y++) {
                        sum += row[(o * n1 + y) * inner + i];
                    }
                    float rcm = (float) (sum / n1);
                    for (int y = 0; y < n1; y++) {
                        int idx = (o * n1 + y) * inner + i;
                        float vr = row[idx];
                        rowF[idx] = rsqrt(Math.max(vr / (rcm + FAC_EPS), FAC_EPS));
                        rowRs[idx] = rsqrt(vr + RSQRT_FEAT_EPS);
                    }
                }
            }
            float[] col = s.col[k];
            float[] colRs = s.colRs[k];
            float[] colF = s.colF[k];
            for (int i = 0; i < col.length; i++) {
                colF[i] = rsqrt(Math.max(col[i], FAC_EPS));
                colRs[i] = rsqrt(col[i] + RSQRT_FEAT_EPS);
            }
        }
    }

    static float rsqrt(float x) {
        return 1f / (float) Math.sqrt(x);
    }

    /** Flat indices into row (shape without d0) and col (shape without d1) of elements off .. off+len-1. */
    static void factorIndices(FactorPlan pl, int off, int len, int[] iRow, int[] iCol) {
        int nC = pl.innerC();
        int nHi = pl.nHi();
        int nB = pl.midB();
        int nLo = pl.nLo();
        int t = off;
        int c = t % nC;
        t /= nC;
        int y = t % nHi;
        t /= nHi;
        int b = t % nB;
        t /= nB;
        int x = t % nLo;
        int a = t / nLo;
        int[] lo = pl.d0IsLo() ? iRow : iCol;
        int[] hi = pl.d0IsLo() ? iCol : iRow;
        for (int e = 0; e < len; e++) {
            lo[e] = ((a * nB + b) * nHi + y) * nC + c;
            hi[e] = ((a * nLo + x) * nB + b) * nC + c;
            if (++c == nC) {
                c = 0;
                if (++y == nHi) {
                    y = 0;
                    if (++b == nB) {
                        b = 0;
                        if (++x == nLo) {
                            x = 0;
                            a++;
                        }
                    }
                }
            }
        }
    }
}
