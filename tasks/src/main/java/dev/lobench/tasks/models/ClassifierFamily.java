package dev.lobench.tasks.models;

import dev.lobench.tasks.Family;
import dev.lobench.tasks.FamilyParams;
import dev.lobench.tasks.ParamSpec;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.data.FashionMnist;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the Fashion-MNIST classifier families ({@link MlpFamily}, {@link CnnFamily}) share: the input, batch, budget
 * and out-of-distribution parameters, their validation and the task's derived name. A subclass adds the network's
 * own parameters (placed after {@code resolution}) and builds the {@link Network}.
 */
abstract class ClassifierFamily implements Family {
    private static final ParamSpec RESOLUTION = ParamSpec.ofIntChoice("resolution", 28, List.of(28, 8),
            "input side in pixels (8 = area-downsampled FashionMnist8)");
    private static final List<ParamSpec> COMMON_AFTER_NETWORK = List.of(
            ParamSpec.ofInt("batch", 128, 1, FashionMnist.TEST_COUNT, "images per minibatch"),
            ParamSpec.ofInt("steps", 2000, 1, Integer.MAX_VALUE, "default number of training steps"),
            ParamSpec.ofBool("invert", false, "data shift: x -> 1 - x"),
            ParamSpec.ofInt("shift", 0, -27, 27,
                    "data shift: translate images by k pixels (right/down; negative: left/up), |k| < resolution"),
            ParamSpec.ofDouble("labelNoise", 0.0, 0.0, 1.0,
                    "fraction of training labels replaced by a uniformly drawn class (seeded; test labels unchanged)"),
            ParamSpec.ofDouble("lossScale", 1.0, 0.0, 1e6,
                    "c > 0 multiplying the training loss and so the gradients (test loss unscaled)"));

    private final List<ParamSpec> parameters;

    ClassifierFamily(List<ParamSpec> networkParameters) {
        List<ParamSpec> all = new ArrayList<>();
        all.add(RESOLUTION);
        all.addAll(networkParameters);
        all.addAll(COMMON_AFTER_NETWORK);
        parameters = List.copyOf(all);
    }

    @Override
    public final String dataset() {
        return "fashion-mnist";
    }

    @Override
    public final List<ParamSpec> parameters() {
        return parameters;
    }

    /** The network, its parameters for the task's definition (in order) and its part of the derived name. */
    record NetworkPart(Network network, Map<String, Object> definition, String name) {}

    abstract NetworkPart network(FamilyParams p, int resolution);

    @Override
    public final Task build(Map<String, ?> params) {
        FamilyParams p = FamilyParams.validate(name(), parameters, params);
        int resolution = p.getInt("resolution");
        int batch = p.getInt("batch");
        int steps = p.getInt("steps");
        boolean invert = p.getBool("invert");
        int shift = p.getInt("shift");
        if (Math.abs(shift) >= resolution) {
            throw p.error("shift", "must be in " + (1 - resolution) + ".." + (resolution - 1) + " at resolution "
                    + resolution + ", got " + shift);
        }
        double labelNoise = p.getDouble("labelNoise");
        double lossScale = p.getDouble("lossScale");
        if (!(lossScale > 0)) {
            throw p.error("lossScale", "must be > 0, got " + lossScale);
        }
        NetworkPart net = network(p, resolution);
        // The task's definition (records' taskParams, cell keys, the CI gate's taskDefinition): labelNoise and
        // lossScale appear only when set, so tasks defined before they existed keep their fingerprints.
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("resolution", resolution);
        definition.putAll(net.definition());
        definition.put("batch", batch);
        definition.put("steps", steps);
        definition.put("invert", invert);
        definition.put("shift", shift);
        String derived = (resolution == 8 ? "fmnist8" : "fmnist") + "-" + net.name();
        if (labelNoise != 0) {
            definition.put("labelNoise", labelNoise);
            derived += "-labelnoise" + labelNoise;
        }
        if (lossScale != 1) {
            definition.put("lossScale", lossScale);
            derived += "-lossx" + lossScale;
        }
        if (batch != 128) {
            derived += "-b" + batch;
        }
        if (invert) {
            derived += "-invert";
        }
        if (shift != 0) {
            derived += "-shift" + shift;
        }
        return new ClassifierTask(derived, name(), resolution, net.network(), batch,
                new InputTransform(invert, shift, labelNoise, lossScale), steps, definition);
    }

    /** {@code [128, 64]} -> {@code 128x64}; the empty list -> {@code 0}. */
    static String join(List<Integer> xs) {
        if (xs.isEmpty()) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        for (int x : xs) {
            sb.append(sb.length() > 0 ? "x" : "").append(x);
        }
        return sb.toString();
    }
}
