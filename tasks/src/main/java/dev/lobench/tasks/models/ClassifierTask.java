package dev.lobench.tasks.models;

import ai.djl.ndarray.NDManager;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.TaskInstance;
import dev.lobench.tasks.data.FashionMnist;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Fashion-MNIST classification task: a {@link Network}, an input resolution (28 or 8), a batch size, an optional
 * {@link InputTransform}, and a default step budget.
 */
public record ClassifierTask(String name, String family, int resolution, Network network, int batch,
                             InputTransform transform, int defaultSteps, Map<String, Object> parameters)
        implements Task {

    public ClassifierTask {
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** Renamed, still a {@code ClassifierTask} (meta-training and tests read its network and data). */
    @Override
    public Task withName(String name) {
        return new ClassifierTask(name, family, resolution, network, batch, transform, defaultSteps, parameters);
    }

    @Override
    public long numParams() {
        return network.numParams();
    }

    @Override
    public java.util.List<String> datasets() {
        return java.util.List.of(FashionMnist.NAME);
    }

    /** Locates and loads Fashion-MNIST (see {@link dev.lobench.tasks.data.DataLocator}) and builds an instance. */
    @Override
    public TaskInstance instantiate(NDManager manager, long seed, DataContext data) {
        return instantiate(manager, seed, FashionMnist.load(data, resolution));
    }

    /** Builds an instance on already loaded data (any split sizes; used by tests with tiny generated files). */
    public ClassifierInstance instantiate(NDManager manager, long seed, FashionMnist.Data data) {
        if (data.train().side() != resolution) {
            throw new IllegalArgumentException("data resolution " + data.train().side() + " != task resolution "
                    + resolution);
        }
        return new ClassifierInstance(manager, seed, network, batch, data.train(), data.test(), transform);
    }
}
