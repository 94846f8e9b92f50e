package dev.lobench.optimizers.learned;

import dev.lobench.optimizers.Hyperparams;
import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.tasks.UserError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registers {@code velo-style} with the optimizer registry (called from {@link LearnedRegistration#registerAll}).
 *
 * <p>Parameters: {@code weights} = {@code auto} (shipped weights named {@code velo-style} when they exist, else
 * theta-init with seed 0, shown as {@code weights=init:0}), {@code init:SEED}, a shipped weights name, or a lobench
 * velo-style {@code .safetensors} file (published VeLO weights must first be converted with {@link VeloImport});
 * {@code lstm} (LSTM width, default 32) and {@code bank} (number of per-element MLPs, default 16), which only apply to
 * theta-init (a file fixes its own sizes); {@code steps} = {@code auto} (the run's number of steps) or N, the planned
 * number of steps the fraction-of-training features refer to.
 */
public final class VeloRegistration {
    public static final String NAME = "velo-style";

    private VeloRegistration() {}

    public static void register() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("weights", "auto");
        defaults.put("lstm", Integer.toString(VeloTheta.DEFAULT_HIDDEN));
        defaults.put("bank", Integer.toString(VeloTheta.DEFAULT_BANK));
        defaults.put("steps", Hyperparams.FROM_RUN);
        OptimizerRegistry.register(NAME,
                "VeLO architecture (per-tensor LSTM over a bank of per-element 30-4-4-3 MLPs), configurable size",
                defaults, VeloRegistration::create);
    }

    /** The weights a spec resolved to: theta, source text for records, data SHA-256 (null for init). */
    public record Resolved(VeloTheta theta, String source, String sha256) {}

    static VeloOptimizer create(Hyperparams hp) {
        long steps = hp.totalSteps("steps", "velo-style (its fraction-of-training features)");
        String w = hp.text("weights");
        boolean init = w.equalsIgnoreCase("auto") || w.startsWith("init:");
        int hidden = VeloTheta.DEFAULT_HIDDEN;
        int bank = VeloTheta.DEFAULT_BANK;
        if (init) {
            hidden = (int) Math.min(Integer.MAX_VALUE, hp.integer("lstm", 1));
            bank = (int) Math.min(Integer.MAX_VALUE, hp.integer("bank", 1));
            try {
                VeloTheta.checkSizes(hidden, bank);
            } catch (UserError e) {
                throw new UserError("optimizer '" + NAME + "': " + e.getMessage());
            }
        } else if (hp.isGiven("lstm") || hp.isGiven("bank")) {
            throw new UserError("optimizer '" + NAME + "': lstm and bank only apply to weights=init:SEED or auto; "
                    + "weights " + w + " fix their own sizes");
        }
        Resolved r = resolve(w, hidden, bank);
        if (w.equalsIgnoreCase("auto")) {
            hp.canonical("weights", r.sha256() == null ? r.source() : "auto");
        }
        return new VeloOptimizer(r.theta(), steps).named(hp.canonicalName());
    }

    /** Resolves a {@code weights} value; {@code hidden} and {@code bank} size a theta-init. */
    public static Resolved resolve(String weights, int hidden, int bank) {
        String w = weights.trim();
        if (w.equalsIgnoreCase("auto")) {
            VeloFiles.Loaded l = VeloFiles.loadShipped(NAME);
            if (l != null && hidden == VeloTheta.DEFAULT_HIDDEN && bank == VeloTheta.DEFAULT_BANK) {
                return new Resolved(l.theta(), "shipped:" + NAME, l.sha256());
            }
            return new Resolved(VeloTheta.initMeta(hidden, bank, 0), "init:0", null);
        }
        if (w.startsWith("init:")) {
            long seed;
            try {
                seed = Long.parseLong(w.substring(5));
            } catch (NumberFormatException e) {
                throw new UserError("optimizer '" + NAME + "': weights=init:SEED needs an integer seed, got '" + w
                        + "'");
            }
            return new Resolved(VeloTheta.initMeta(hidden, bank, seed), w, null);
        }
        if (w.endsWith(".safetensors") || w.contains("/") || Files.exists(Path.of(w))) {
            VeloFiles.Loaded l = VeloFiles.read(Path.of(w));
            return new Resolved(l.theta(), w, l.sha256());
        }
        VeloFiles.Loaded l = VeloFiles.loadShipped(w);
        if (l == null) {
            throw new UserError("optimizer '" + NAME + "': no shipped weights named '" + w
                    + "' (shipped: velo-style; or pass init:SEED or a .safetensors file)");
        }
        return new Resolved(l.theta(), "shipped:" + w, l.sha256());
    }
}
