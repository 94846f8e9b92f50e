package dev.lobench.optimizers;

import dev.lobench.tasks.UserError;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated optimizer spec, made once where spec text enters lobench (the command line, a suite, a task spec
 * file; {@link #resolve}) and passed on as is: nothing downstream parses spec text again.
 *
 * @param base the registered optimizer name ({@code adam})
 * @param params every declared parameter with its typed value ({@link Hyperparams#typedValues}: {@code Double},
 *     {@code Long}, {@code Boolean} or {@code String}), in declared order
 * @param canonical the canonical spec text, {@link Optimizer#name()} ({@code adam(lr=0.001)})
 * @param identity what makes results comparable, {@link Optimizer#identity()} (the canonical text plus, for
 *     learned optimizers, a hash of their weights)
 * @param tunedGroup the {@code NAME-tuned} grid this spec is a point of ({@link OptimizerSpecs.Parsed#tunedGroup}),
 *     or null
 * @param args the arguments {@link #build} passes to the registry: those of the canonical text
 */
public record TypedOptimizerSpec(String base, Map<String, Object> params, String canonical, String identity,
        String tunedGroup, Map<String, String> args) {

    public TypedOptimizerSpec {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        args = Collections.unmodifiableMap(new LinkedHashMap<>(args));
    }

    /** Parses and validates one spec text (no {@code -tuned} grid: that stands for several specs). */
    public static TypedOptimizerSpec resolve(String text, long runSteps) {
        List<OptimizerSpecs.Parsed> l = OptimizerSpecs.expand(List.of(text));
        if (l.size() != 1) {
            throw new UserError("optimizer spec '" + text + "' stands for " + l.size() + " optimizers; expected one");
        }
        return resolve(l.get(0), runSteps);
    }

    /**
     * Validates a parsed spec by building its optimizer once for a run of {@code runSteps} steps (0: unknown).
     *
     * @throws UserError for an unknown optimizer or parameter, or a bad value
     */
    public static TypedOptimizerSpec resolve(OptimizerSpecs.Parsed parsed, long runSteps) {
        OptimizerSpec spec = parsed.spec();
        OptimizerRegistry.Entry e = OptimizerRegistry.entry(spec.name());
        Hyperparams hp = new Hyperparams(e.name(), e.defaults(), spec.args(), runSteps);
        Optimizer probe = e.factory().create(hp);
        String canonical = probe.name();
        // the arguments of the canonical text, so that every build of this spec is the one its records name; an
        // optimizer whose name is not a spec of itself is built from the arguments as given
        Map<String, String> args = spec.args();
        try {
            OptimizerSpec c = OptimizerSpec.parse(canonical);
            if (c.name().equals(e.name())) {
                args = c.args();
            }
        } catch (UserError notASpec) {
            // keep the given arguments
        }
        return new TypedOptimizerSpec(e.name(), hp.typedValues(), canonical, probe.identity(), parsed.tunedGroup(),
                args);
    }

    /** Builds the optimizer (one per cell) for a run of {@code runSteps} steps (0: unknown). */
    public Optimizer build(long runSteps) {
        return OptimizerRegistry.create(new OptimizerSpec(base, args), runSteps);
    }

    /** The first 24 hex digits of the SHA-256 of {@link #identity}: a short, stable name for it. */
    public String identityHash() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 12);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public String toString() {
        return canonical;
    }
}
