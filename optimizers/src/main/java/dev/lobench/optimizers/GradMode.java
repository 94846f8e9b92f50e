package dev.lobench.optimizers;

import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's autograd switch. Grad mode is thread-local in libtorch: threads other than the engine's first start
 * with autograd on, and in-place updates of parameters that require gradients throw there. Optimizers wrap each
 * update in {@link #disabled()}.
 */
public final class GradMode {
    private GradMode() {}

    /** Whether autograd records operations on the current thread. */
    public static boolean isEnabled() {
        return JniUtils.isGradMode();
    }

    /** Switches autograd on or off for the current thread only. */
    public static void set(boolean enabled) {
        JniUtils.setGradMode(enabled);
    }

    /** Turns grad mode off on the current thread until the returned scope is closed, then restores it. */
    public static Scope disabled() {
        boolean previous = isEnabled();
        if (previous) {
            set(false);
        }
        return new Scope(previous);
    }

    /** Restores the grad mode that was current when it was opened (on the same thread). */
    public static final class Scope implements AutoCloseable {
        private final boolean previous;

        private Scope(boolean previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (previous) {
                set(true);
            }
        }
    }
}
