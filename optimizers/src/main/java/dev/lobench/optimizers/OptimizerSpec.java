package dev.lobench.optimizers;

import dev.lobench.tasks.UserError;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed optimizer spec: a name and raw {@code key=value} arguments, in the order given. Accepted forms:
 * {@code adam}, {@code adam:lr=3e-3,beta1=0.8} and the canonical form {@code adam(lr=0.003,beta1=0.8)}.
 * Names and keys are lower-cased; values are kept as typed (they are checked by {@link Hyperparams}).
 */
public record OptimizerSpec(String name, Map<String, String> args) {

    public OptimizerSpec {
        args = Collections.unmodifiableMap(new LinkedHashMap<>(args));
    }

    /** Parses a spec; syntax errors throw {@link UserError} naming the spec and the problem. */
    public static OptimizerSpec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new UserError("empty optimizer spec; expected e.g. 'adam' or 'adam:lr=3e-3'");
        }
        String s = spec.strip();
        String name;
        String body;
        int colon = s.indexOf(':');
        int paren = s.indexOf('(');
        if (paren >= 0 && (colon < 0 || paren < colon)) {
            if (!s.endsWith(")")) {
                throw new UserError("optimizer spec '" + spec + "': missing ')' at the end");
            }
            name = s.substring(0, paren);
            body = s.substring(paren + 1, s.length() - 1);
        } else if (colon >= 0) {
            name = s.substring(0, colon);
            body = s.substring(colon + 1);
        } else {
            name = s;
            body = "";
        }
        name = name.strip().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
            throw new UserError("optimizer spec '" + spec + "': missing optimizer name before the arguments");
        }
        if (!name.matches("[a-z0-9][a-z0-9_.-]*")) {
            throw new UserError("optimizer spec '" + spec + "': bad optimizer name '" + name
                    + "' (letters, digits, '-', '_', '.')");
        }
        Map<String, String> args = new LinkedHashMap<>();
        if (!body.isBlank()) {
            for (String part : body.split(",", -1)) {
                String kv = part.strip();
                int eq = kv.indexOf('=');
                if (kv.isEmpty()) {
                    throw new UserError("optimizer spec '" + spec + "': empty argument (stray ',')");
                }
                if (eq < 0) {
                    throw new UserError("optimizer spec '" + spec + "': argument '" + kv
                            + "' is not of the form key=value");
                }
                String key = kv.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                String value = kv.substring(eq + 1).strip();
                if (key.isEmpty()) {
                    throw new UserError("optimizer spec '" + spec + "': argument '" + kv + "' has no key");
                }
                if (value.isEmpty()) {
                    throw new UserError("optimizer spec '" + spec + "': parameter '" + key + "' has no value");
                }
                if (args.put(key, value) != null) {
                    throw new UserError("optimizer spec '" + spec + "': parameter '" + key + "' given twice");
                }
            }
        }
        return new OptimizerSpec(name, args);
    }
}
