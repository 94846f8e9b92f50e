package dev.lobench.optimizers.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lobench.optimizers.OptState;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Conformance replay: applies a recorded sequence of gradients to named tensors with star or small-fc and records
 * the parameters after every step, so that lobench can be compared with another implementation of the spec.
 *
 * <p>TRACE.json: {@code {"tensors":[{"name":"w","shape":[3,4],"init":[row-major floats]}, ...],
 * "steps":[{"loss":0.7,"grads":{"w":[row-major]}}, ...]}}. Shapes are taken as given (GENERIC layout, no mapping).
 * OUT.json: {@code {"optimizer":"star","steps":[{"params":{"w":[...]}}, ...]}}.
 */
public final class Conformance {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Conformance() {}

    /**
     * Replay options. Theta comes from {@code weights} (safetensors), else {@code thetaJson}, else theta-init with
     * {@code thetaSeed}; {@code arch} must match the weights when both are given (null = take it from the weights,
     * star when initialising). {@code dumpTheta}, if set, receives the theta used, in the theta JSON form.
     */
    public record Options(Arch arch, LearnedOptimizer.Impl impl, Path weights, Path thetaJson, long thetaSeed,
                          Path dumpTheta, float weightDecay) {
        public static Options defaults(Arch arch) {
            return new Options(arch, LearnedOptimizer.Impl.FUSED, null, null, 0L, null, 0f);
        }
    }

    /** Resolves the theta the options ask for. */
    public static Theta theta(Options o) {
        if (o.weights() != null && o.thetaJson() != null) {
            throw new UserError("give either a weights file or a theta JSON file, not both");
        }
        Theta t;
        if (o.weights() != null) {
            t = ThetaFiles.read(o.weights()).theta();
        } else if (o.thetaJson() != null) {
            t = ThetaFiles.readJson(o.thetaJson());
        } else {
            t = Theta.init(o.arch() == null ? Arch.STAR : o.arch(), o.thetaSeed());
        }
        if (o.arch() != null && o.arch() != t.arch()) {
            throw new UserError("the weights are for " + t.arch().id() + " but " + o.arch().id() + " was requested");
        }
        return t;
    }

    /** Reads TRACE, replays it and writes OUT (and the theta, if asked). */
    public static void run(Path trace, Path out, Options o) {
        String text;
        try {
            text = Files.readString(trace);
        } catch (IOException e) {
            throw new UserError("cannot read trace " + trace + ": " + dev.lobench.tasks.IoReason.of(e), e);
        }
        Theta theta = theta(o);
        if (o.dumpTheta() != null) {
            ThetaFiles.writeJson(o.dumpTheta(), theta);
        }
        LearnedOptimizer opt = LearnedOptimizers.create(theta, o.impl(), o.weightDecay(), 0);
        String result = replay(text, trace.toString(), opt);
        try {
            Files.writeString(out, result);
        } catch (IOException e) {
            throw new UserError("cannot write " + out + ": " + dev.lobench.tasks.IoReason.of(e), e);
        }
    }

    /**
     * Replays TRACE through velo-style with theta from {@code weights} (a velo-style .safetensors file), else
     * {@code thetaJson} (the {@link VeloFiles#writeJson} form), else {@link VeloTheta#initMeta} with
     * {@code lstm}/{@code bank}/{@code seed}; {@code numSteps} is the planned run length its fraction-of-training
     * features refer to (0 = the number of steps in the trace). Writes OUT (and the theta JSON, if asked).
     */
    public static void runVelo(Path trace, Path out, Path weights, Path thetaJson, long seed, int lstm, int bank,
                               long numSteps, Path dumpTheta) {
        if (weights != null && thetaJson != null) {
            throw new UserError("give either a weights file or a theta JSON file, not both");
        }
        String text;
        try {
            text = Files.readString(trace);
        } catch (IOException e) {
            throw new UserError("cannot read trace " + trace + ": " + dev.lobench.tasks.IoReason.of(e), e);
        }
        VeloTheta theta = weights != null ? VeloFiles.read(weights).theta()
                : thetaJson != null ? VeloFiles.readJson(thetaJson) : VeloTheta.initMeta(lstm, bank, seed);
        if (dumpTheta != null) {
            VeloFiles.writeJson(dumpTheta, theta);
        }
        long n = numSteps;
        if (n <= 0) {
            try {
                JsonNode steps = JSON.readTree(text).path("steps");
                n = Math.max(1, steps.size());
            } catch (JsonProcessingException e) {
                n = 1; // replay reports the malformed trace
            }
        }
        String result = replay(text, trace.toString(), new VeloOptimizer(theta, n));
        try {
            Files.writeString(out, result);
        } catch (IOException e) {
            throw new UserError("cannot write " + out + ": " + dev.lobench.tasks.IoReason.of(e), e);
        }
    }

    private record TensorSpec(String name, long[] shape, float[] init) {}

    /** Replays a trace given as JSON text; returns OUT.json text. */
    public static String replay(String traceJson, String source, dev.lobench.optimizers.Optimizer opt) {
        String where = "trace " + source + ": ";
        JsonNode root;
        try {
            root = JSON.readTree(traceJson);
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage();
            throw new UserError(where + "not valid JSON (" + (m == null ? "" : m.split("\n")[0]) + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new UserError(where + "expected a JSON object with 'tensors' and 'steps'");
        }
        JsonNode tensors = root.get("tensors");
        if (tensors == null || !tensors.isArray() || tensors.isEmpty()) {
            throw new UserError(where + "missing or empty 'tensors' array");
        }
        JsonNode steps = root.get("steps");
        if (steps == null || !steps.isArray()) {
            throw new UserError(where + "missing 'steps' array");
        }
        List<TensorSpec> specs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tensors.size(); i++) {
            JsonNode t = tensors.get(i);
            String tw = where + "tensors[" + i + "]";
            if (!t.isObject()) {
                throw new UserError(tw + " is not an object");
            }
            JsonNode nameNode = t.get("name");
            if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isEmpty()) {
                throw new UserError(tw + " has no 'name'");
            }
            String name = nameNode.asText();
            if (!names.add(name)) {
                throw new UserError(where + "duplicate tensor name '" + name + "'");
            }
            JsonNode sh = t.get("shape");
            if (sh == null || !sh.isArray()) {
                throw new UserError(where + "tensor '" + name + "' has no 'shape' array");
            }
            long[] shape = new long[sh.size()];
            long n = 1;
            for (int d = 0; d < shape.length; d++) {
                if (!sh.get(d).canConvertToInt() || sh.get(d).asInt() <= 0) {
                    throw new UserError(where + "tensor '" + name + "' has a bad dimension " + sh.get(d)
                            + " in its shape");
                }
                shape[d] = sh.get(d).asInt();
                n *= shape[d];
                if (n > 100_000_000L) {
                    throw new UserError(where + "tensor '" + name + "' is too large");
                }
            }
            float[] init = floats(t.get("init"), (int) n, where + "tensor '" + name + "' init");
            specs.add(new TensorSpec(name, shape, init));
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("optimizer", opt.name());
        ArrayNode outSteps = out.putArray("steps");
        try (NDManager m = NDManager.newBaseManager()) {
            List<Param> params = new ArrayList<>();
            for (TensorSpec s : specs) {
                params.add(new Param(s.name, m.create(s.init, new Shape(s.shape)), Param.Layout.GENERIC));
            }
            try (OptState state = opt.init(params)) {
                for (int si = 0; si < steps.size(); si++) {
                    JsonNode st = steps.get(si);
                    String sw = where + "steps[" + si + "]";
                    if (!st.isObject()) {
                        throw new UserError(sw + " is not an object");
                    }
                    JsonNode lossNode = st.get("loss");
                    if (lossNode == null || !lossNode.isNumber()) {
                        throw new UserError(sw + " has no numeric 'loss'");
                    }
                    JsonNode grads = st.get("grads");
                    if (grads == null || !grads.isObject()) {
                        throw new UserError(sw + " has no 'grads' object");
                    }
                    for (Iterator<String> it = grads.fieldNames(); it.hasNext(); ) {
                        String gname = it.next();
                        if (!names.contains(gname)) {
                            throw new UserError(sw + " has a gradient for unknown tensor '" + gname + "'");
                        }
                    }
                    List<NDArray> g = new ArrayList<>();
                    try {
                        for (TensorSpec s : specs) {
                            JsonNode gn = grads.get(s.name);
                            if (gn == null) {
                                throw new UserError(sw + " has no gradient for tensor '" + s.name + "'");
                            }
                            g.add(m.create(floats(gn, s.init.length, sw + " gradient of '" + s.name + "'"),
                                    new Shape(s.shape)));
                        }
                        opt.update(params, g, (float) lossNode.asDouble(), si, state);
                    } finally {
                        g.forEach(NDArray::close);
                    }
                    ObjectNode ps = outSteps.addObject().putObject("params");
                    for (Param p : params) {
                        ArrayNode a = ps.putArray(p.name());
                        for (float v : p.array().toFloatArray()) {
                            a.add(v);
                        }
                    }
                }
            }
        }
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static float[] floats(JsonNode n, int expected, String what) {
        if (n == null || !n.isArray()) {
            throw new UserError(what + " is missing or not an array");
        }
        if (n.size() != expected) {
            throw new UserError(what + " has " + n.size() + " values, expected " + expected + " (from the shape)");
        }
        float[] a = new float[expected];
        for (int i = 0; i < expected; i++) {
            JsonNode v = n.get(i);
            if (v.isTextual() && (v.asText().equalsIgnoreCase("nan") || v.asText().toLowerCase().contains("inf"))) {
                throw new UserError(what + " contains a non-finite value at index " + i);
            }
            if (!v.isNumber()) {
                throw new UserError(what + " contains a non-number at index " + i);
            }
            a[i] = (float) v.asDouble();
            if (!Float.isFinite(a[i])) {
                throw new UserError(what + " contains a non-finite value at index " + i);
            }
        }
        return a;
    }
}
