package dev.lobench.bench;

import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.TaskRegistry;
import dev.lobench.tasks.UserError;

import java.util.ArrayList;
import java.util.List;

/** The resolved cells of one `lobench run`, in execution order (task, then optimizer, then seed). */
public record RunPlan(String name, List<CellSpec> cells) {

    public static RunPlan ofSuite(Suite suite, List<String> optimizers, Integer seeds, Integer steps,
            Integer evalEvery) {
        List<String> opts = optimizers != null && !optimizers.isEmpty() ? joinOptimizerSpecs(optimizers) : suite.optimizers();
        int n = seeds != null ? seeds : suite.seeds();
        List<CellSpec> cells = new ArrayList<>();
        for (Suite.Entry e : suite.entries()) {
            Task task = TaskRegistry.get(e.task());
            int s = steps != null ? steps : e.steps();
            int ev = evalEvery != null ? evalEvery : (steps != null ? defaultEval(s) : e.evalEvery());
            addCells(cells, task, opts, n, s, ev);
        }
        return new RunPlan(suite.name(), cells);
    }

    public static RunPlan ofTasks(List<String> taskNames, List<String> optimizers, Integer seeds, Integer steps,
            Integer evalEvery) {
        List<String> opts = optimizers != null && !optimizers.isEmpty() ? joinOptimizerSpecs(optimizers) : List.of("adam");
        int n = seeds != null ? seeds : 1;
        List<CellSpec> cells = new ArrayList<>();
        for (String name : taskNames) {
            Task task = TaskRegistry.get(name.trim());
            int s = steps != null ? steps : task.defaultSteps();
            addCells(cells, task, opts, n, s, evalEvery != null ? evalEvery : defaultEval(s));
        }
        String name = taskNames.size() == 1 ? taskNames.get(0).trim() : "tasks";
        return new RunPlan(name, cells);
    }

    /**
     * Re-joins optimizer specs that a comma split apart: {@code sgdm:lr=0.1,momentum=0.9} arrives as
     * [{@code sgdm:lr=0.1}, {@code momentum=0.9}]; a token with '=' but no ':' continues the previous spec.
     */
    public static List<String> joinOptimizerSpecs(List<String> raw) {
        List<String> out = new ArrayList<>();
        for (String t : raw) {
            String s = t.trim();
            if (s.isEmpty()) {
                continue;
            }
            if (!out.isEmpty() && s.contains("=") && !s.contains(":")) {
                out.set(out.size() - 1, out.get(out.size() - 1) + "," + s);
            } else {
                out.add(s);
            }
        }
        return out;
    }

    private static void addCells(List<CellSpec> cells, Task task, List<String> opts, int seeds, int steps,
            int evalEvery) {
        if (steps < 1) {
            throw new UserError("steps must be >= 1 for task " + task.name());
        }
        for (String o : opts) {
            String spec = o.trim();
            dev.lobench.optimizers.Optimizer probe = OptimizerRegistry.create(spec, steps);
            for (int seed = 0; seed < seeds; seed++) {
                cells.add(new CellSpec(task, probe.name(), seed, steps, evalEvery, probe.identity()));
            }
        }
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
