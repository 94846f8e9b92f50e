package dev.lobench.tasks;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The task families and the named, stable tasks.
 *
 * <p>The families are the {@link Family} classes listed in {@code META-INF/services/dev.lobench.tasks.Family} (one
 * class per family owns its name, summary, dataset, parameters and build; see its {@code lobench list tasks --family
 * F}). The named tasks are those of the resource {@code /lobench/tasks.yaml}, in the task spec file format users
 * write ({@link TaskSpecFile}).
 */
public final class TaskRegistry {

    private static final Map<String, Family> BY_NAME = new LinkedHashMap<>();

    static {
        for (Family f : ServiceLoader.load(Family.class, TaskRegistry.class.getClassLoader())) {
            if (BY_NAME.put(f.name(), f) != null) {
                throw new IllegalStateException("task family '" + f.name() + "' registered twice");
            }
        }
        if (BY_NAME.isEmpty()) {
            throw new IllegalStateException("no task families: META-INF/services/" + Family.class.getName()
                    + " missing from the build");
        }
    }

    /** The family names, in registration order. */
    public static final List<String> FAMILIES = List.copyOf(BY_NAME.keySet());

    private static final Map<String, Task> NAMED = new LinkedHashMap<>();

    static {
        // The named tasks are defined by the task spec file format users write (TaskSpecFile).
        try (java.io.InputStream in = TaskRegistry.class.getResourceAsStream("/lobench/tasks.yaml")) {
            if (in == null) {
                throw new IllegalStateException("resource /lobench/tasks.yaml missing from the build");
            }
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            for (TaskSpecFile.Entry e : TaskSpecFile.parse(text, "resource /lobench/tasks.yaml")) {
                register(e.task());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private TaskRegistry() {
    }

    private static void register(Task t) {
        if (NAMED.put(t.name(), t) != null) {
            throw new IllegalStateException("task '" + t.name() + "' defined twice");
        }
    }

    /** The same task under another name (e.g. a horizon variant {@code fmnist8-mlp32-h20000} of a suite). */
    public static Task renamed(Task task, String name) {
        return new NamedTask(name, task);
    }

    /** The family called {@code name}; an unknown name is a UserError listing the families and the closest. */
    public static Family family(String name) {
        Family f = name == null ? null : BY_NAME.get(name);
        if (f == null) {
            throw new UserError(Names.unknown("task family", String.valueOf(name), FAMILIES));
        }
        return f;
    }

    /** All named tasks, in registration order. */
    public static List<Task> all() {
        return List.copyOf(NAMED.values());
    }

    /** The names of all named tasks. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(NAMED.keySet());
    }

    /** The named task; an unknown name is a UserError listing the valid names and the closest one. */
    public static Task get(String name) {
        Task t = NAMED.get(name);
        if (t == null) {
            throw new UserError(Names.unknown("task", name, NAMED.keySet()));
        }
        return t;
    }

    /** {@link #fromParameters(String, String, Map)} with a name derived from the family and parameters. */
    public static Task fromParameters(String family, Map<String, ?> params) {
        return fromParameters(null, family, params);
    }

    /**
     * Builds a task of {@code family} from parameters as a YAML/JSON map would give them (numbers as any
     * {@link Number}, lists as {@link List}, booleans as {@link Boolean}), named {@code name} (null: derived from the
     * parameters). Unknown families or keys and bad values are UserErrors naming the field and the allowed values.
     */
    public static Task fromParameters(String name, String family, Map<String, ?> params) {
        Task t = family(family).build(params);
        return name == null ? t : t.withName(name);
    }
}
