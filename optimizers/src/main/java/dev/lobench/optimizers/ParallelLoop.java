package dev.lobench.optimizers;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs {@code body(0..nTasks-1)} on up to {@code workers} threads: the calling thread plus {@code workers - 1} helper
 * tasks submitted to {@code pool}, each taking the next index until none is left. The first exception is rethrown
 * after every started index has finished. With one worker (or one task) everything runs on the calling thread, in
 * order.
 *
 * <p>Under competing CPU load: the caller waits only for indices a helper has actually taken, never for a helper
 * that has not been scheduled yet (it finds no index left when it finally runs and returns at once). Joining the
 * submitted tasks instead made every parallel region wait for the scheduler to give a woken pool thread a core:
 * measured on a 2-core machine with other busy processes, a 1M-parameter star step took 181 ms instead of the
 * 24 ms of CPU it needs (experiments/learned-kernel-overhead).
 */
public final class ParallelLoop {
    /** Busy-wait iterations of the caller for the last running indices before it parks. */
    static final int SPINS = 2000;

    private ParallelLoop() {}

    public static void run(ForkJoinPool pool, int workers, int nTasks, IntConsumer body) {
        int w = Math.min(workers, nTasks);
        if (w <= 1) {
            for (int i = 0; i < nTasks; i++) {
                body.accept(i);
            }
            return;
        }
        Region r = new Region(nTasks, body, Thread.currentThread());
        for (int k = 0; k < w - 1; k++) {
            pool.execute(r::work);
        }
        r.work();
        r.awaitAll();
        Throwable e = r.error.get();
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e instanceof Error err) {
            throw err;
        }
    }

    private static final class Region {
        final int nTasks;
        final IntConsumer body;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        final AtomicReference<Throwable> error = new AtomicReference<>();

        Region(int nTasks, IntConsumer body, Thread caller) {
            this.nTasks = nTasks;
            this.body = body;
            this.caller = caller;
        }

        void work() {
            int i;
            while ((i = next.getAndIncrement()) < nTasks) {
                try {
                    if (error.get() == null) {
                        body.accept(i);
                    }
                } catch (RuntimeException | Error e) {
                    error.compareAndSet(null, e);
                } finally {
                    if (finished.incrementAndGet() == nTasks && Thread.currentThread() != caller) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }

        /** Returns once every index has finished (all were taken when the caller's own work() returned). */
        void awaitAll() {
            for (int s = 0; finished.get() < nTasks; s++) {
                if (s < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 1_000_000L);
                }
            }
        }
    }
}
