package dev.lobench.examples.lion;

import dev.lobench.optimizers.OptimizerPlugin;
import dev.lobench.optimizers.Schedule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The plug-in: registers {@code lion} (listed in META-INF/services/dev.lobench.optimizers.OptimizerPlugin). */
public final class LionPlugin implements OptimizerPlugin {

    @Override
    public List<Definition> optimizers() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("lr", "1e-4");
        defaults.put("beta1", "0.9");
        defaults.put("beta2", "0.99");
        defaults.put("wd", "0");
        defaults.putAll(Schedule.SPEC_DEFAULTS); // schedule, warmup, min_lr, steps as the built-ins
        return List.of(new Definition("lion",
                "Lion (Chen et al. 2023): p -= lr*(sign(beta1*m + (1-beta1)*g) + wd*p); m = beta2*m + (1-beta2)*g",
                defaults, hp -> {
                    double lr = hp.positive("lr");
                    double b1 = hp.number("beta1", 0, false, 1, true);
                    double b2 = hp.number("beta2", 0, false, 1, true);
                    double wd = hp.nonNegative("wd");
                    Schedule s = Schedule.fromSpec(hp, lr);
                    return new Lion(hp.canonicalName(), lr, b1, b2, wd, s);
                }));
    }
}
