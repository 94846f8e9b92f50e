package dev.lobench.cli;

import dev.lobench.bench.Suite;
import dev.lobench.bench.Suites;
import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.tasks.Names;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.TaskRegistry;
import dev.lobench.tasks.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List tasks, suites or optimizers.")
final class ListCommand implements Callable<Integer> {
    private static final List<String> WHAT = List.of("tasks", "suites", "optimizers");

    @Parameters(index = "0", paramLabel = "WHAT", description = "tasks, suites or optimizers")
    String what;

    @Option(names = "--family", description = "With 'tasks': show only this family and the parameters it accepts.")
    String family;

    @picocli.CommandLine.Mixin
    PluginOptions pluginOptions = new PluginOptions();

    @Override
    public Integer call() {
        pluginOptions.load();
        switch (what) {
            case "tasks" -> listTasks();
            case "suites" -> listSuites();
            case "optimizers" -> listOptimizers();
            default -> throw new UserError(Names.unknown("list target", what, WHAT));
        }
        return 0;
    }

    private void listTasks() {
        dev.lobench.tasks.Family only = family == null ? null : TaskRegistry.family(family);
        List<String> families = only == null ? TaskRegistry.FAMILIES : List.of(only.name());
        System.out.printf("%-24s %-12s %10s %7s  %s%n", "TASK", "FAMILY", "PARAMS", "STEPS", "DEFINITION");
        for (Task t : TaskRegistry.all()) {
            if (families.contains(t.family())) {
                System.out.printf("%-24s %-12s %10d %7d  %s%n", t.name(), t.family(), t.numParams(), t.defaultSteps(),
                        compact(t.parameters()));
            }
        }
        if (only != null) {
            System.out.println();
            System.out.println("family " + only.name() + ": " + only.summary());
            System.out.println("parameters (for --task-spec files):");
            for (String line : only.describeParameters()) {
                System.out.println("  " + line);
            }
        } else {
            System.out.println();
            System.out.println("families: " + String.join(", ", TaskRegistry.FAMILIES)
                    + " ('lobench list tasks --family F' shows a family's parameters)");
        }
    }

    private static String compact(Map<String, Object> p) {
        StringBuilder sb = new StringBuilder();
        p.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return sb.toString().replace(" ", " ").replace(", ", ",");
    }

    @Option(names = "--no-calibrate", description = "With 'suites': do not measure missing step times.")
    boolean noCalibrate;

    private void listSuites() {
        dev.lobench.bench.Calibration cal = dev.lobench.bench.Calibration.load(
                dev.lobench.bench.Calibration.defaultFile());
        dev.lobench.tasks.DataContext data = dev.lobench.tasks.DataContext.defaults();
        if (!noCalibrate) {
            java.util.List<dev.lobench.bench.CellSpec> all = new java.util.ArrayList<>();
            for (Suite s : Suites.all()) {
                all.addAll(dev.lobench.bench.RunPlan.ofSuite(s, null, 1, null, null).cells());
            }
            cal.measureMissing(all, data, msg -> System.err.println(msg));
            cal.save();
        }
        for (Suite s : Suites.all()) {
            double est = cal.estimateSeconds(dev.lobench.bench.RunPlan.ofSuite(s, null, null, null, null).cells());
            System.out.printf("%s: %s%n", s.name(), s.description());
            System.out.printf("  %d cells = %d tasks x %d optimizers x %d seeds; %d training steps; estimated %s here%n",
                    s.cellCount(), s.entries().size(), dev.lobench.optimizers.OptimizerSpecs.expand(s.optimizers()).size(),
                    s.seeds(), s.totalSteps(), Double.isNaN(est) ? "? (not calibrated)" : duration(est));
            for (Suite.Entry e : s.entries()) {
                System.out.printf("    %-28s %7d steps%n", e.label() != null ? e.label() : e.task(), e.steps());
            }
            System.out.println("    optimizers: " + String.join(", ", s.optimizers()));
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        if (s >= 60) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        return s + "s";
    }

    private void listOptimizers() {
        System.out.printf("%-10s %-44s %s%n", "NAME", "PARAMETERS (defaults)", "DESCRIPTION");
        for (OptimizerRegistry.Entry e : OptimizerRegistry.entries()) {
            StringBuilder p = new StringBuilder();
            e.defaults().forEach((k, v) -> p.append(p.length() == 0 ? "" : ",").append(k).append('=').append(v));
            String origin = OptimizerRegistry.origin(e.name()).map(o -> " [" + o + "]").orElse("");
            System.out.printf("%-10s %-44s %s%s%n", e.name(), p, e.description(), origin);
        }
        System.out.println();
        System.out.println("shipped weights (weights=auto):");
        for (String name : dev.lobench.optimizers.learned.LearnedOptimizers.learnedNames()) {
            dev.lobench.optimizers.learned.LearnedOptimizers.ShippedInfo info =
                    dev.lobench.optimizers.learned.LearnedOptimizers.shippedInfo(name);
            System.out.printf("  %-10s %s%n", name, info == null ? "none (runs from theta-init, weights=init:0)"
                    : info.summary() + ", sha256 " + info.sha256().substring(0, 12));
        }
        System.out.println("also shipped, by name (e.g. star:weights=star-fmnist8-v1):");
        for (String name : dev.lobench.optimizers.learned.LearnedOptimizers.extraShippedNames()) {
            dev.lobench.optimizers.learned.LearnedOptimizers.ShippedInfo info =
                    dev.lobench.optimizers.learned.LearnedOptimizers.shippedInfo(name);
            if (info != null) {
                System.out.printf("  %-19s %s, sha256 %s%n", name, info.summary(), info.sha256().substring(0, 12));
            }
        }
        System.out.println();
        System.out.println("spec syntax: NAME or NAME:key=value,key=value (e.g. adam:lr=3e-3, star:weights=init:7)");
    }
}
