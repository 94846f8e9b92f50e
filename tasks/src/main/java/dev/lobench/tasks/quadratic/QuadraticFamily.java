package dev.lobench.tasks.quadratic;

import dev.lobench.tasks.Family;
import dev.lobench.tasks.ParamSpec;
import dev.lobench.tasks.Task;

import java.util.List;
import java.util.Map;

/** Task family {@value NoisyQuadratic#FAMILY}: {@link NoisyQuadratic}, the noisy quadratic model. */
public final class QuadraticFamily implements Family {

    static final List<ParamSpec> PARAMETERS = List.of(
            ParamSpec.ofInt("dim", 100, 1, 50_000_000, "number of coordinates"),
            ParamSpec.ofDouble("kappa", 100.0, 1.0, 1e12, "condition number hmax / hmin of the diagonal Hessian"),
            ParamSpec.ofChoice("spectrum", "loguniform", List.of("loguniform", "linear"),
                    "spacing of the Hessian eigenvalues between hmax/kappa and hmax"),
            ParamSpec.ofDouble("hmax", 1.0, 1e-12, 1e12, "largest Hessian eigenvalue"),
            ParamSpec.ofDouble("noise", 1.0, 0.0, 1e6, "standard deviation s of the per-step target noise xi"),
            ParamSpec.ofInt("rows", 1, 1, 50_000_000,
                    "1: x is a vector [dim]; >1: x is a matrix [rows, dim/rows] (rows must divide dim)"),
            ParamSpec.ofInt("steps", 1000, 1, 10_000_000, "default number of training steps"));

    @Override
    public String name() {
        return NoisyQuadratic.FAMILY;
    }

    @Override
    public String summary() {
        return "noisy quadratic 1/2 (x - xi)^T H (x - xi), diagonal H of condition number kappa, fresh xi each step";
    }

    @Override
    public String dataset() {
        return "synthetic";
    }

    @Override
    public List<ParamSpec> parameters() {
        return PARAMETERS;
    }

    @Override
    public Task build(Map<String, ?> params) {
        return NoisyQuadratic.fromParameters(params);
    }
}
