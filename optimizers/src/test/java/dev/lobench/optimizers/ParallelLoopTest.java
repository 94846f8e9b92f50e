package dev.lobench.optimizers;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class ParallelLoopTest {

    @Test
    void everyIndexRunsExactlyOnce() {
        ForkJoinPool pool = new ForkJoinPool(3);
        try {
            for (int workers = 1; workers <= 5; workers++) {
                for (int n : new int[] {0, 1, 2, 7, 64}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(n);
                    ParallelLoop.run(pool, workers, n, hits::incrementAndGet);
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, hits.get(i), "workers " + workers + " n " + n + " index " + i);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theFirstExceptionIsRethrown() {
        ForkJoinPool pool = new ForkJoinPool(1);
        try {
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException got = assertThrows(IllegalStateException.class, () -> ParallelLoop.run(pool, 2, 20,
                    i -> {
                        if (i == 3) {
                            throw boom;
                        }
                    }));
            assertSame(boom, got);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The caller finishes the work itself when no pool thread gets to run (as under heavy competing CPU load). */
    @Test
    void doesNotWaitForAHelperThatNeverStarts() throws InterruptedException {
        ForkJoinPool pool = new ForkJoinPool(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        try {
            pool.execute(() -> {
                blocked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            blocked.await();
            AtomicIntegerArray hits = new AtomicIntegerArray(10);
            assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                    () -> ParallelLoop.run(pool, 2, 10, hits::incrementAndGet));
            for (int i = 0; i < 10; i++) {
                assertEquals(1, hits.get(i));
            }
        } finally {
            release.countDown();
            pool.shutdown();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
