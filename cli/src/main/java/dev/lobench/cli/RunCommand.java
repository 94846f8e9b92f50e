package dev.lobench.cli;

import dev.lobench.bench.RunPlan;
import dev.lobench.bench.SuiteRunner;
import dev.lobench.bench.Suites;
import dev.lobench.results.Report;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Train every (task, optimizer, seed) cell and write results (JSON Lines) to --out.")
final class RunCommand implements Callable<Integer> {

    @Option(names = "--suite", description = "A named suite (see 'lobench list suites').")
    String suite;

    @Option(names = {"-t", "--task"}, split = ",", description = "Task names (see 'lobench list tasks').")
    List<String> tasks;

    @Option(names = "--task-spec", paramLabel = "FILE",
            description = "A YAML or JSON task spec file (see README 'Task spec files').")
    Path taskSpec;

    @Option(names = "--optimizer", split = ",",
            description = "Optimizer specs, e.g. adam, adam:lr=3e-3, sgdm:lr=0.1,momentum=0.9 (see 'lobench list optimizers'). "
                    + "Separate several optimizers and the parameters of one optimizer with ','.")
    List<String> optimizers;

    @Option(names = "--seeds", description = "Seeds per cell (overrides the suite's).")
    Integer seeds;

    @Option(names = "--steps", description = "Training steps per cell (overrides the suite's/task's).")
    Integer steps;

    @Option(names = "--eval-every", description = "Test-set evaluation period in steps (default: steps/4).")
    Integer evalEvery;

    @Option(names = {"-o", "--out"}, description = "Results directory (default: lobench-runs/<timestamp>-<name>).")
    Path out;

    @picocli.CommandLine.Mixin
    DataOptions dataOptions = new DataOptions();

    @Option(names = "--format", defaultValue = "md", description = "Table printed at the end: md, csv, json.")
    String format;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue an interrupted run in DIR (same arguments): finished cells are skipped.")
    Path resume;

    @Option(names = "--shard", paramLabel = "i/n",
            description = "Run only the deterministic i-th of n parts of the cells (join shards with 'lobench merge').")
    String shard;

    @picocli.CommandLine.Mixin
    PluginOptions pluginOptions = new PluginOptions();

    @Option(names = "--divergence-factor", paramLabel = "F", description = "A cell stops as diverged when a minibatch "
            + "loss exceeds F x its initial loss (default 10, the metric's rule); inf: only a non-finite loss stops it. "
            + "Recorded in each cell's meta and in the cell keys (for diagnostics, e.g. whether a loss spike recovers).")
    String divergenceFactor;

    @Option(names = "--param-stats", description = "Record every parameter tensor's L2 norm and largest magnitude at "
            + "each evaluation (cell meta.paramStats), e.g. to see weights grow far past a learned optimizer's horizon.")
    boolean paramStats;

    @Option(names = "--loss-every", paramLabel = "K", description = "Record each cell's training loss as the mean of "
            + "every K consecutive steps (default 1: every step). For long runs: the record is about K times smaller; "
            + "divergence is still checked on every step and every metric stays in steps (see 'Strided records' in "
            + "docs/metrics.md). Part of the cell keys: a results directory holds one K.")
    Integer lossEvery;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu (default) or gpu (needs a CUDA libtorch: "
            + "./lobench --libtorch DIR, see README 'GPU'); recorded in the results header.")
    String device;

    @Override
    public Integer call() {
        pluginOptions.load();
        dev.lobench.bench.Devices.checkName(device);
        int sources = (suite != null ? 1 : 0) + (tasks != null && !tasks.isEmpty() ? 1 : 0) + (taskSpec != null ? 1 : 0);
        if (sources == 0) {
            throw new UserError("give --suite NAME, --task NAME[,NAME...] or --task-spec FILE "
                    + "(see 'lobench list suites|tasks')");
        }
        if (sources > 1) {
            throw new UserError("give only one of --suite, --task, --task-spec");
        }
        if (seeds != null && seeds < 1) {
            throw new UserError("--seeds must be >= 1, got " + seeds);
        }
        if (seeds != null && seeds > RunPlan.MAX_SEEDS) {
            throw new UserError("--seeds must be <= " + RunPlan.MAX_SEEDS + " (a plan's bound), got " + seeds);
        }
        if (steps != null && steps < 1) {
            throw new UserError("--steps must be >= 1, got " + steps);
        }
        if (steps != null && steps > RunPlan.MAX_STEPS) {
            throw new UserError("--steps must be <= " + RunPlan.MAX_STEPS + " (a plan's bound), got " + steps);
        }
        if (optimizers != null && dev.lobench.optimizers.OptimizerSpecs.join(optimizers).isEmpty()) {
            throw new UserError("--optimizer names no optimizer (see 'lobench list optimizers')");
        }
        if (lossEvery != null && lossEvery < 1) {
            throw new UserError("--loss-every must be >= 1, got " + lossEvery);
        }
        if (evalEvery != null && evalEvery < 0) {
            throw new UserError("--eval-every must be >= 0, got " + evalEvery);
        }
        Report.Format fmt = ReportCommand.parseFormat(format);
        RunPlan plan0 = suite != null
                ? RunPlan.ofSuite(Suites.get(suite), optimizers, seeds, steps, evalEvery)
                : taskSpec != null
                ? RunPlan.ofTaskSpecs(dev.lobench.tasks.TaskSpecFile.read(taskSpec),
                        taskSpec.getFileName().toString().replaceAll("\\.(ya?ml|json)$", ""), optimizers, seeds,
                        steps, evalEvery)
                : RunPlan.ofTasks(tasks, optimizers, seeds, steps, evalEvery);
        RunPlan plan = divergenceFactor == null ? plan0 : plan0.withDivergenceFactor(parseFactor(divergenceFactor));
        if (paramStats) {
            plan = plan.withParamStats();
        }
        if (lossEvery != null && lossEvery > 1) {
            plan = plan.withLossEvery(lossEvery);
        }
        if (shard != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)/(\\d+)").matcher(shard.trim());
            if (!m.matches()) {
                throw new UserError("--shard must look like i/n (e.g. 2/8), got '" + shard + "'");
            }
            plan = plan.shard(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        if (resume != null && out != null && !resume.equals(out)) {
            throw new UserError("give either --resume DIR or --out DIR, not both");
        }
        Path dir = resume != null ? resume : out != null ? out
                : Path.of("lobench-runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                        + "-" + plan.name());
        if (plan.cells().isEmpty()) {
            throw new UserError("the plan has no cells (no optimizer or no task); nothing to run");
        }
        announceLargePlan(plan, dev.lobench.bench.Calibration.load(dev.lobench.bench.Calibration.defaultFile()),
                System.err);
        DataContext data = dataOptions.context();
        SuiteRunner.Summary summary = new SuiteRunner(plan, data, dir, String.join(" ", Main.currentArgs()),
                resume != null, dev.lobench.bench.Progress.stderr(), planArguments()).onDevice(device).run();
        if (resume != null) {
            System.err.println("resumed: " + summary.skipped() + " finished cells kept, " + summary.ran() + " run now");
        }
        // stdout carries only the table asked for (so --format csv > t.csv is a clean CSV: one header, no blank
        // line); messages go to stderr
        String table = Report.render(summary.records(), fmt);
        System.out.print(table.endsWith("\n") ? table : table + "\n");
        System.err.println("results: " + summary.resultsFile().toAbsolutePath());
        return 0;
    }

    /** The options that define the plan, as typed (recorded in the results header, compared on --resume). */
    private java.util.Map<String, Object> planArguments() {
        java.util.Map<String, Object> a = new java.util.TreeMap<>();
        a.put("--suite", suite);
        a.put("--task", tasks == null ? null : String.join(",", tasks));
        a.put("--task-spec", taskSpec == null ? null : taskSpec.toString());
        a.put("--optimizer", optimizers == null ? null : String.join(",", optimizers));
        a.put("--seeds", seeds);
        a.put("--steps", steps);
        a.put("--eval-every", evalEvery);
        a.put("--shard", shard);
        if (divergenceFactor != null) {
            a.put("--divergence-factor", divergenceFactor);   // only when given: headers of earlier runs lack it
        }
        if (paramStats) {
            a.put("--param-stats", true);
        }
        if (lossEvery != null && lossEvery > 1) {
            a.put("--loss-every", lossEvery);   // only above 1: a default run's header is as before
        }
        return a;
    }

    static double parseFactor(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        double f;
        if (t.equals("inf") || t.equals("infinity")) {
            f = Double.POSITIVE_INFINITY;
        } else {
            try {
                f = Double.parseDouble(t);
            } catch (NumberFormatException e) {
                throw new UserError("--divergence-factor must be a number > 1 or inf, got '" + text + "'");
            }
        }
        if (!(f > 1)) {
            throw new UserError("--divergence-factor must be a number > 1 or inf, got '" + text + "'");
        }
        return f;
    }

    /** Prints the plan's size and estimated wall time before a plan estimated to take over an hour. */
    static void announceLargePlan(RunPlan plan, dev.lobench.bench.Calibration cal, java.io.PrintStream err) {
        double est = cal.estimateSeconds(plan.cells());
        if (est > 3600) {
            err.printf(java.util.Locale.ROOT, "lobench: plan %s: %d cells, %d training steps, estimated %.1f h"
                    + " on this machine%n", plan.name(), plan.cells().size(), plan.totalSteps(), est / 3600);
        } else if (Double.isNaN(est) && plan.totalSteps() > 1_000_000) {
            err.printf(java.util.Locale.ROOT, "lobench: plan %s: %d cells, %d training steps (wall time not"
                    + " estimated: this machine is not calibrated for every task)%n", plan.name(), plan.cells().size(),
                    plan.totalSteps());
        }
    }
}
