package dev.lobench.meta;

/**
 * The outer (meta) optimizer: Adam with bias correction on the flat theta, after the meta-gradient is sanitised
 * (NaN/Inf entries replaced by 0 and counted) and clipped by value; optional decoupled weight decay
 * (theta <- theta - lr * wd * theta, applied with the Adam step). State in double precision.
 */
public final class OuterAdam {
    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPS = 1e-8;
    public static final double CLIP = 3.0;

    private final double lr;
    private final double weightDecay;
    private final double[] m;
    private final double[] v;
    private long t;

    public OuterAdam(int size, double lr, double weightDecay) {
        this.lr = lr;
        this.weightDecay = weightDecay;
        this.m = new double[size];
        this.v = new double[size];
    }

    /** Replaces NaN/Inf entries by 0 and clips the rest to [-clip, clip], in place; returns the NaN/Inf count. */
    public static int sanitizeAndClip(double[] grad, double clip) {
        int bad = 0;
        for (int i = 0; i < grad.length; i++) {
            double g = grad[i];
            if (!Double.isFinite(g)) {
                grad[i] = 0.0;
                bad++;
            } else if (g > clip) {
                grad[i] = clip;
            } else if (g < -clip) {
                grad[i] = -clip;
            }
        }
        return bad;
    }

    /** One step: sanitises and clips {@code grad} in place, updates {@code theta} in place, returns the NaN/Inf count. */
    public int step(float[] theta, double[] grad) {
        if (theta.length != m.length || grad.length != m.length) {
            throw new IllegalArgumentException("theta/grad size " + theta.length + "/" + grad.length + " != " + m.length);
        }
        int bad = sanitizeAndClip(grad, CLIP);
        t++;
        double c1 = 1.0 - Math.pow(BETA1, t);
        double c2 = 1.0 - Math.pow(BETA2, t);
        for (int i = 0; i < theta.length; i++) {
            m[i] = BETA1 * m[i] + (1.0 - BETA1) * grad[i];
            v[i] = BETA2 * v[i] + (1.0 - BETA2) * grad[i] * grad[i];
            double mh = m[i] / c1;
            double vh = v[i] / c2;
            double p = theta[i];
            p -= lr * mh / (Math.sqrt(vh) + EPS);
            p -= lr * weightDecay * theta[i];
            theta[i] = (float) p;
        }
        return bad;
    }

    public long stepCount() {
        return t;
    }

    public double[] m() {
        return m.clone();
    }

    public double[] v() {
        return v.clone();
    }

    /** Restores the state saved by {@link #m()}, {@link #v()} and {@link #stepCount()}. */
    public void restore(double[] m, double[] v, long t) {
        if (m.length != this.m.length || v.length != this.v.length) {
            throw new IllegalArgumentException("Adam state size mismatch");
        }
        System.arraycopy(m, 0, this.m, 0, m.length);
        System.arraycopy(v, 0, this.v, 0, v.length);
        this.t = t;
    }
}
