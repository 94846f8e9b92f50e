package dev.lobench.tasks.quadratic;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.Evaluation;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.TaskInstance;
import dev.lobench.tasks.FamilyParams;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Task family {@value #FAMILY}: the noisy quadratic model (docs/learned-optimizers.md section 4).
 *
 * <p>Training loss at step t: {@code 1/2 (x - xi_t)^T H (x - xi_t)} with {@code xi_t ~ N(0, noise^2 I)} drawn
 * fresh each step; gradient {@code H (x - xi_t)} (analytic). {@code H = diag(h)} is fixed (no randomness): with
 * {@code hmin = hmax / kappa}, {@code h_i = hmin * kappa^(i / (dim - 1))} for {@code spectrum=loguniform} (a
 * geometric grid, exactly log-uniformly spaced) or {@code h_i = hmin + (hmax - hmin) i / (dim - 1)} for
 * {@code spectrum=linear}, in increasing order along the flattened parameter; {@code dim = 1} gives
 * {@code h = hmax}. So the condition number is exactly kappa.
 *
 * <p>The parameter is one float32 tensor {@code x}, shaped [dim], or [rows, dim / rows] when {@code rows > 1} (to
 * exercise optimizers' factored row/column accumulators), initialised N(0, 1). Seeds: the initialisation and the
 * noise stream each come from a {@link Random} derived from the task seed.
 *
 * <p>{@link TaskInstance#evaluate()} returns the noise-free loss {@code 1/2 x^T H x}. The expected training loss is
 * that plus the noise floor {@code 1/2 noise^2 tr(H)}, which is <b>not</b> included ({@link #noiseFloor()}).
 */
public final class NoisyQuadratic implements Task {
    public static final String FAMILY = "quadratic";
    final int dim;
    final double kappa;
    final String spectrum;
    final double hmax;
    final double noise;
    final int rows;
    final int steps;
    private final Map<String, Object> parameters;

    private NoisyQuadratic(FamilyParams p) {
        dim = p.getInt("dim");
        kappa = p.getDouble("kappa");
        spectrum = p.getString("spectrum");
        hmax = p.getDouble("hmax");
        noise = p.getDouble("noise");
        rows = p.getInt("rows");
        steps = p.getInt("steps");
        if (dim % rows != 0) {
            throw p.error("rows", "must divide dim " + dim + ", got " + rows);
        }
        parameters = p.asMap();
    }

    /**
     * Builds a task from user parameters (see {@link QuadraticFamily#PARAMETERS}); errors are UserErrors naming the
     * field.
     */
    public static Task fromParameters(Map<String, ?> params) {
        return new NoisyQuadratic(FamilyParams.validate(FAMILY, QuadraticFamily.PARAMETERS, params));
    }

    @Override
    public String name() {
        String n = String.format("quadratic-%s-d%d-k%s-h%s-s%s", spectrum, dim, fmt(kappa), fmt(hmax), fmt(noise));
        return rows > 1 ? n + "-r" + rows : n;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public int defaultSteps() {
        return steps;
    }

    @Override
    public Map<String, Object> parameters() {
        return parameters;
    }

    @Override
    public long numParams() {
        return dim;
    }

    /** The Hessian diagonal, in parameter order. */
    double[] spectrumValues() {
        double[] h = new double[dim];
        double hmin = hmax / kappa;
        for (int i = 0; i < dim; i++) {
            double f = dim == 1 ? 1.0 : (double) i / (dim - 1);
            h[i] = spectrum.equals("linear") ? hmin + (hmax - hmin) * f : hmin * Math.pow(kappa, f);
        }
        return h;
    }

    /** The expected noise contribution to the training loss, 1/2 noise^2 tr(H); not part of evaluate(). */
    public double noiseFloor() {
        double tr = 0;
        for (double h : spectrumValues()) {
            tr += h;
        }
        return 0.5 * noise * noise * tr;
    }

    @Override
    public TaskInstance instantiate(NDManager manager, long seed, DataContext data) {
        return new Instance(this, manager, seed);
    }

    static long mix(long seed, long stream) {
        long z = seed * 0x9E3779B97F4A7C15L + stream;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** One seeded instance. The gradient array doubles as the per-step workspace (xi, then x - xi, then H(x - xi)). */
    static final class Instance implements TaskInstance {
        private final NoisyQuadratic cfg;
        private final Random noiseRng;
        private final NDArray x;
        private final NDArray h;
        private final NDArray grad;
        private final List<Param> params;
        private final List<NDArray> grads;
        private final ByteBuffer staging;
        private final FloatBuffer stagingFloats;
        private boolean stepped;

        Instance(NoisyQuadratic cfg, NDManager manager, long seed) {
            this.cfg = cfg;
            Shape shape = cfg.rows > 1 ? new Shape(cfg.rows, cfg.dim / cfg.rows) : new Shape(cfg.dim);
            Random init = new Random(mix(seed, 0x1A17L));
            noiseRng = new Random(mix(seed, 0x5EEDL));
            float[] x0 = new float[cfg.dim];
            for (int i = 0; i < x0.length; i++) {
                x0[i] = (float) init.nextGaussian();
            }
            double[] hv = cfg.spectrumValues();
            float[] hf = new float[cfg.dim];
            for (int i = 0; i < hf.length; i++) {
                hf[i] = (float) hv[i];
            }
            x = manager.create(x0, shape);
            x.setName("x");
            h = manager.create(hf, shape);
            grad = manager.zeros(shape, DataType.FLOAT32);
            params = List.of(new Param("x", x, Param.Layout.GENERIC));
            grads = List.of(grad);
            staging = ByteBuffer.allocateDirect(cfg.dim * Float.BYTES).order(ByteOrder.nativeOrder());
            stagingFloats = staging.asFloatBuffer();
        }

        @Override
        public List<Param> params() {
            return params;
        }

        @Override
        public float trainStep() {
            stagingFloats.clear();
            float s = (float) cfg.noise;
            for (int i = 0; i < cfg.dim; i++) {
                stagingFloats.put(s * (float) noiseRng.nextGaussian());
            }
            return lossAndGrad();
        }

        /** Loss and gradient for the given noise vector xi (tests). */
        float step(float[] xi) {
            stagingFloats.clear();
            stagingFloats.put(xi);
            return lossAndGrad();
        }

        private float lossAndGrad() {
            grad.set(staging.rewind()); // xi
            grad.subi(x).negi(); // x - xi
            float loss;
            try (NDScope scope = new NDScope()) {
                loss = 0.5f * grad.mul(grad).mul(h).sum().getFloat();
            }
            grad.muli(h); // H (x - xi)
            stepped = true;
            return loss;
        }

        @Override
        public List<NDArray> grads() {
            if (!stepped) {
                throw new IllegalStateException("grads() before the first trainStep()");
            }
            return grads;
        }

        @Override
        public Evaluation evaluate() {
            try (NDScope scope = new NDScope()) {
                NDArray xd = x.toType(DataType.FLOAT64, false);
                return Evaluation.ofLoss(0.5 * xd.mul(xd).mul(h.toType(DataType.FLOAT64, false)).sum().getDouble());
            }
        }

        @Override
        public void close() {
            x.close();
            h.close();
            grad.close();
        }
    }
}
