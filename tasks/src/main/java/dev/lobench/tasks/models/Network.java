package dev.lobench.tasks.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.core.Linear;
import dev.lobench.tasks.Param;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A hand-written classifier network (plain NDArray ops, no Block API). Parameters are created by {@link #init} in
 * PyTorch's layouts with PyTorch's default initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and
 * biases, drawn in parameter order, row-major, from a seeded {@link SplittableRandom} (not libtorch's RNG).
 */
public sealed interface Network permits Network.Mlp, Network.Cnn {

    /** Creates the parameters, attached to {@code manager}. */
    List<Param> init(NDManager manager, SplittableRandom rng);

    /** Logits {@code [B, classes]} for inputs {@code [B, side*side]}; {@code params} as returned by {@link #init}. */
    NDArray logits(NDArray x, List<Param> params);

    /** Number of trainable scalars. */
    long numParams();

    /** Element-wise nonlinearity. GELU is the exact (erf) form. */
    enum Act {
        RELU, TANH, GELU;

        public NDArray apply(NDArray x) {
            return switch (this) {
                case RELU -> Activation.relu(x);
                case TANH -> Activation.tanh(x);
                case GELU -> Activation.gelu(x);
            };
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Multi-layer perceptron {@code in -> hidden... -> classes}; activation after every hidden layer. */
    record Mlp(int in, List<Integer> hidden, int classes, Act act) implements Network {
        public Mlp {
            hidden = List.copyOf(hidden);
        }

        private List<int[]> layers() {
            List<int[]> l = new ArrayList<>();
            int prev = in;
            for (int h : hidden) {
                l.add(new int[] {h, prev});
                prev = h;
            }
            l.add(new int[] {classes, prev});
            return l;
        }

        @Override
        public List<Param> init(NDManager manager, SplittableRandom rng) {
            List<Param> ps = new ArrayList<>();
            int i = 0;
            for (int[] oi : layers()) {
                ps.add(new Param("linear" + i + ".weight",
                        uniform(manager, rng, new Shape(oi[0], oi[1]), oi[1]), Param.Layout.LINEAR_OUT_IN));
                ps.add(new Param("linear" + i + ".bias", uniform(manager, rng, new Shape(oi[0]), oi[1]),
                        Param.Layout.GENERIC));
                i++;
            }
            return ps;
        }

        @Override
        public NDArray logits(NDArray x, List<Param> params) {
            NDArray h = x;
            int n = params.size() / 2;
            for (int i = 0; i < n; i++) {
                h = Linear.linear(h, params.get(2 * i).array(), params.get(2 * i + 1).array()).singletonOrThrow();
                if (i < n - 1) {
                    h = act.apply(h);
                }
            }
            return h;
        }

        @Override
        public long numParams() {
            long n = 0;
            for (int[] oi : layers()) {
                n += (long) oi[0] * oi[1] + oi[0];
            }
            return n;
        }
    }

    /**
     * 3x3 convolutions with padding 1 (the first with stride 2, the rest stride 1), ReLU after each, global average
     * pooling, then a linear head. Kernels are stored [out, in, 3, 3]. See {@link #conv3x3} for why the convolution
     * is written as im2col + matMul.
     */
    record Cnn(int side, List<Integer> channels, int classes) implements Network {
        public Cnn {
            channels = List.copyOf(channels);
        }

        @Override
        public List<Param> init(NDManager manager, SplittableRandom rng) {
            List<Param> ps = new ArrayList<>();
            int prev = 1;
            int i = 0;
            for (int c : channels) {
                ps.add(new Param("conv" + i + ".weight", uniform(manager, rng, new Shape(c, prev, 3, 3), prev * 9),
                        Param.Layout.CONV_OIHW));
                ps.add(new Param("conv" + i + ".bias", uniform(manager, rng, new Shape(c), prev * 9),
                        Param.Layout.GENERIC));
                prev = c;
                i++;
            }
            ps.add(new Param("head.weight", uniform(manager, rng, new Shape(classes, prev), prev),
                    Param.Layout.LINEAR_OUT_IN));
            ps.add(new Param("head.bias", uniform(manager, rng, new Shape(classes), prev), Param.Layout.GENERIC));
            return ps;
        }

        @Override
        public NDArray logits(NDArray x, List<Param> params) {
            NDArray h = x.reshape(x.getShape().get(0), 1, side, side);
            for (int i = 0; i < channels.size(); i++) {
                h = conv3x3(h, params.get(2 * i).array(), params.get(2 * i + 1).array(), i == 0 ? 2 : 1);
                h = Activation.relu(h);
            }
            Shape hs = h.getShape();
            h = h.reshape(hs.get(0), hs.get(1), hs.get(2) * hs.get(3)).mean(SPATIAL);
            int k = 2 * channels.size();
            return Linear.linear(h, params.get(k).array(), params.get(k + 1).array()).singletonOrThrow();
        }

        private static final Shape PAD1 = new Shape(1, 1, 1, 1);
        private static final int[] SPATIAL = {2};

        /**
         * 3x3 convolution, padding 1, as im2col + matMul: {@code [B,C,H,W] -> [B,O,Ho,Wo]}.
         *
         * <p>Not libtorch's convolution op: with DJL 0.36 / libtorch 2.7.1 on these CPUs the input gradient of
         * {@code conv2d} (needed by every conv after the first) is intermittently wrong or NaN (reproduced with two
         * stacked {@code Conv2d.conv2d} calls: the first layer's weight gradient changes from call to call on
         * identical inputs). Padding, strided slices, stack and matMul have reliable gradients (checked against
         * finite differences in the tests).
         */
        static NDArray conv3x3(NDArray h, NDArray w, NDArray b, int stride) {
            Shape s = h.getShape();
            long batch = s.get(0);
            long c = s.get(1);
            long ho = (s.get(2) - 1) / stride + 1;
            long wo = (s.get(3) - 1) / stride + 1;
            long o = w.getShape().get(0);
            NDArray xp = h.pad(PAD1, 0);
            NDList cols = new NDList(9);
            for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                    cols.add(xp.get(new NDIndex(":, :, {}:{}:{}, {}:{}:{}", ky, ky + stride * (ho - 1) + 1, stride,
                            kx, kx + stride * (wo - 1) + 1, stride)));
                }
            }
            // [B, C, 9, Ho, Wo] -> [B, C*9, Ho*Wo]; (c, ky, kx) order matches w [O, C, 3, 3] -> [O, C*9]
            NDArray col = NDArrays.stack(cols, 2).reshape(batch, c * 9, ho * wo);
            NDArray out = w.reshape(o, c * 9).matMul(col).add(b.reshape(o, 1));
            return out.reshape(batch, o, ho, wo);
        }

        @Override
        public long numParams() {
            long n = 0;
            int prev = 1;
            for (int c : channels) {
                n += (long) c * prev * 9 + c;
                prev = c;
            }
            return n + (long) classes * prev + classes;
        }
    }

    /** U(-1/sqrt(fanIn), 1/sqrt(fanIn)) in float, row-major, from {@code rng}. */
    static NDArray uniform(NDManager manager, SplittableRandom rng, Shape shape, int fanIn) {
        double bound = 1.0 / Math.sqrt(fanIn);
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return manager.create(v, shape);
    }
}
