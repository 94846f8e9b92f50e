package dev.lobench.optimizers.learned;

import dev.lobench.tasks.UserError;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Factory for the learned optimizers star and small-fc (to be registered in the optimizer registry).
 *
 * <pre>{@code
 * Optimizer star = LearnedOptimizers.fromSeed(Arch.STAR, 0, Impl.FUSED);            // theta-init, seed 0
 * Optimizer fc = LearnedOptimizers.create(LearnedOptimizers.load(Path.of("w.safetensors")).theta(),
 *                                         Impl.REFERENCE, 0f, 0);
 * }</pre>
 */
public final class LearnedOptimizers {
    private LearnedOptimizers() {}

    /** Creates star / small-fc (by theta.arch()) with the given implementation. */
    public static LearnedOptimizer create(Theta theta, LearnedOptimizer.Impl impl, float weightDecay, int threads) {
        return switch (impl) {
            case REFERENCE -> new ReferenceLearnedOptimizer(theta, weightDecay);
            case FUSED -> new FusedLearnedOptimizer(theta, weightDecay, threads);
        };
    }

    /** wd = 0, threads = all (common pool). */
    public static LearnedOptimizer create(Theta theta, LearnedOptimizer.Impl impl) {
        return create(theta, impl, 0f, 0);
    }

    /** Theta-init from a seed ({@link Theta#init}). */
    public static LearnedOptimizer fromSeed(Arch arch, long seed, LearnedOptimizer.Impl impl) {
        return create(Theta.init(arch, seed), impl);
    }

    /** Weights from a safetensors file written by {@link ThetaFiles#write}. */
    public static LearnedOptimizer fromFile(Path weights, LearnedOptimizer.Impl impl) {
        return create(ThetaFiles.read(weights).theta(), impl);
    }

    /**
     * The registered optimizers that run from meta-trained weights (those declaring a {@code weights} parameter), in
     * registration order: star, small-fc, velo-style and any such plug-in.
     */
    public static java.util.List<String> learnedNames() {
        return dev.lobench.optimizers.OptimizerRegistry.entries().stream()
                .filter(e -> e.defaults().containsKey("weights"))
                .map(dev.lobench.optimizers.OptimizerRegistry.Entry::name).toList();
    }

    /** Every shipped weights name ({@link PinnedWeights#SHA256}), sorted. */
    public static java.util.List<String> shippedNames() {
        return PinnedWeights.SHA256.keySet().stream().map(f -> f.substring(0, f.length() - ".safetensors".length()))
                .sorted().toList();
    }

    /** Shipped weights that are no optimizer's default, loadable by name ({@code star:weights=star-fmnist8-v1}). */
    public static java.util.List<String> extraShippedNames() {
        java.util.List<String> learned = learnedNames();
        return shippedNames().stream().filter(n -> !learned.contains(n)).toList();
    }

    /** Classpath location of shipped weights. */
    public static String shippedResource(String name) {
        return "/lobench/weights/" + name + ".safetensors";
    }

    /** Loads shipped weights by name from the classpath resource {@code /lobench/weights/<name>.safetensors}. */
    public static ThetaFiles.Loaded loadShipped(String name) {
        byte[] bytes = PinnedWeights.read(name);
        String res = shippedResource(name);
        if (bytes == null) {
            throw new UserError("no shipped learned optimizer weights named '" + name + "' (resource " + res
                    + " not found; shipped: " + String.join(", ", shippedNames()) + "; or pass a .safetensors file)");
        }
        return ThetaFiles.parse(bytes, "resource " + res);
    }

    /**
     * Shipped weights and where they came from (any learned architecture's file format); {@code sha256} is the
     * whole file's, as pinned in {@link PinnedWeights}.
     */
    public record ShippedInfo(String name, String sha256, com.fasterxml.jackson.databind.JsonNode provenance) {
        /** The meta-training settings object of the provenance (empty node when absent). */
        public com.fasterxml.jackson.databind.JsonNode metaTraining() {
            return provenance.path("meta_training");
        }

        /** One line: task, estimator, particles x trunc, horizon, outer steps, final meta-loss. */
        public String summary() {
            com.fasterxml.jackson.databind.JsonNode m = metaTraining();
            if (m.isMissingNode() || !m.has("task")) {
                return "no meta-training provenance";
            }
            String extra = (m.has("head_init") ? ", head " + m.path("head_init").asText() : "")
                    + (m.has("step_mult") && m.path("step_mult").asDouble() != 0.001
                            ? ", learned-term step multiplier " + m.path("step_mult").asText() : "");
            return String.format(java.util.Locale.ROOT,
                    "meta-trained on %s (%s, %d particles x trunc %d, horizon %d, %d outer steps, meta-lr %s, "
                            + "meta-wd %s%s, final meta-loss %.3f)",
                    m.path("task").asText(), m.path("estimator").asText(), m.path("particles").asInt(),
                    m.path("trunc").asInt(), m.path("horizon").asInt(), m.path("outer_steps").asInt(),
                    m.path("meta_lr").asText(), m.path("meta_wd").asText(), extra, m.path("final_meta_loss").asDouble());
        }
    }

    /**
     * The shipped weights named {@code name} (star, small-fc or velo-style format) with their provenance, or null
     * when none ship under that name. The file is loaded by its format's reader, so it passes the same checks
     * (SHA-256 of the data included) as a normal load.
     */
    public static ShippedInfo shippedInfo(String name) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new UserError("invalid learned optimizer weights name '" + name + "'");
        }
        if (LearnedOptimizers.class.getResource(shippedResource(name)) == null) {
            return null;
        }
        VeloFiles.Loaded velo = VeloFiles.isVeloResource(name) ? VeloFiles.loadShipped(name) : null;
        java.util.Map<String, String> meta = velo != null ? velo.metadata() : loadShipped(name).metadata();
        try {
            return new ShippedInfo(name, PinnedWeights.SHA256.get(name + ".safetensors"), new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(meta.getOrDefault("provenance", "{}")));
        } catch (IOException e) {
            throw new UserError("shipped weights " + name + ": unreadable provenance (" + e.getMessage() + ")", e);
        }
    }
}
