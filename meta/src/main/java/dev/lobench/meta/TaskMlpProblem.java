package dev.lobench.meta;

import ai.djl.ndarray.NDManager;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.TaskRegistry;
import dev.lobench.tasks.UserError;
import dev.lobench.tasks.data.FashionMnist;

import java.util.List;
import java.util.Map;

/**
 * The meta-training inner problem of a Fashion-MNIST MLP task (family {@code mlp}, e.g. {@code fmnist8-mlp32},
 * {@code fmnist-mlp128x128}): a {@link BatchedMlpProblem} on the task's real training split (pixels in [0, 1] at the
 * task's resolution, 28 or 8 area-downsampled), with the task's hidden widths and batch size. ReLU only; the data
 * shifts {@code invert}/{@code shift} are not supported here (they are test-time shifts).
 *
 * <p>Layout: the stacked weights are [in, out] per slot, i.e. JAX's layout, and are declared
 * {@link dev.lobench.tasks.Param.Layout#GENERIC}, so the learned optimizers factor them exactly as the reference does
 * (d0/d1 chosen on [in, out]). The evaluation task stores the same weights [out, in] as LINEAR_OUT_IN, which the
 * learned optimizers translate back to the reference axes: meta-training and evaluation see the same features.
 *
 * <p>Seeds: every inner run's seed s (drawn by the estimator) is mapped to {@code SEED_BASE + (s >>> 2)}, so no
 * meta-training inner run ever uses a seed below 10^6 (benchmark runs use seeds 0..N-1). Only the training split is
 * used; the test split stays held out. The dataset is loaded on the first {@link #population} call.
 */
public final class TaskMlpProblem implements InnerProblem {
    public static final long SEED_BASE = 1_000_000L;

    private final String taskName;
    private final DataContext data;
    private final int resolution;
    private final int[] hidden;
    private final int batch;
    private BatchedMlpProblem problem;

    /** Validates the task (without loading data). */
    public TaskMlpProblem(String taskName, DataContext data) {
        Task t = TaskRegistry.get(taskName);
        if (!"mlp".equals(t.family())) {
            throw new UserError("meta-training supports tasks of the mlp family (e.g. fmnist8-mlp32, fmnist-mlp128x128); '"
                    + taskName + "' is a " + t.family() + " task");
        }
        Map<String, Object> p = t.parameters();
        if (!"relu".equals(String.valueOf(p.get("activation")))) {
            throw new UserError("meta-training supports ReLU MLP tasks only; '" + taskName + "' uses "
                    + p.get("activation"));
        }
        if (Boolean.TRUE.equals(p.get("invert")) || ((Number) p.getOrDefault("shift", 0)).intValue() != 0) {
            throw new UserError("meta-training does not support the data shifts invert/shift (task '" + taskName + "')");
        }
        if (((Number) p.getOrDefault("lossScale", 1.0)).doubleValue() != 1.0
                || ((Number) p.getOrDefault("labelNoise", 0.0)).doubleValue() != 0.0) {
            throw new UserError("meta-training does not support lossScale/labelNoise (task '" + taskName + "')");
        }
        this.taskName = taskName;
        this.data = data;
        this.resolution = ((Number) p.get("resolution")).intValue();
        List<?> h = (List<?>) p.get("hidden");
        this.hidden = h.stream().mapToInt(x -> ((Number) x).intValue()).toArray();
        this.batch = ((Number) p.get("batch")).intValue();
    }

    /**
     * The meta-training tasks a {@code --task} value names: a task name, a comma-separated list of task names, or the
     * family {@code mlp} (its registered tasks that meta-training supports: ReLU, no data shifts, no loss scale or
     * label noise). Unknown names are user errors.
     */
    public static List<String> expand(String spec) {
        String s = spec.trim();
        if (s.equals("mlp")) {
            List<String> out = new java.util.ArrayList<>();
            for (Task t : TaskRegistry.all()) {
                if ("mlp".equals(t.family())) {
                    try {
                        new TaskMlpProblem(t.name(), null);
                        out.add(t.name());
                    } catch (UserError e) {
                        // not supported for meta-training: skipped
                    }
                }
            }
            return out;
        }
        if (TaskRegistry.FAMILIES.contains(s)) {
            throw new UserError("meta-training supports the task family mlp (or mlp task names), not '" + s + "'");
        }
        List<String> out = new java.util.ArrayList<>();
        for (String part : s.split(",")) {
            String n = part.trim();
            if (n.isEmpty()) {
                throw new UserError("--task: empty task name in '" + spec + "'");
            }
            if (out.contains(n)) {
                throw new UserError("--task: task '" + n + "' given twice");
            }
            out.add(n);
        }
        return out;
    }

    public String taskName() {
        return taskName;
    }

    public int resolution() {
        return resolution;
    }

    public int[] hidden() {
        return hidden.clone();
    }

    public int batch() {
        return batch;
    }

    /** Recorded in checkpoints: a resume must use the same task. */
    @Override
    public String name() {
        return taskName + "/train";
    }

    /** Maps an estimator-drawn seed into [SEED_BASE, SEED_BASE + 2^62). */
    public static long innerSeed(long s) {
        return SEED_BASE + (s >>> 2);
    }

    private synchronized BatchedMlpProblem problem() {
        if (problem == null) {
            FashionMnist.Split train = FashionMnist.load(data, resolution).train();
            int[] labels = new int[train.count()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = train.labels()[i];
            }
            problem = new BatchedMlpProblem(name(), train.pixels(), labels, train.features(), FashionMnist.CLASSES,
                    hidden, batch);
        }
        return problem;
    }

    @Override
    public Population population(NDManager manager, int size) {
        return new SeedMapped(problem().population(manager, size));
    }

    /** A population whose runs are reset with seeds mapped by {@link #innerSeed}. */
    static final class SeedMapped implements Population {
        private final Population inner;

        SeedMapped(Population inner) {
            this.inner = inner;
        }

        /** The wrapped population (for tests and tools). */
        Population inner() {
            return inner;
        }

        @Override
        public int size() {
            return inner.size();
        }

        @Override
        public void reset(int slot, long seed, Optimizer opt) {
            inner.reset(slot, innerSeed(seed), opt);
        }

        @Override
        public void copy(int from, int to) {
            inner.copy(from, to);
        }

        @Override
        public double[] unroll(Optimizer[] opts, int[] steps, LossNormaliser norm, boolean[] nonFinite) {
            return inner.unroll(opts, steps, norm, nonFinite);
        }

        @Override
        public long step(int slot) {
            return inner.step(slot);
        }

        @Override
        public SlotSnapshot save(int slot) {
            return inner.save(slot);
        }

        @Override
        public void load(int slot, SlotSnapshot snapshot) {
            inner.load(slot, snapshot);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
