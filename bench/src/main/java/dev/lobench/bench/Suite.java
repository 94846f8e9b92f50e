package dev.lobench.bench;

import java.util.List;

/**
 * A named benchmark suite: task names x optimizer specs x seeds, each task with its step budget.
 *
 * @param entries one entry per task: the task name, its steps and evaluation period
 */
public record Suite(String name, String description, List<Entry> entries, List<String> optimizers, int seeds) {

    /**
     * @param label the task name recorded in results when it differs from {@code task} (horizon variants of one
     *     task must not be pooled with each other in reports), else null
     */
    public record Entry(String task, int steps, int evalEvery, String label) {
        public Entry(String task, int steps, int evalEvery) {
            this(task, steps, evalEvery, null);
        }
    }

    public int cellCount() {
        return entries.size() * dev.lobench.optimizers.OptimizerSpecs.expand(optimizers).size() * seeds;
    }

    public long totalSteps() {
        long s = 0;
        for (Entry e : entries) {
            s += (long) e.steps() * dev.lobench.optimizers.OptimizerSpecs.expand(optimizers).size() * seeds;
        }
        return s;
    }
}
