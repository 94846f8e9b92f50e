package dev.lobench.tasks.models;

import dev.lobench.tasks.FamilyParams;
import dev.lobench.tasks.ParamSpec;
import dev.lobench.tasks.data.FashionMnist;

import java.util.List;
import java.util.Map;

/** Task family {@code cnn}: a small convolutional classifier on Fashion-MNIST ({@link Network.Cnn}). */
public final class CnnFamily extends ClassifierFamily {

    public CnnFamily() {
        super(List.of(ParamSpec.ofIntList("channels", List.of(16, 32), 1, 65536, true,
                "3x3 conv channels (first conv stride 2)")));
    }

    @Override
    public String name() {
        return "cnn";
    }

    @Override
    public String summary() {
        return "CNN on Fashion-MNIST: 3x3 convs (first stride 2), ReLU, global average pooling, linear head";
    }

    @Override
    NetworkPart network(FamilyParams p, int resolution) {
        List<Integer> channels = p.getIntList("channels");
        return new NetworkPart(new Network.Cnn(resolution, channels, FashionMnist.CLASSES),
                Map.of("channels", channels), "cnn" + join(channels));
    }
}
