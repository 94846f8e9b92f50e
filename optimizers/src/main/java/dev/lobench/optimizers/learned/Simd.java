package dev.lobench.optimizers.learned;

/**
 * Whether the learned optimizers' per-element loops use the JDK Vector API ({@code jdk.incubator.vector}, JDK 17's
 * incubator module, which the JVM only resolves with {@code --add-modules jdk.incubator.vector}; the {@code lobench}
 * launcher, the JMH forks and the tests pass it). Without the module, or with {@code -Dlobench.simd=false}, the scalar
 * (C2 auto-vectorised) loops run instead. Both paths give bit-identical results: the vector kernels evaluate every
 * lane with the same float operations in the same order as the scalar loops (no fused multiply-add).
 *
 * <p>This class never touches a vector type itself, so it loads on a JVM without the module.
 */
public final class Simd {
    /** System property that turns the vector kernels off ({@code -Dlobench.simd=false}). */
    public static final String PROPERTY = "lobench.simd";
    static final String MODULE = "jdk.incubator.vector";

    private static final String STATUS = detect();
    /** True when the vector kernels are used by default. */
    public static final boolean ENABLED = STATUS.startsWith("FloatVector");

    private Simd() {}

    /**
     * One line for logs and provenance: the vector shape in use ("FloatVector 512-bit (16 lanes)"), or why the scalar
     * kernel runs ("scalar: ...").
     */
    public static String describe() {
        return STATUS;
    }

    private static String detect() {
        String why = scalarReason(System.getProperty(PROPERTY), ModuleLayer.boot().findModule(MODULE).isPresent());
        if (why != null) {
            return "scalar: " + why;
        }
        try {
            if (!SimdKernels.usable()) {
                return "scalar: preferred vector shape " + SimdKernels.describe() + " does not divide the block";
            }
            return SimdKernels.describe();
        } catch (LinkageError | RuntimeException e) {
            return "scalar: the vector kernels failed to load (" + e + ")";
        }
    }

    /** Why the scalar kernel must run (null: the vector kernels may run), from the property and the module's presence. */
    static String scalarReason(String property, boolean modulePresent) {
        if (property != null && property.trim().equalsIgnoreCase("false")) {
            return "-D" + PROPERTY + "=false";
        }
        if (!modulePresent) {
            return "module " + MODULE + " not resolved (start java with --add-modules " + MODULE + ")";
        }
        return null;
    }
}
