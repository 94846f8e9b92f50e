package dev.lobench.optimizers;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs {@code body(0..nTasks-1)} on up to {@code workers} threads: the calling thread plus {@code workers - 1} tasks
 * of {@code pool}, each taking the next index until none is left. The first exception is rethrown after all workers
 * have stopped. With one worker (or one task) everything runs on the calling thread, in order.
 */
public final class ParallelLoop {
    private ParallelLoop() {}

    public static void run(ForkJoinPool pool, int workers, int nTasks, IntConsumer body) {
        int w = Math.min(workers, nTasks);
        if (w <= 1) {
            for (int i = 0; i < nTasks; i++) {
                body.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            int i;
            while ((i = next.getAndIncrement()) < nTasks) {
                body.accept(i);
            }
        };
        ForkJoinTask<?>[] fs = new ForkJoinTask<?>[w - 1];
        for (int k = 0; k < fs.length; k++) {
            fs[k] = pool.submit(worker);
        }
        RuntimeException err = null;
        try {
            worker.run();
        } catch (RuntimeException e) {
            err = e;
        }
        for (ForkJoinTask<?> f : fs) {
            try {
                f.join();
            } catch (RuntimeException e) {
                if (err == null) {
                    err = e;
                }
            }
        }
        if (err != null) {
            throw err;
        }
    }
}
