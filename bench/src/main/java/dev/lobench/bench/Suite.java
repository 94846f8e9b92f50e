package dev.lobench.bench;

import java.util.List;

/**
 * A named benchmark suite: task names x optimizer specs x seeds, each task with its step budget.
 *
 * @param entries one entry per task: the task name, its steps and evaluation period
 */
public record Suite(String name, String description, List<Entry> entries, List<String> optimizers, int seeds) {

    public record Entry(String task, int steps, int evalEvery) {}

    public int cellCount() {
        return entries.size() * optimizers.size() * seeds;
    }

    public long totalSteps() {
        long s = 0;
        for (Entry e : entries) {
            s += (long) e.steps() * optimizers.size() * seeds;
        }
        return s;
    }
}
