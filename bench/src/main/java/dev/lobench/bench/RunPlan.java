package dev.lobench.bench;

import dev.lobench.optimizers.OptimizerSpecs;
import dev.lobench.optimizers.TypedOptimizerSpec;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.TaskRegistry;
import dev.lobench.tasks.UserError;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The resolved cells of one `lobench run`, in execution order (task, then optimizer, then seed). Optimizer spec texts
 * (the command line's, a suite's, a task spec file's) are parsed here, once ({@link OptimizerSpecs#expand}), and each is
 * validated once per step budget ({@link TypedOptimizerSpec#resolve}); cells hold the typed spec.
 */
public record RunPlan(String name, List<CellSpec> cells) {
    /** Bounds of one plan, checked before any cell is built (a typo like --seeds 2147483647 must not exhaust memory). */
    public static final int MAX_SEEDS = 10_000;
    public static final int MAX_STEPS = 100_000_000;
    public static final int MAX_CELLS = 100_000;

    public static RunPlan ofSuite(Suite suite, List<String> optimizers, Integer seeds, Integer steps,
            Integer evalEvery) {
        List<OptimizerSpecs.Parsed> opts = OptimizerSpecs.expand(optimizers != null && !optimizers.isEmpty() ? optimizers
                : suite.optimizers());
        Resolver resolver = new Resolver();
        int n = seeds != null ? seeds : suite.seeds();
        List<CellSpec> cells = new ArrayList<>();
        for (Suite.Entry e : suite.entries()) {
            Task task = TaskRegistry.get(e.task());
            if (e.label() != null) {
                task = TaskRegistry.renamed(task, e.label());
            }
            int s = steps != null ? steps : e.steps();
            int ev = evalEvery != null ? evalEvery : (steps != null ? defaultEval(s) : e.evalEvery());
            addCells(cells, task, opts, n, s, ev, resolver);
        }
        return new RunPlan(suite.name(), cells);
    }

    public static RunPlan ofTasks(List<String> taskNames, List<String> optimizers, Integer seeds, Integer steps,
            Integer evalEvery) {
        List<OptimizerSpecs.Parsed> opts = OptimizerSpecs.expand(optimizers != null && !optimizers.isEmpty() ? optimizers
                : List.of("adam"));
        Resolver resolver = new Resolver();
        int n = seeds != null ? seeds : 1;
        List<CellSpec> cells = new ArrayList<>();
        for (String name : taskNames) {
            Task task = TaskRegistry.get(name.trim());
            int s = steps != null ? steps : task.defaultSteps();
            addCells(cells, task, opts, n, s, evalEvery != null ? evalEvery : defaultEval(s), resolver);
        }
        String name = taskNames.size() == 1 ? taskNames.get(0).trim() : "tasks";
        return new RunPlan(name, cells);
    }

    /** Cells for the tasks of task spec files; the file's seeds/optimizers apply unless overridden. */
    public static RunPlan ofTaskSpecs(List<dev.lobench.tasks.TaskSpecFile.Entry> entries, String name,
            List<String> optimizers, Integer seeds, Integer steps, Integer evalEvery) {
        List<CellSpec> cells = new ArrayList<>();
        Resolver resolver = new Resolver();
        for (dev.lobench.tasks.TaskSpecFile.Entry e : entries) {
            List<OptimizerSpecs.Parsed> opts = OptimizerSpecs.expand(optimizers != null && !optimizers.isEmpty()
                    ? optimizers : e.optimizers() != null ? e.optimizers() : List.of("adam"));
            int n = seeds != null ? seeds : e.seeds() != null ? e.seeds() : 1;
            int s = steps != null ? steps : e.task().defaultSteps();
            addCells(cells, e.task(), opts, n, s, evalEvery != null ? evalEvery : defaultEval(s), resolver);
        }
        return new RunPlan(name, cells);
    }

    /** Validates each parsed spec once per step budget (building a learned optimizer reads its weights). */
    private static final class Resolver {
        private final Map<OptimizerSpecs.Parsed, Map<Integer, TypedOptimizerSpec>> done = new HashMap<>();

        TypedOptimizerSpec get(OptimizerSpecs.Parsed p, int steps) {
            return done.computeIfAbsent(p, k -> new HashMap<>()).computeIfAbsent(steps,
                    k -> TypedOptimizerSpec.resolve(p, steps));
        }
    }

    private static void addCells(List<CellSpec> cells, Task task, List<OptimizerSpecs.Parsed> opts, int seeds,
            int steps, int evalEvery, Resolver resolver) {
        if (steps < 1) {
            throw new UserError("steps must be >= 1 for task " + task.name());
        }
        if (steps > MAX_STEPS) {
            throw new UserError("steps must be <= " + MAX_STEPS + " for task " + task.name() + ", got " + steps);
        }
        if (seeds < 1 || seeds > MAX_SEEDS) {
            throw new UserError("seeds must be 1.." + MAX_SEEDS + " for task " + task.name() + ", got " + seeds);
        }
        if ((long) cells.size() + (long) opts.size() * seeds > MAX_CELLS) {
            throw new UserError("the plan has more than " + MAX_CELLS + " cells (" + opts.size() + " optimizers x "
                    + seeds + " seeds on task " + task.name() + " alone); split it with --shard or fewer seeds");
        }
        for (OptimizerSpecs.Parsed o : opts) {
            TypedOptimizerSpec spec = resolver.get(o, steps);
            for (int seed = 0; seed < seeds; seed++) {
                cells.add(new CellSpec(task, spec, seed, steps, evalEvery));
            }
        }
    }

    /**
     * This plan with every cell's divergence factor set to {@code factor} (> 1; +Infinity: stop only on a non-finite
     * loss).
     */
    public RunPlan withDivergenceFactor(double factor) {
        if (!(factor > 1)) {
            throw new UserError("--divergence-factor must be > 1 (or inf), got " + factor);
        }
        return new RunPlan(name, cells.stream().map(c -> c.withDivergenceFactor(factor)).toList());
    }

    /**
     * This plan with every cell recording its training losses as means of blocks of {@code k} steps
     * ({@code run --loss-every}; 1: every step, the plan as it is).
     */
    public RunPlan withLossEvery(int k) {
        if (k < 1) {
            throw new UserError("--loss-every must be >= 1, got " + k);
        }
        return new RunPlan(name, cells.stream().map(c -> c.withLossEvery(k)).toList());
    }

    /** This plan with parameter statistics at every evaluation of every cell ({@code run --param-stats}). */
    public RunPlan withParamStats() {
        return new RunPlan(name, cells.stream().map(c -> c.withParamStats(true)).toList());
    }

    /**
     * The deterministic 1/n of the cells for shard {@code index} (1-based): cells whose position in the full plan
     * is congruent to index-1 mod n. The shards of one plan partition it exactly.
     */
    public RunPlan shard(int index, int count) {
        if (count < 1 || index < 1 || index > count) {
            throw new UserError("--shard must be i/n with 1 <= i <= n, got " + index + "/" + count);
        }
        List<CellSpec> part = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            if (i % count == index - 1) {
                part.add(cells.get(i));
            }
        }
        return new RunPlan(name + "-shard" + index + "of" + count, part);
    }

    static int defaultEval(int steps) {
        return Math.max(1, steps / 4);
    }

    public long totalSteps() {
        long s = 0;
        for (CellSpec c : cells) {
            s += c.steps();
        }
        return s;
    }
}
