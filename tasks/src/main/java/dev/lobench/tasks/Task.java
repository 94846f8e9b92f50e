package dev.lobench.tasks;

import ai.djl.ndarray.NDManager;

import java.util.List;
import java.util.Map;

/** A named, fully specified training problem (dataset + model + loss + batch size + default budget). */
public interface Task {

    /** Stable registry name, e.g. {@code fmnist8-mlp32}. */
    String name();

    /** Family name, e.g. {@code mlp}, {@code cnn}. */
    String family();

    /** Default number of training steps. */
    int defaultSteps();

    /** Family parameters that define this task (width, activation, batch, ...), for records and reports. */
    Map<String, Object> parameters();

    /** Number of trainable parameters (without building the task). */
    long numParams();

    /**
     * Builds an instance. The seed fixes initialisation, shuffling and batching: the same seed gives the same
     * losses on CPU. Arrays are attached to {@code manager}.
     */
    TaskInstance instantiate(NDManager manager, long seed, DataContext data);

    /**
     * The datasets {@link #instantiate} reads, named as {@link dev.lobench.tasks.preflight.DataPreflight} checks them
     * ({@code fashion-mnist}, {@code fortunes-en}, {@code fortunes-de}, {@code cifar-10}); each name starts with its
     * family's {@link Family#dataset()}. None (the default) for a task that generates its data. {@code lobench run},
     * {@code meta-train} and {@code overhead} check them all before the first cell trains.
     */
    default List<String> datasets() {
        return List.of();
    }

    /**
     * The same task under another name (a named task of {@code tasks.yaml}, a suite's horizon variant). The default
     * wraps this task; a family whose task type callers rely on (e.g. a classifier record) returns its own copy.
     */
    default Task withName(String name) {
        return new NamedTask(name, this);
    }
}
