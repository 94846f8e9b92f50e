package dev.lobench.optimizers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plug-in SPI: how a jar outside lobench contributes optimizers. A plug-in jar holds one or more classes that
 * implement this interface (public, with a public no-argument constructor) and lists them, one fully qualified name
 * a line, in {@code META-INF/services/dev.lobench.optimizers.OptimizerPlugin}. {@code lobench --plugins JAR|DIR}
 * (or the environment variable {@value Plugins#ENV}) loads the jar in its own class loader through
 * {@link java.util.ServiceLoader} and registers every {@link Definition} with the {@link OptimizerRegistry}, so a
 * plug-in optimizer has the built-ins' spec syntax ({@code NAME:key=value,...}), {@code lobench list optimizers}
 * entry, results and, when it declares an {@code lr} parameter, a {@code NAME-tuned} learning-rate grid.
 *
 * <p>A factory receives the spec's validated {@link Hyperparams} (only declared keys are accepted; typed getters
 * report bad values as one-line errors) and returns an {@link Optimizer} whose {@link Optimizer#name()} should be
 * {@link Hyperparams#canonicalName()}. {@link HandOptimizer} (a learning rate, a {@link Schedule} and per-parameter
 * state slots in a {@link TensorState}) is the simplest base class; {@link Schedule#SPEC_DEFAULTS} and
 * {@link Schedule#fromSpec} give a plug-in the built-ins' {@code schedule/warmup/min_lr/steps} parameters.
 * examples/lion-plugin is a complete plug-in.
 */
public interface OptimizerPlugin {

    /** One optimizer of a plug-in. */
    record Definition(String name, String description, Map<String, String> defaults,
                      OptimizerRegistry.Factory factory) {
        public Definition {
            defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
        }
    }

    /** The optimizers this plug-in provides; called once, when the plug-in is loaded. */
    List<Definition> optimizers();
}
