package dev.lobench.meta;

import dev.lobench.tasks.UserError;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A learned-optimizer architecture that {@code lobench meta-train} (and {@code meta-bench}) can train, found by
 * {@link ServiceLoader} through {@code META-INF/services/dev.lobench.meta.MetaArchFactory}: a new architecture is its
 * {@link MetaArch}, a factory and one line in that file; no command lists architectures by name.
 */
public interface MetaArchFactory {

    /**
     * The architecture settings of a command line; a null field was not given (the factory's default applies).
     *
     * @param threads threads of the learned optimizer's kernel
     * @param horizon inner-run length in steps
     * @param headInit star/small-fc: how the output layer starts ({@code code} or {@code zero-direction})
     * @param stepMult star/small-fc: the learned term's step multiplier
     * @param lstm velo-style: LSTM width
     * @param bank velo-style: number of per-element MLPs
     */
    record Settings(int threads, int horizon, String headInit, Float stepMult, Integer lstm, Integer bank) {
        /** Only threads and horizon given: every other setting at its architecture's default. */
        public static Settings defaults(int threads, int horizon) {
            return new Settings(threads, horizon, null, null, null, null);
        }
    }

    /** The name {@code --arch} takes ({@code star}). */
    String name();

    /**
     * Builds the architecture.
     *
     * @throws UserError for a setting that does not apply to this architecture or a bad value, naming the option
     */
    MetaArch create(Settings settings);

    /** The architecture-specific settings in effect, for meta-train's header line (e.g. {@code ", head init code"}). */
    default String describe(Settings settings) {
        return "";
    }

    /** Every factory on the class path, in the order of the services file. */
    static List<MetaArchFactory> all() {
        List<MetaArchFactory> l = new ArrayList<>();
        for (MetaArchFactory f : ServiceLoader.load(MetaArchFactory.class, MetaArchFactory.class.getClassLoader())) {
            l.add(f);
        }
        return l;
    }

    /** The names of {@link #all}. */
    static List<String> names() {
        return all().stream().map(MetaArchFactory::name).toList();
    }

    /** The factory named {@code name}; an unknown name is a {@link UserError} listing the valid ones. */
    static MetaArchFactory get(String name) {
        for (MetaArchFactory f : all()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new UserError("--arch: unknown learned optimizer architecture '" + name + "'; valid: "
                + String.join(", ", names()));
    }
}
