package dev.lobench.tasks.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DjlTest {
    @Test
    void versionsAndOffline() {
        Djl.init();
        assertEquals("true", System.getProperty("ai.djl.offline"));
        assertEquals("2.7.1", Djl.libtorchVersion());
        assertEquals("0.36.0", Djl.djlVersion());
        assertTrue(Djl.describe().startsWith("DJL 0.36.0, libtorch 2.7.1, "), Djl.describe());
    }

    @Test
    void noGradAllowsInPlaceUpdatesOnAWorkerThreadAndRestoresTheMode() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<float[]> result = new AtomicReference<>();
        boolean[] modes = new boolean[3];
        Thread th = new Thread(() -> {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray p = m.create(new float[] {1, 2});
                p.setRequiresGradient(true);
                Djl.setGradMode(true); // what a fresh libtorch thread may have
                modes[0] = Djl.isGradMode();
                try (Djl.NoGrad g = Djl.noGrad()) {
                    modes[1] = Djl.isGradMode();
                    p.subi(m.create(new float[] {0.5f, 0.5f}));
                }
                modes[2] = Djl.isGradMode();
                result.set(p.toFloatArray());
                Djl.setGradMode(false);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        th.start();
        th.join();
        assertNull(failure.get());
        assertTrue(modes[0]);
        assertFalse(modes[1]);
        assertTrue(modes[2]);
        assertArrayEquals(new float[] {0.5f, 1.5f}, result.get(), 0f);
    }
}
