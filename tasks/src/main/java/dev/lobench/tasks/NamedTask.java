package dev.lobench.tasks;

import ai.djl.ndarray.NDManager;

import java.util.Map;

/** A task under a registry name (the wrapped task's own name is derived from its parameters). */
final class NamedTask implements Task {
    private final String name;
    private final Task task;

    NamedTask(String name, Task task) {
        this.name = name;
        this.task = task;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String family() {
        return task.family();
    }

    @Override
    public int defaultSteps() {
        return task.defaultSteps();
    }

    @Override
    public Map<String, Object> parameters() {
        return task.parameters();
    }

    @Override
    public long numParams() {
        return task.numParams();
    }

    @Override
    public java.util.List<String> datasets() {
        return task.datasets();
    }

    @Override
    public TaskInstance instantiate(NDManager manager, long seed, DataContext data) {
        return task.instantiate(manager, seed, data);
    }
}
