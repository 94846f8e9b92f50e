package dev.lobench.optimizers.learned;

/**
 * Whether the learned optimizers' per-element loops use the JDK Vector API ({@code jdk.incubator.vector}, JDK 17's
 * incubator module). They need two JVM flags, {@link #JVM_FLAGS}, which the {@code lobench} launcher, the JMH forks
 * and the tests pass: {@code --add-modules jdk.incubator.vector} (the JVM resolves an incubator module only when
 * named) and {@link #DONT_INLINE} (without it C2 inlines the vector loops into each other past its per-method budget
 * and they run slower than the scalar loops). Without either, or with {@code -Dlobench.simd=false}, the scalar
 * (C2 auto-vectorised) loops run instead. Both paths give bit-identical results: the vector kernels evaluate every
 * lane with the same float operations in the same order as the scalar loops (fused multiply-adds in both).
 *
 * <p>This class never touches a vector type itself, so it loads on a JVM without the module.
 */
public final class Simd {
    /** System property that turns the vector kernels off ({@code -Dlobench.simd=false}). */
    public static final String PROPERTY = "lobench.simd";
    static final String MODULE = "jdk.incubator.vector";
    /** Keeps each vector loop of {@link SimdKernels} a compilation of its own. */
    public static final String DONT_INLINE =
            "-XX:CompileCommand=dontinline,dev.lobench.optimizers.learned.SimdKernels::loop*";
    /** The JVM flags the vector kernels need ("quiet": the JVM does not print the compile command on stdout). */
    public static final java.util.List<String> JVM_FLAGS =
            java.util.List.of("--add-modules", MODULE, "-XX:CompileCommand=quiet", DONT_INLINE);

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
        String why = scalarReason(System.getProperty(PROPERTY), ModuleLayer.boot().findModule(MODULE).isPresent(),
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().contains(DONT_INLINE));
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

    /**
     * Why the scalar kernel must run (null: the vector kernels may run), from the property, the module's presence and
     * whether the JVM got {@link #DONT_INLINE}.
     */
    static String scalarReason(String property, boolean modulePresent, boolean dontInline) {
        if (property != null && property.trim().equalsIgnoreCase("false")) {
            return "-D" + PROPERTY + "=false";
        }
        if (!modulePresent) {
            return "module " + MODULE + " not resolved (start java with --add-modules " + MODULE + ")";
        }
        if (!dontInline) {
            return "the JVM lacks " + DONT_INLINE + " (without it the vector loops are slower than the scalar ones)";
        }
        return null;
    }

    /** {@link #JVM_FLAGS} when this JVM runs the vector kernels, else none: for child JVMs that should do the same. */
    public static java.util.List<String> childJvmFlags() {
        return ENABLED ? JVM_FLAGS : java.util.List.of();
    }
}
