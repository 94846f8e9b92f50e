package dev.lobench.optimizers;

import java.util.LinkedHashMap;
import java.util.Map;

/** Registers the hand-designed optimizers with their default hyperparameters. */
final class HandDesigned {
    private HandDesigned() {}

    private static Map<String, String> params(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        m.putAll(Schedule.SPEC_DEFAULTS);
        return m;
    }

    static void registerAll() {
        OptimizerRegistry.register("sgd", "plain SGD: p -= lr * (g + wd * p)",
                params("lr", "0.1", "wd", "0"), hp -> {
                    double lr = hp.positive("lr");
                    double wd = hp.nonNegative("wd");
                    Schedule s = Schedule.fromSpec(hp, lr);
                    return new Sgd(hp.canonicalName(), lr, 0, 0, wd, false, s);
                });
        OptimizerRegistry.register("sgdm",
                "SGD with heavy-ball momentum (torch.optim.SGD): b = momentum*b + (1-dampening)*g; p -= lr*b",
                params("lr", "0.05", "momentum", "0.9", "dampening", "0", "wd", "0"), hp -> {
                    double lr = hp.positive("lr");
                    double mom = hp.number("momentum", 0, false, 1, true);
                    double damp = hp.number("dampening", 0, false, 1, false);
                    double wd = hp.nonNegative("wd");
                    Schedule s = Schedule.fromSpec(hp, lr);
                    return new Sgd(hp.canonicalName(), lr, mom, damp, wd, false, s);
                });
        OptimizerRegistry.register("nesterov",
                "SGD with Nesterov momentum (torch.optim.SGD nesterov=True): p -= lr*(g + momentum*b)",
                params("lr", "0.05", "momentum", "0.9", "wd", "0"), hp -> {
                    double lr = hp.positive("lr");
                    double mom = hp.number("momentum", 0, true, 1, true);
                    double wd = hp.nonNegative("wd");
                    Schedule s = Schedule.fromSpec(hp, lr);
                    return new Sgd(hp.canonicalName(), lr, mom, 0, wd, true, s);
                });
        OptimizerRegistry.register("adam", "Adam (torch.optim.Adam), weight decay as L2 added to the gradient",
                params("lr", "0.001", "beta1", "0.9", "beta2", "0.999", "eps", "1e-8", "wd", "0"),
                hp -> adam(hp, false));
        OptimizerRegistry.register("adamw", "AdamW (torch.optim.AdamW), decoupled weight decay p *= 1 - lr*wd",
                params("lr", "0.001", "beta1", "0.9", "beta2", "0.999", "eps", "1e-8", "wd", "0.01"),
                hp -> adam(hp, true));
    }

    private static Optimizer adam(Hyperparams hp, boolean decoupled) {
        double lr = hp.positive("lr");
        double b1 = hp.number("beta1", 0, false, 1, true);
        double b2 = hp.number("beta2", 0, false, 1, true);
        double eps = hp.nonNegative("eps");
        double wd = hp.nonNegative("wd");
        Schedule s = Schedule.fromSpec(hp, lr);
        return new Adam(hp.canonicalName(), lr, b1, b2, eps, wd, decoupled, s);
    }
}
