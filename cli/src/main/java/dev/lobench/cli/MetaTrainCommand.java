package dev.lobench.cli;

import dev.lobench.bench.RunEnvironment;
import dev.lobench.meta.Estimator;
import dev.lobench.meta.MetaTrainer;
import dev.lobench.meta.SafetensorsThetaSink;
import dev.lobench.meta.TaskMlpProblem;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "meta-train", mixinStandardHelpOptions = true,
        description = {"Meta-train a learned optimizer (star, small-fc or velo-style) on MLP tasks with an ES estimator "
                + "(docs/learned-optimizers.md section 3) and write its weights as safetensors.",
            "Next to --out: <out>.ckpt (checkpoint, every --checkpoint-every outer steps and at the end) and "
                + "<out>.jsonl (one JSON line per outer step). Inner runs use the task's training split and seeds >= 10^6."})
final class MetaTrainCommand implements Callable<Integer> {
    @Option(names = "--arch", required = true, description = "Learned optimizer architecture: star, small-fc, velo-style.")
    String arch;

    @Option(names = "--lstm", description = "velo-style: LSTM width (default 32; published VeLO: 512).")
    Integer lstm;

    @Option(names = "--bank", description = "velo-style: number of per-element MLPs (default 16; published: 256).")
    Integer bank;

    @Option(names = {"-t", "--task"}, defaultValue = "fmnist8-mlp32",
            description = "Meta-training task: an mlp-family task, several (comma-separated; particle pair i trains "
                    + "task i mod T) or the family mlp (all its supported tasks) (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--estimator", defaultValue = "pes", description = "pes, tes or fes (default: ${DEFAULT-VALUE}).")
    String estimator;

    @Option(names = "--sign-only", description = "fes only: use sign(L+ - L-) (VeLO's variant).")
    boolean signOnly;

    @Option(names = "--particles", defaultValue = "8", description = "Antithetic particle pairs (default: ${DEFAULT-VALUE}).")
    int particles;

    @Option(names = "--trunc", defaultValue = "50", description = "Inner steps per truncated unroll (default: ${DEFAULT-VALUE}).")
    int trunc;

    @Option(names = "--horizon", defaultValue = "2000", description = "Inner run length in steps (default: ${DEFAULT-VALUE}).")
    int horizon;

    @Option(names = "--outer-steps", required = true, description = "Total outer (meta) steps.")
    int outerSteps;

    @Option(names = "--sigma", defaultValue = "0.01", description = "ES perturbation std (default: ${DEFAULT-VALUE}).")
    double sigma;

    @Option(names = "--meta-lr", defaultValue = "3e-4", description = "Outer Adam learning rate (default: ${DEFAULT-VALUE}).")
    double metaLr;

    @Option(names = "--meta-wd", defaultValue = "0",
            description = "Decoupled weight decay on theta: theta -= meta-lr * meta-wd * theta each outer step (default: ${DEFAULT-VALUE}).")
    double metaWd;

    @Option(names = "--loss-normaliser", defaultValue = "clip",
            description = "How each inner step's training loss enters the meta-objective: clip (to [0, 1.5 ln classes], "
                    + "NaN/Inf -> that maximum) or none (raw losses) (default: ${DEFAULT-VALUE}).")
    String lossNormaliser;

    @Option(names = "--head-init",
            description = "star/small-fc output layer at the start: code (random, as the public code) or zero-direction "
                    + "(direction column 0: star starts as exactly its nominal Adam-like term). Default: zero-direction "
                    + "for star, code for small-fc.")
    String headInit;

    @Option(names = "--step-mult",
            description = "star/small-fc: the learned term's step multiplier, a fixed constant recorded in the weights' "
                    + "config (the public code's step_mult; default 0.001). star's learned term is step-mult * d * "
                    + "exp(0.001 a) * rsqrt(rms + 1e-6), and rsqrt reaches 1000 where gradients are small.")
    Float stepMult;

    @Option(names = "--snapshot-every", defaultValue = "0",
            description = "Also write theta every K outer steps to <out>.snapshots/ (0 = never) (default: ${DEFAULT-VALUE}).")
    int snapshotEvery;

    @Option(names = "--seed", defaultValue = "0", description = "Theta-init and estimator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-o", "--out"}, required = true, description = "Weights file to write (.safetensors).")
    Path out;

    @Option(names = "--resume", description = "Continue from <out>.ckpt (same settings required).")
    boolean resume;

    @Option(names = "--checkpoint-every", defaultValue = "50",
            description = "Checkpoint period in outer steps (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--threads",
            description = "Intra-op threads (libtorch and the learned optimizer kernel); default: -Dai.djl.pytorch.num_threads, else all cores.")
    Integer threads;

    @picocli.CommandLine.Mixin
    DataOptions dataOptions = new DataOptions();

    @Override
    public Integer call() throws Exception {
        dev.lobench.meta.MetaArchFactory factory = dev.lobench.meta.MetaArchFactory.get(arch);
        Estimator.Kind kind = Estimator.Kind.parse(estimator);
        dev.lobench.meta.LossNormaliser norm = dev.lobench.meta.LossNormaliser.parse(lossNormaliser);
        if (threads != null && threads < 1) {
            throw new UserError("--threads must be >= 1, got " + threads);
        }
        if (!out.getFileName().toString().endsWith(".safetensors")) {
            throw new UserError("--out must name a .safetensors file, got " + out);
        }
        if (threads != null) {
            // read by DJL's PyTorch engine when it starts (the first NDManager below)
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        int t = threads != null ? threads : RunEnvironment.threads();
        DataContext dc = dataOptions.context();
        List<String> taskNames = TaskMlpProblem.expand(task);
        dev.lobench.meta.InnerProblem problem;
        if (taskNames.size() == 1) {
            problem = new TaskMlpProblem(taskNames.get(0), dc);
        } else {
            if (particles < taskNames.size()) {
                throw new UserError("--task " + task + " names " + taskNames.size() + " tasks; --particles must be at "
                        + "least that (one particle pair per task), got " + particles);
            }
            List<TaskMlpProblem> ps = new java.util.ArrayList<>();
            for (String n : taskNames) {
                ps.add(new TaskMlpProblem(n, dc));
            }
            problem = new dev.lobench.meta.MultiTaskProblem(ps);
        }
        dev.lobench.meta.MetaArchFactory.Settings settings =
                new dev.lobench.meta.MetaArchFactory.Settings(t, horizon, headInit, stepMult, lstm, bank);
        dev.lobench.meta.MetaArch metaArch = factory.create(settings);
        MetaTrainer.Config cfg = MetaTrainer.builder(metaArch, problem, out)
                .estimator(kind).signOnly(signOnly).particles(particles).trunc(trunc).horizon(horizon)
                .outerSteps(outerSteps).sigma(sigma).metaLr(metaLr).metaWd(metaWd).seed(seed)
                .checkpointEvery(checkpointEvery).resume(resume).lossNormaliser(norm).snapshotEvery(snapshotEvery).build();
        if (resume && !Files.exists(cfg.checkpointPath()) && !Files.exists(cfg.lightCheckpointPath())) {
            throw new UserError("cannot resume: no checkpoint at " + cfg.checkpointPath()
                    + "; run without --resume to start");
        }
        if (!resume && (Files.exists(cfg.checkpointPath()) || Files.exists(cfg.lightCheckpointPath()))) {
            throw new UserError("checkpoint " + (Files.exists(cfg.checkpointPath()) ? cfg.checkpointPath() : cfg.lightCheckpointPath())
                    + " exists; pass --resume to continue it or delete it to start over");
        }
        if (!resume && !cfg.earlierOutputs().isEmpty()) {
            throw MetaTrainer.earlierRun(cfg);
        }
        // every task's data before meta-training starts (found, fetched, or one message naming what is missing)
        dev.lobench.tasks.preflight.DataPreflight.check(taskNames.stream().map(dev.lobench.tasks.TaskRegistry::get).toList(),
                dc);
        System.err.printf(Locale.ROOT, "lobench meta-train: %s on %s, %s %d particles x trunc %d, horizon %d, "
                + "%d outer steps, sigma %g, meta-lr %g, meta-wd %g (decoupled), loss normaliser %s%s, seed %d, %d thread(s)%s%n",
                arch, task, kind.name().toLowerCase(Locale.ROOT), particles, trunc, horizon, outerSteps, sigma, metaLr,
                metaWd, norm.id(), factory.describe(settings), seed, t, resume ? ", resuming" : "");
        MetaTrainer.Result r = MetaTrainer.run(cfg, new SafetensorsThetaSink(cfg, taskNames.size() == 1 ? taskNames.get(0) : task,
                RunEnvironment.gitCommit()));
        String last = r.outerSteps() == 0 ? "no meta-loss (the weights are the initial ones)"
                : String.format(Locale.ROOT, "last meta-loss %.5g", r.lastMetaLoss());
        System.out.printf(Locale.ROOT, "%s: %d outer steps, %s%nweights: %s%nlog: %s%ncheckpoint: %s%n",
                arch, r.outerSteps(), last, out.toAbsolutePath(), cfg.logPath().toAbsolutePath(),
                cfg.checkpointPath().toAbsolutePath());
        return 0;
    }
}
