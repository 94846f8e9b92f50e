package dev.lobench.results;

/** Version of the results JSON schema. Bump on any incompatible change; readers reject newer versions. */
public final class Schema {
    public static final int VERSION = 1;

    private Schema() {}
}
