package dev.lobench.tasks.runtime;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;

/**
 * The one place for the DJL/libtorch traps measured in {@code docs/runtime.md}.
 *
 * <ul>
 *   <li><b>Offline</b>: {@link #init()} sets {@code ai.djl.offline=true} unless the user set it, so any attempted
 *       download of native libraries fails immediately instead of hanging.</li>
 *   <li><b>Grad mode is per thread</b> in libtorch. Threads other than the engine's first have autograd on, and
 *       in-place parameter updates there throw. Optimizers wrap their updates in {@link #noGrad()} (or call
 *       {@link #setGradMode(boolean)}); {@code GradientCollector} restores the mode it found when it closes.</li>
 *   <li><b>Gradients accumulate</b>: DJL never zeroes them and only one {@code GradientCollector} may be open per
 *       process. Tasks zero parameter gradients themselves with libtorch's zero-grad before each backward pass.</li>
 *   <li><b>Denormals</b>: libtorch's CPU {@code sqrt} on denormal floats is ~25x slower and DJL has no flush-to-zero
 *       switch. Hot paths that take square roots of second moments (Adam-like optimizers, learned optimizers)
 *       should add an epsilon <em>before</em> the sqrt or clamp tiny values to zero: see {@link #DENORMAL_GUARD}.</li>
 *   <li><b>Allocator</b>: glibc returning freed pages to the OS makes steps 2-5x slower. The fix
 *       ({@link #GLIBC_TUNABLES}) must be in the environment before the JVM starts; {@link #allocatorTuned()}
 *       reports whether it is.</li>
 * </ul>
 */
public final class Djl {

    /** Environment value that keeps glibc from returning freed memory to the OS (set before the JVM starts). */
    public static final String GLIBC_TUNABLES =
            "glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736";

    /**
     * Smallest magnitude a value feeding {@code sqrt} should have: the smallest normal float. Values below this
     * are denormal and make libtorch's CPU sqrt ~25x slower; add at least this before taking a square root.
     */
    public static final float DENORMAL_GUARD = Float.MIN_NORMAL;

    private static volatile boolean initialised;

    private Djl() {
    }

    /**
     * Sets {@code ai.djl.offline=true} unless already set, and loads the engine. Idempotent; cheap after the first
     * call. Returns the engine.
     */
    public static Engine init() {
        if (!initialised) {
            synchronized (Djl.class) {
                if (!initialised) {
                    if (System.getProperty("ai.djl.offline") == null) {
                        System.setProperty("ai.djl.offline", "true");
                    }
                    Engine.getEngine("PyTorch");
                    initialised = true;
                }
            }
        }
        return Engine.getEngine("PyTorch");
    }

    /** Whether autograd is on for the calling thread. */
    public static boolean isGradMode() {
        init();
        return JniUtils.isGradMode();
    }

    /** Switches autograd on or off for the calling thread only. */
    public static void setGradMode(boolean enabled) {
        init();
        JniUtils.setGradMode(enabled);
    }

    /**
     * Switches autograd off on the calling thread until the returned handle is closed, then restores the previous
     * mode. Use around in-place optimizer updates: {@code try (var g = Djl.noGrad()) { p.subi(...); }}.
     */
    public static NoGrad noGrad() {
        init();
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        return new NoGrad(previous);
    }

    /** Restores the grad mode found by {@link #noGrad()}. */
    public static final class NoGrad implements AutoCloseable {
        private final boolean previous;

        private NoGrad(boolean previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            JniUtils.setGradMode(previous);
        }
    }

    /** DJL version (e.g. {@code 0.36.0}), for result headers. */
    public static String djlVersion() {
        String v = Engine.getDjlVersion();
        return v == null ? "unknown" : v;
    }

    /** libtorch version as reported by the loaded engine (e.g. {@code 2.7.1}), for result headers. */
    public static String libtorchVersion() {
        return init().getVersion();
    }

    /** Native library flavour DJL resolved (e.g. {@code 2.7.1-cpu-linux-x86_64}, as DJL names it). */
    public static String nativeFlavour() {
        init();
        try {
            return LibUtils.getVersion();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /** Current libtorch intra-op thread count. */
    public static int intraOpThreads() {
        init();
        return JniUtils.getNumThreads();
    }

    /**
     * Sets libtorch's intra-op thread count. Reductions are split across threads, so fix it (the default is the
     * core count) when runs must be bit-for-bit comparable across machines.
     */
    public static void setIntraOpThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + n);
        }
        init();
        JniUtils.setNumThreads(n);
    }

    /** Whether the process was started with {@link #GLIBC_TUNABLES} (or jemalloc via LD_PRELOAD). */
    public static boolean allocatorTuned() {
        String t = System.getenv("GLIBC_TUNABLES");
        String pre = System.getenv("LD_PRELOAD");
        return (t != null && t.contains("trim_threshold")) || (pre != null && pre.contains("jemalloc"));
    }

    /** One line for result headers: {@code DJL 0.36.0, libtorch 2.7.1, 2 intra-op threads, allocator tuned}. */
    public static String describe() {
        return "DJL " + djlVersion() + ", libtorch " + libtorchVersion() + ", " + intraOpThreads()
                + " intra-op threads, allocator " + (allocatorTuned() ? "tuned" : "NOT tuned (set GLIBC_TUNABLES)");
    }
}
