package dev.lobench.bench;

import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.TaskRegistry;
import dev.lobench.tasks.UserError;

import java.util.ArrayList;
import java.util.List;

/** The resolved cells of one `lobench run`, in execution order (task, then optimizer, then seed). */
public record RunPlan(String name, List<CellSpec> cells) {
    /** Bounds of one plan, checked before any cell is built (a typo like --seeds 2147483647 must not exhaust memory). */
    public static final int MAX_SEEDS = 10_000;
    public static final int MAX_STEPS = 100_000_000;
    public static final int MAX_CELLS = 100_000;

    public static RunPlan ofSuite(Suite suite, List<String> optimizers, Integer seeds, Integer steps,
            Integer evalEvery) {
        List<String> opts = joinOptimizerSpecs(optimizers != null && !optimizers.isEmpty() ? optimizers : suite.optimizers());
        int n = seeds != null ? seeds : suite.seeds();
        List<CellSpec> cells = new ArrayList<>();
        for (Suite.Entry e : suite.entries()) {
            Task task = TaskRegistry.get(e.task());
            if (e.label() != null) {
                task = TaskRegistry.renamed(task, e.label());
            }
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
        return expandTuned(joinSpecs(raw));
    }

    /** Base optimizers that have a {@code NAME-tuned} learning-rate-grid protocol. */
    public static final List<String> TUNABLE = List.of("adam", "adamw", "sgdm", "nesterov", "sgd");

    /**
     * Expands {@code adam-tuned[:lrs=7,min=1e-4,max=1e-1,...]} (likewise adamw-tuned, sgdm-tuned, ...) into the
     * learning-rate grid it stands for: {@code lrs} log-spaced values from {@code min} to {@code max} (rounded to
     * 3 significant digits), each an ordinary optimizer spec; other parameters pass through to the base optimizer.
     * The report picks the best learning rate per task (tuned-Adam protocol).
     */
    public static List<String> expandTuned(List<String> specs) {
        List<String> out = new ArrayList<>();
        for (String spec : specs) {
            int colon = spec.indexOf(':');
            String name = (colon < 0 ? spec : spec.substring(0, colon)).trim();
            if (!name.endsWith("-tuned")) {
                out.add(spec);
                continue;
            }
            String base = name.substring(0, name.length() - "-tuned".length());
            List<String> tunable = new ArrayList<>(TUNABLE);
            tunable.addAll(OptimizerRegistry.tunablePlugins());
            if (!tunable.contains(base)) {
                throw new UserError("unknown tuned optimizer '" + name + "'; valid: "
                        + String.join(", ", tunable.stream().map(b -> b + "-tuned").toList()));
            }
            int n = 7;
            double lo = 1e-4;
            double hi = 1e-1;
            List<String> rest = new ArrayList<>();
            if (colon >= 0) {
                for (String kv : spec.substring(colon + 1).split(",")) {
                    String t = kv.trim();
                    if (t.isEmpty()) {
                        continue;
                    }
                    int eq = t.indexOf('=');
                    if (eq < 0) {
                        throw new UserError("optimizer '" + name + "': expected key=value, got '" + t + "'");
                    }
                    String k = t.substring(0, eq).trim();
                    String v = t.substring(eq + 1).trim();
                    try {
                        switch (k) {
                            case "lrs" -> n = Integer.parseInt(v);
                            case "min" -> lo = Double.parseDouble(v);
                            case "max" -> hi = Double.parseDouble(v);
                            case "lr" -> throw new UserError("optimizer '" + name
                                    + "': the learning rate is tuned; set the grid with lrs=N,min=A,max=B");
                            default -> rest.add(k + "=" + v);
                        }
                    } catch (NumberFormatException e) {
                        throw new UserError("optimizer '" + name + "': " + k + " must be a number, got '" + v + "'");
                    }
                }
            }
            if (n < 1 || n > 50) {
                throw new UserError("optimizer '" + name + "': lrs must be 1..50, got " + n);
            }
            if (!(lo > 0) || !(hi >= lo) || !Double.isFinite(hi)) {
                throw new UserError("optimizer '" + name + "': need 0 < min <= max, got min=" + lo + " max=" + hi);
            }
            for (double lr : lrGrid(lo, hi, n)) {
                StringBuilder sb = new StringBuilder(base).append(":lr=").append(lr);
                for (String r : rest) {
                    sb.append(',').append(r);
                }
                out.add(sb.toString());
            }
        }
        return out;
    }

    /** {@code n} log-spaced values from lo to hi inclusive, rounded to 3 significant digits. */
    public static List<Double> lrGrid(double lo, double hi, int n) {
        List<Double> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double v = n == 1 ? lo : lo * Math.pow(hi / lo, (double) i / (n - 1));
            l.add(new java.math.BigDecimal(v).round(new java.math.MathContext(3)).doubleValue());
        }
        return l;
    }

    private static List<String> joinSpecs(List<String> raw) {
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

    /** Cells for the tasks of task spec files; the file's seeds/optimizers apply unless overridden. */
    public static RunPlan ofTaskSpecs(List<dev.lobench.tasks.TaskSpecFile.Entry> entries, String name,
            List<String> optimizers, Integer seeds, Integer steps, Integer evalEvery) {
        List<CellSpec> cells = new ArrayList<>();
        for (dev.lobench.tasks.TaskSpecFile.Entry e : entries) {
            List<String> opts = optimizers != null && !optimizers.isEmpty() ? joinOptimizerSpecs(optimizers)
                    : e.optimizers() != null ? joinOptimizerSpecs(e.optimizers()) : List.of("adam");
            int n = seeds != null ? seeds : e.seeds() != null ? e.seeds() : 1;
            int s = steps != null ? steps : e.task().defaultSteps();
            addCells(cells, e.task(), opts, n, s, evalEvery != null ? evalEvery : defaultEval(s));
        }
        return new RunPlan(name, cells);
    }

    private static void addCells(List<CellSpec> cells, Task task, List<String> opts, int seeds, int steps,
            int evalEvery) {
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
        for (String o : opts) {
            String spec = o.trim();
            dev.lobench.optimizers.Optimizer probe = OptimizerRegistry.create(spec, steps);
            for (int seed = 0; seed < seeds; seed++) {
                cells.add(new CellSpec(task, probe.name(), seed, steps, evalEvery, probe.identity()));
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
