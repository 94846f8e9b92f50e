package dev.lobench.optimizers.learned;

import dev.lobench.optimizers.Hyperparams;
import dev.lobench.optimizers.OptimizerProvider;
import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.tasks.UserError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Registers the learned optimizers {@code star} and {@code small-fc} (and, through {@link VeloRegistration},
 * {@code velo-style}) with the optimizer registry: an {@link OptimizerProvider} listed in
 * {@code META-INF/services/dev.lobench.optimizers.OptimizerProvider}, loaded on the registry's first lookup.
 *
 * <p>Parameters: {@code weights} = {@code auto} (the shipped meta-trained weights of that name when they exist,
 * else freshly initialised theta with seed 0, shown as {@code weights=init:0} in the optimizer's name so that
 * un-meta-trained results are never mistaken for meta-trained ones), {@code init:SEED}, a shipped weights name, or
 * a {@code .safetensors} file; {@code impl} = {@code auto} (fused on CPU) | {@code fused} | {@code reference};
 * {@code wd} (star only) the optional contraction factor of the spec, default 0.
 */
public final class LearnedRegistration implements OptimizerProvider {
    /** For {@link java.util.ServiceLoader}. */
    public LearnedRegistration() {}

    @Override
    public void registerOptimizers() {
        registerAll();
    }

    private static void registerAll() {
        for (Arch arch : Arch.values()) {
            Map<String, String> defaults = new LinkedHashMap<>();
            defaults.put("weights", "auto");
            defaults.put("impl", "auto");
            if (arch == Arch.STAR) {
                defaults.put("wd", "0");
            }
            String desc = arch == Arch.STAR
                    ? "STAR (Harrison et al. 2022): learned per-element MLP with output preconditioning + nominal AdamAggMo term"
                    : "small_fc_lopt: learned per-element MLP (39-4-4-2), the prior state of the art at matched overhead";
            OptimizerRegistry.register(arch.id(), desc, defaults, hp -> create(arch, hp));
        }
        VeloRegistration.register();
    }

    /** The weights an optimizer spec resolved to, for records: source text and the data SHA-256 (null for init). */
    public record Resolved(Theta theta, String source, String sha256) {}

    static LearnedOptimizer create(Arch arch, Hyperparams hp) {
        Resolved r = resolve(arch, hp.text("weights"));
        if (hp.text("weights").equalsIgnoreCase("auto")) {
            hp.canonical("weights", r.sha256() == null ? r.source() : "auto");
        }
        String implText = hp.choice("impl", List.of("auto", "fused", "reference"));
        LearnedOptimizer.Impl impl = implText.equals("auto") ? LearnedOptimizer.Impl.FUSED
                : LearnedOptimizer.Impl.parse(implText);
        float wd = arch == Arch.STAR ? (float) hp.nonNegative("wd") : 0f;
        return LearnedOptimizers.create(r.theta(), impl, wd, 0).named(hp.canonicalName());
    }

    /** Resolves a {@code weights} value (see the class comment). */
    public static Resolved resolve(Arch arch, String weights) {
        String w = weights.trim();
        if (w.equalsIgnoreCase("auto")) {
            if (LearnedOptimizers.class.getResource(LearnedOptimizers.shippedResource(arch.id())) != null) {
                return shipped(arch, arch.id());
            }
            return new Resolved(Theta.init(arch, 0), "init:0", null);
        }
        if (w.startsWith("init:")) {
            long seed;
            try {
                seed = Long.parseLong(w.substring(5));
            } catch (NumberFormatException e) {
                throw new UserError("optimizer '" + arch.id() + "': weights=init:SEED needs an integer seed, got '" + w
                        + "'");
            }
            return new Resolved(Theta.init(arch, seed), w, null);
        }
        if (w.endsWith(".safetensors") || w.contains("/") || Files.exists(Path.of(w))) {
            ThetaFiles.Loaded l = ThetaFiles.read(Path.of(w));
            return checkArch(arch, new Resolved(l.theta(), w, l.metadata().get("data_sha256")));
        }
        return shipped(arch, w);
    }

    private static Resolved shipped(Arch arch, String name) {
        ThetaFiles.Loaded l = LearnedOptimizers.loadShipped(name);
        return checkArch(arch, new Resolved(l.theta(), "shipped:" + name, l.metadata().get("data_sha256")));
    }

    private static Resolved checkArch(Arch arch, Resolved r) {
        if (r.theta().arch() != arch) {
            throw new UserError("weights " + r.source() + " are for " + r.theta().arch().id() + ", not " + arch.id());
        }
        return r;
    }
}
