package dev.lobench.tasks.models;

import dev.lobench.tasks.FamilyParams;
import dev.lobench.tasks.ParamSpec;
import dev.lobench.tasks.data.FashionMnist;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Task family {@code mlp}: an MLP classifier on Fashion-MNIST ({@link Network.Mlp}). */
public final class MlpFamily extends ClassifierFamily {

    public MlpFamily() {
        super(List.of(
                ParamSpec.ofIntList("hidden", List.of(128, 128), 1, 65536, false,
                        "hidden widths (empty = linear model)"),
                ParamSpec.ofChoice("activation", "relu", List.of("relu", "tanh", "gelu"), "hidden activation")));
    }

    @Override
    public String name() {
        return "mlp";
    }

    @Override
    public String summary() {
        return "MLP classifier on Fashion-MNIST (28x28 or 8x8), softmax cross-entropy";
    }

    @Override
    NetworkPart network(FamilyParams p, int resolution) {
        List<Integer> hidden = p.getIntList("hidden");
        Network.Act act = Network.Act.valueOf(p.getString("activation").toUpperCase(Locale.ROOT));
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("hidden", hidden);
        definition.put("activation", act.id());
        return new NetworkPart(new Network.Mlp(resolution * resolution, hidden, FashionMnist.CLASSES, act),
                definition, "mlp" + join(hidden) + "-" + act.id());
    }
}
