package dev.lobench.cli;

import dev.lobench.bench.RunEnvironment;
import dev.lobench.bench.overhead.OverheadRunner;
import dev.lobench.results.OverheadRun;
import dev.lobench.results.OverheadTable;
import dev.lobench.tasks.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "overhead", mixinStandardHelpOptions = true,
        description = {"Measure per-step cost with JMH: optimizer-only step (fixed random gradients) and full training "
                + "step (batch + forward + backward + update) per task x optimizer, plus a calibration benchmark. "
                + "Writes overhead.jsonl, the raw JMH JSON and jmh.log to --out, and prints the cost table.",
                "Join with quality results: lobench report RESULTS --overhead DIR."})
final class OverheadCommand implements Callable<Integer> {

    @Option(names = "--optimizers", split = ",", description = "Optimizer specs (default: adam,star,small-fc).")
    List<String> optimizers;

    @Option(names = {"-t", "--tasks"}, split = ",", description = "Task names and/or synthetic-10k|100k|1M (optimizer-only "
            + "only; synthetic-10M|100M for GPUs). Default: fmnist8-mlp32,fmnist-mlp128x128,fmnist-cnn16x32,fortunes-tf-w64-d2,synthetic-10k,"
            + "synthetic-100k,synthetic-1M; with --quick: fmnist8-mlp32,fmnist-cnn16x32,synthetic-100k.")
    List<String> tasks;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu (default) or gpu (needs a CUDA libtorch: "
            + "./lobench --libtorch DIR, see README 'GPU'). On gpu, learned optimizers with impl=auto run the reference "
            + "implementation.")
    String device;

    @Option(names = "--threads", description = "libtorch intra-op threads and fused-kernel threads (default: the "
            + "core count, as 'lobench run' uses).")
    Integer threads;

    @Option(names = "--quick", description = "Fewer tasks, 1 fork, short iterations (a few minutes).")
    boolean quick;

    @Option(names = "--forks", description = "JMH forks per benchmark (default 2, --quick 1; 0 = in this JVM).")
    Integer forks;

    @Option(names = {"-o", "--out"}, description = "Run directory (default: lobench-runs/<timestamp>-overhead).")
    Path out;

    @picocli.CommandLine.Mixin
    PluginOptions pluginOptions = new PluginOptions();

    @Override
    public Integer call() {
        pluginOptions.load();
        dev.lobench.bench.Devices.checkName(device);
        int n = threads != null ? threads : RunEnvironment.threads();
        int f = forks != null ? forks : quick ? 1 : 2;
        Path dir = out != null ? out : Path.of("lobench-runs",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-overhead");
        OutputGuard.checkNewRecord("overhead", dir, dev.lobench.results.OverheadStore.FILE_NAME);
        OverheadRunner.Config cfg = new OverheadRunner.Config(
                optimizers != null ? optimizers : OverheadRunner.DEFAULT_OPTIMIZERS,
                tasks != null ? tasks : quick ? OverheadRunner.QUICK_TASKS : OverheadRunner.DEFAULT_TASKS,
                device, n, quick, f, dir, String.join(" ", Main.currentArgs()));
        OverheadRunner runner = new OverheadRunner(cfg, System.err);
        runner.validate();
        System.err.println("lobench overhead: writing " + dir.resolve(dev.lobench.results.OverheadStore.FILE_NAME));
        OverheadRun run = runner.run();
        System.out.println(OverheadTable.markdown(run));
        return run.records().stream().allMatch(r -> r.ok()) ? 0 : 1;
    }
}
