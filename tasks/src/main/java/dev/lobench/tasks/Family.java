package dev.lobench.tasks;

import java.util.List;
import java.util.Map;

/**
 * A task family: a parameterised training problem (an MLP on Fashion-MNIST, a transformer on fortunes, ...). One
 * class per family owns everything about it: its name, its one-line summary, the dataset it trains on and its
 * {@link ParamSpec}s, which are both what {@link #build} validates against (through {@link FamilyParams}) and what
 * {@code lobench list tasks --family F} prints, so help and validation cannot drift.
 *
 * <p>Implementations are listed, in the order {@code lobench list tasks} shows them, in
 * {@code META-INF/services/dev.lobench.tasks.Family} (the list {@link TaskRegistry} reads; a {@link
 * java.util.ServiceLoader} file, so that this package does not depend on the family packages, which use its types).
 * They need a public no-argument constructor.
 */
public interface Family {

    /** The family name used in task spec files and records, e.g. {@code mlp}. */
    String name();

    /** One line for {@code lobench list tasks --family F}. */
    String summary();

    /** The dataset the family trains on, as a task spec file's {@code dataset:} field names it. */
    String dataset();

    /** The accepted parameters, in the order help shows them, with defaults, allowed values and help text. */
    List<ParamSpec> parameters();

    /**
     * Builds a task from parameters as a YAML/JSON map gives them (absent keys take their defaults). Unknown keys,
     * bad types, out-of-range values and violated cross-field constraints are one-line {@link UserError}s naming the
     * family and the parameter. The task's name is derived from the parameters ({@link Task#withName} renames it).
     */
    Task build(Map<String, ?> params);

    /** One help line per parameter, from {@link #parameters()}. */
    default List<String> describeParameters() {
        return parameters().stream().map(ParamSpec::describe).toList();
    }
}
