package dev.lobench.meta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.tasks.Param;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test fixture: a "learned" optimizer whose only meta-parameter is log(learning rate) of SGD with fixed heavy-ball
 * momentum beta (v <- beta v + g; p <- p - exp(theta) v). With beta = 0 it is plain SGD. Its state (velocity)
 * exercises optimizer-state checkpointing.
 */
final class LogLrSgdArch implements MetaArch {
    private final float initLogLr;
    private final float beta;

    LogLrSgdArch(float initLogLr, float beta) {
        this.initLogLr = initLogLr;
        this.beta = beta;
    }

    @Override
    public String name() {
        return "test-sgd-loglr";
    }

    @Override
    public int thetaSize() {
        return 1;
    }

    @Override
    public float[] initTheta(long seed) {
        return new float[] {initLogLr};
    }

    static final class Velocity implements OptState {
        final List<String> names = new ArrayList<>();
        final List<NDArray> v = new ArrayList<>();

        @Override
        public Map<String, float[]> export() {
            Map<String, float[]> m = new LinkedHashMap<>();
            for (int i = 0; i < v.size(); i++) {
                m.put(names.get(i) + "/v", v.get(i).toFloatArray());
            }
            return m;
        }

        @Override
        public void restore(Map<String, float[]> values) {
            for (int i = 0; i < v.size(); i++) {
                float[] x = values.get(names.get(i) + "/v");
                v.get(i).set(x);
            }
        }
    }

    @Override
    public Optimizer build(float[] theta) {
        final float lr = (float) Math.exp(theta[0]);
        return new Optimizer() {
            @Override
            public String name() {
                return "sgd-loglr(lr=" + lr + ")";
            }

            @Override
            public OptState init(List<Param> params) {
                Velocity s = new Velocity();
                for (Param p : params) {
                    s.names.add(p.name());
                    s.v.add(p.array().zerosLike());
                }
                return s;
            }

            @Override
            public void update(List<Param> params, List<NDArray> grads, float loss, long step, OptState state) {
                Velocity s = (Velocity) state;
                try (NDScope ignored = new NDScope()) {
                    for (int i = 0; i < params.size(); i++) {
                        NDArray v = s.v.get(i);
                        if (beta == 0f) {
                            v.set(new ai.djl.ndarray.index.NDIndex("..."), grads.get(i));
                        } else {
                            v.muli(beta).addi(grads.get(i));
                        }
                        params.get(i).array().subi(v.mul(lr));
                    }
                }
            }
        };
    }
}
