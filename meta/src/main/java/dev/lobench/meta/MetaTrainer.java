package dev.lobench.meta;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lobench.tasks.UserError;
import dev.lobench.optimizers.learned.Theta;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Meta-trains a {@link MetaArch} on an {@link InnerProblem} with an ES estimator and outer Adam (docs/learned-optimizers.md section 3).
 *
 * <p>Files, next to {@code out}: {@code <out>.ckpt} (checkpoint, written atomically every {@code checkpointEvery}
 * outer steps and at the end) and {@code <out>.jsonl} (one JSON line per outer step, keys:
 * {@link MetaLogKey}). The final theta goes to the
 * {@link ThetaSink} with {@code out}. With {@code resume}, training continues from the checkpoint and reaches the
 * same theta, bit for bit, as an uninterrupted run with the same config.
 */
public final class MetaTrainer {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Meta-training settings; see {@link #builder(MetaArch, InnerProblem, Path)} for defaults. */
    public record Config(MetaArch arch, InnerProblem problem, Estimator.Kind estimator, int particles, int trunc,
            int horizon, int outerSteps, double sigma, double metaLr, double metaWd, long seed, Path out,
            int checkpointEvery, boolean resume, boolean signOnly, LossNormaliser lossNormaliser, int snapshotEvery) {

        public Config(MetaArch arch, InnerProblem problem, Estimator.Kind estimator, int particles, int trunc,
                int horizon, int outerSteps, double sigma, double metaLr, double metaWd, long seed, Path out,
                int checkpointEvery, boolean resume, boolean signOnly) {
            this(arch, problem, estimator, particles, trunc, horizon, outerSteps, sigma, metaLr, metaWd, seed, out,
                    checkpointEvery, resume, signOnly, LossNormaliser.NONE, 0);
        }

        public Config {
            Objects.requireNonNull(lossNormaliser, "lossNormaliser");
            require(snapshotEvery >= 0, "--snapshot-every must be >= 0, got " + snapshotEvery);
            Objects.requireNonNull(arch, "arch");
            Objects.requireNonNull(problem, "problem");
            Objects.requireNonNull(estimator, "estimator");
            Objects.requireNonNull(out, "out");
            require(particles >= 1, "--particles must be >= 1, got " + particles);
            require(trunc >= 1, "--trunc must be >= 1, got " + trunc);
            require(horizon >= 1, "--horizon must be >= 1, got " + horizon);
            require(outerSteps >= 0, "--outer-steps must be >= 0, got " + outerSteps);
            require(Double.isFinite(sigma) && sigma > 0, "--sigma must be a positive number, got " + sigma);
            require(Double.isFinite(metaLr) && metaLr > 0, "--meta-lr must be a positive number, got " + metaLr);
            require(Double.isFinite(metaWd) && metaWd >= 0, "--meta-wd must be >= 0, got " + metaWd);
            require(checkpointEvery >= 1, "--checkpoint-every must be >= 1, got " + checkpointEvery);
            require(!signOnly || estimator == Estimator.Kind.FES, "sign-only gradients are only defined for --estimator fes");
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new UserError(message);
            }
        }

        public Path checkpointPath() {
            return out.resolveSibling(out.getFileName() + ".ckpt");
        }

        public Path logPath() {
            return out.resolveSibling(out.getFileName() + ".jsonl");
        }

        /**
         * The light checkpoint ({@code <out>.light.ckpt}): theta, outer Adam state, RNG and counters, without the inner
         * runs. Small enough to keep in version control; {@code --resume} falls back to it (inner runs restart) when
         * the full checkpoint is gone.
         */
        public Path lightCheckpointPath() {
            return out.resolveSibling(out.getFileName() + ".light.ckpt");
        }

        /** Folder of the theta snapshots ({@code <out>.snapshots}, one file per {@code snapshotEvery} outer steps). */
        public Path snapshotDir() {
            return out.resolveSibling(out.getFileName() + ".snapshots");
        }

        /**
         * What an earlier run at this {@code out} left that a fresh start would replace: the weights, the log (also
         * gzipped, as committed) and the snapshot folder, those that exist. Checkpoints are checked apart (they
         * offer {@code --resume}).
         */
        public List<Path> earlierOutputs() {
            List<Path> found = new java.util.ArrayList<>();
            for (Path p : new Path[] {out, logPath(), logPath().resolveSibling(logPath().getFileName() + ".gz"),
                snapshotDir()}) {
                if (Files.exists(p)) {
                    found.add(p);
                }
            }
            return found;
        }

        /** Snapshot file of outer step {@code step}. */
        public Path snapshotPath(int step) {
            String f = out.getFileName().toString();
            String base = f.endsWith(".safetensors") ? f.substring(0, f.length() - ".safetensors".length()) : f;
            return snapshotDir().resolve(base + String.format(java.util.Locale.ROOT, "-outer%06d.safetensors", step));
        }
    }

    /** Config builder with the defaults: PES, 8 particles, trunc 50, horizon 2000, sigma 0.01, lr 3e-4. */
    public static final class Builder {
        private final MetaArch arch;
        private final InnerProblem problem;
        private final Path out;
        private Estimator.Kind estimator = Estimator.Kind.PES;
        private int particles = 8;
        private int trunc = 50;
        private int horizon = 2000;
        private int outerSteps = 1000;
        private double sigma = 0.01;
        private double metaLr = 3e-4;
        private double metaWd = 0.0;
        private long seed = 0;
        private int checkpointEvery = 50;
        private boolean resume;
        private boolean signOnly;
        private LossNormaliser lossNormaliser = LossNormaliser.NONE;
        private int snapshotEvery;

        private Builder(MetaArch arch, InnerProblem problem, Path out) {
            this.arch = arch;
            this.problem = problem;
            this.out = out;
        }

        public Builder estimator(Estimator.Kind v) { estimator = v; return this; }
        public Builder particles(int v) { particles = v; return this; }
        public Builder trunc(int v) { trunc = v; return this; }
        public Builder horizon(int v) { horizon = v; return this; }
        public Builder outerSteps(int v) { outerSteps = v; return this; }
        public Builder sigma(double v) { sigma = v; return this; }
        public Builder metaLr(double v) { metaLr = v; return this; }
        public Builder metaWd(double v) { metaWd = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
        public Builder resume(boolean v) { resume = v; return this; }
        public Builder signOnly(boolean v) { signOnly = v; return this; }
        public Builder lossNormaliser(LossNormaliser v) { lossNormaliser = v; return this; }
        public Builder snapshotEvery(int v) { snapshotEvery = v; return this; }

        public Config build() {
            return new Config(arch, problem, estimator, particles, trunc, horizon, outerSteps, sigma, metaLr, metaWd,
                    seed, out, checkpointEvery, resume, signOnly, lossNormaliser, snapshotEvery);
        }
    }

    public static Builder builder(MetaArch arch, InnerProblem problem, Path out) {
        return new Builder(arch, problem, out);
    }

    /** Outcome of a run: the final theta, outer steps completed in total, the last meta-loss. */
    public record Result(float[] theta, int outerSteps, double lastMetaLoss) {}

    private MetaTrainer() {}

    public static Result run(Config cfg, ThetaSink sink) throws IOException {
        return run(cfg, sink, progressOnTerminal(System.getProperty("lobench.stderrTty"), System.console() != null,
                System.getenv("LOBENCH_PROGRESS")) ? System.err : null);
    }

    /**
     * Whether to redraw the progress line on stderr: only when stderr is a terminal, which the {@code ./lobench}
     * launcher states with {@code -Dlobench.stderrTty=true|false} ({@code [ -t 2 ]}); without that property (a plain
     * {@code java -jar}) the JVM's console test (stdin and stdout on a terminal) decides. {@code LOBENCH_PROGRESS=0}
     * turns it off. A log file never gets {@code \r} redraw frames.
     */
    static boolean progressOnTerminal(String stderrTtyProperty, boolean console, String progressEnv) {
        if ("0".equals(progressEnv)) {
            return false;
        }
        return stderrTtyProperty != null ? Boolean.parseBoolean(stderrTtyProperty) : console;
    }

    /** The refusal of a fresh start over an earlier run's outputs (see {@link Config#earlierOutputs}). */
    public static UserError earlierRun(Config cfg) {
        return new UserError("--out " + cfg.out() + ": an earlier run's outputs exist (" + String.join(", ",
                cfg.earlierOutputs().stream().map(Path::toString).toList()) + ") and no checkpoint to resume; choose"
                + " another --out, or move them away to start over");
    }

    /** @param progress where to redraw the progress line, or null for none */
    public static Result run(Config cfg, ThetaSink sink, PrintStream progress) throws IOException {
        MetaArch arch = cfg.arch();
        Path ckpt = cfg.checkpointPath();
        Path log = cfg.logPath();
        try (NDManager manager = NDManager.newBaseManager();
                Population pop = cfg.problem().population(manager, 2 * cfg.particles())) {
            Estimator est = Estimator.create(cfg.estimator(), arch, pop, cfg.particles(), cfg.sigma(), cfg.trunc(),
                    cfg.horizon(), cfg.signOnly()).normaliser(cfg.lossNormaliser());
            OuterAdam adam = new OuterAdam(arch.thetaSize(), cfg.metaLr(), cfg.metaWd());
            float[] theta;
            SplitRng rng;
            int start;
            double wallBefore;
            long innerBefore;
            int freshInnerRunsAt = -1;
            MetaLogKey.Convention keys = MetaLogKey.Convention.CAMEL_CASE;
            Path light = cfg.lightCheckpointPath();
            if (cfg.resume() && !Files.exists(ckpt) && Files.exists(light)) {
                // Only the small checkpoint survived (the full one holds every inner run and is not kept in git):
                // theta, the outer Adam and the RNG continue; the inner runs start afresh from that theta.
                CheckpointFile.Contents c = CheckpointFile.read(light);
                checkFingerprint(cfg, c.meta(), light);
                theta = c.f32("theta").clone();
                if (theta.length != arch.thetaSize()) {
                    throw new UserError("checkpoint " + light + " theta has " + theta.length + " entries, arch "
                            + arch.name() + " has " + arch.thetaSize());
                }
                JsonNode m = c.meta();
                adam.restore(c.f64("adam/m"), c.f64("adam/v"), m.path("adam_t").asLong());
                ArrayNode rs = (ArrayNode) m.path("rng");
                rng = new SplitRng(new long[] {rs.get(0).asLong(), rs.get(1).asLong(), rs.get(2).asLong(), rs.get(3).asLong()});
                est.init(theta, rng);
                start = m.path("outer_step").asInt();
                wallBefore = m.path("wall_s").asDouble();
                innerBefore = m.path("inner_steps").asLong();
                keys = truncateLog(log, start);
                freshInnerRunsAt = start;
                if (progress != null || System.console() == null) {
                    System.err.println("lobench meta-train: resuming from the light checkpoint " + light + " at outer step "
                            + start + ": theta, outer Adam and RNG continue, the inner runs restart");
                }
            } else if (cfg.resume()) {
                if (!Files.exists(ckpt)) {
                    throw new UserError("cannot resume: no checkpoint at " + ckpt + "; run without --resume to start");
                }
                CheckpointFile.Contents c = CheckpointFile.read(ckpt);
                checkFingerprint(cfg, c.meta(), ckpt);
                theta = c.f32("theta").clone();
                if (theta.length != arch.thetaSize()) {
                    throw new UserError("checkpoint " + ckpt + " theta has " + theta.length + " entries, arch " + arch.name()
                            + " has " + arch.thetaSize());
                }
                est.init(theta, new SplitRng(cfg.seed()));
                est.load(c.meta().path("estimator"), c);
                JsonNode m = c.meta();
                adam.restore(c.f64("adam/m"), c.f64("adam/v"), m.path("adam_t").asLong());
                ArrayNode rs = (ArrayNode) m.path("rng");
                rng = new SplitRng(new long[] {rs.get(0).asLong(), rs.get(1).asLong(), rs.get(2).asLong(), rs.get(3).asLong()});
                start = m.path("outer_step").asInt();
                wallBefore = m.path("wall_s").asDouble();
                innerBefore = m.path("inner_steps").asLong();
                keys = truncateLog(log, start);
            } else {
                for (Path p : new Path[] {ckpt, light}) {
                    if (Files.exists(p)) {
                        throw new UserError("checkpoint " + p + " exists; pass --resume to continue it or delete it to start over");
                    }
                }
                if (!cfg.earlierOutputs().isEmpty()) {
                    throw earlierRun(cfg);
                }
                theta = arch.initTheta(cfg.seed());
                if (theta.length != arch.thetaSize()) {
                    throw new IllegalStateException(arch.name() + ".initTheta returned " + theta.length + " entries");
                }
                rng = new SplitRng(cfg.seed());
                est.init(theta, rng);
                start = 0;
                wallBefore = 0;
                innerBefore = 0;
                Files.createDirectories(log.toAbsolutePath().getParent());
                Files.write(log, new byte[0]);
            }

            long t0 = System.nanoTime();
            long inner = innerBefore;
            double lastLoss = Double.NaN;
            try (BufferedWriter w = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                for (int step = start; step < cfg.outerSteps(); step++) {
                    Estimator.Estimate e = est.estimate(theta, rng);
                    double[] g = e.grad();
                    double norm = 0;
                    for (double x : g) {
                        if (Double.isFinite(x)) {
                            norm += x * x;
                        }
                    }
                    norm = Math.sqrt(norm);
                    int bad = adam.step(theta, g);
                    inner += e.innerSteps();
                    lastLoss = e.metaLoss();
                    double wall = wallBefore + (System.nanoTime() - t0) / 1e9;
                    ObjectNode line = JSON.createObjectNode();
                    line.put(keys.key(MetaLogKey.OUTER_STEP), step + 1);
                    putNumber(line, keys.key(MetaLogKey.META_LOSS), e.metaLoss());
                    putNumber(line, keys.key(MetaLogKey.GRAD_NORM), norm);
                    line.put(keys.key(MetaLogKey.NAN_COUNT), bad);
                    line.put(keys.key(MetaLogKey.DROPPED), e.dropped());
                    if (step == freshInnerRunsAt) {
                        line.put(keys.key(MetaLogKey.INNER_RUNS_RESTARTED), true);
                    }
                    line.put(keys.key(MetaLogKey.WALL_SECONDS), wall);
                    line.put(keys.key(MetaLogKey.INNER_STEPS), inner);
                    w.write(JSON.writeValueAsString(line));
                    w.newLine();
                    w.flush();
                    if (progress != null) {
                        drawProgress(progress, step + 1, cfg.outerSteps(), e.metaLoss(),
                                (System.nanoTime() - t0) / 1e9 / (step + 1 - start));
                    }
                    if (cfg.snapshotEvery() > 0 && (step + 1) % cfg.snapshotEvery() == 0) {
                        Path snap = cfg.snapshotPath(step + 1);
                        Files.createDirectories(snap.toAbsolutePath().getParent());
                        sink.write(arch, theta.clone(), snap);
                    }
                    if ((step + 1) % cfg.checkpointEvery() == 0 || step + 1 == cfg.outerSteps()) {
                        writeCheckpoint(cfg, ckpt, theta, adam, est, rng, step + 1, wall, inner);
                    }
                }
            }
            if (progress != null) {
                progress.println();
            }
            sink.write(arch, theta.clone(), cfg.out());
            return new Result(theta.clone(), Math.max(start, cfg.outerSteps()), lastLoss);
        }
    }

    private static void putNumber(ObjectNode o, String k, double v) {
        if (Double.isFinite(v)) {
            o.put(k, v);
        } else {
            o.putNull(k);
        }
    }

    private static void drawProgress(PrintStream out, int step, int total, double loss, double secPerStep) {
        long eta = (long) (1000 * secPerStep * (total - step));
        Duration d = Duration.ofMillis(eta);
        out.printf("\rmeta step %d/%d  meta-loss %.4g  ETA %d:%02d:%02d   ", step, total, loss, d.toHours(),
                d.toMinutesPart(), d.toSecondsPart());
        out.flush();
    }

    private static ObjectNode fingerprint(Config cfg) {
        ObjectNode f = JSON.createObjectNode();
        f.put("arch", cfg.arch().name());
        f.put("theta_size", cfg.arch().thetaSize());
        f.put("problem", cfg.problem().name());
        f.put("estimator", cfg.estimator().name().toLowerCase(java.util.Locale.ROOT));
        f.put("particles", cfg.particles());
        f.put("trunc", cfg.trunc());
        f.put("horizon", cfg.horizon());
        f.put("sigma", cfg.sigma());
        f.put("meta_lr", cfg.metaLr());
        f.put("meta_wd", cfg.metaWd());
        f.put("seed", cfg.seed());
        f.put("sign_only", cfg.signOnly());
        f.put("loss_normaliser", cfg.lossNormaliser().id());
        if (cfg.arch() instanceof LearnedMetaArch la) {
            f.put("head_init", la.headInit().id());
            f.put("step_mult", Float.toString(la.stepMult()));
        }
        return f;
    }

    /** Values of fingerprint keys added after the first checkpoint format: what a checkpoint without them was made with. */
    private static final Map<String, String> LEGACY = Map.of("loss_normaliser", "none", "head_init", "code", "step_mult",
            Float.toString(Theta.DEFAULT_STEP_MULT));

    private static void checkFingerprint(Config cfg, JsonNode meta, Path ckpt) {
        ObjectNode want = fingerprint(cfg);
        JsonNode have = meta.path("config");
        var it = want.fields();
        while (it.hasNext()) {
            var e = it.next();
            JsonNode h = have.get(e.getKey());
            String hv = h != null ? h.asText() : LEGACY.get(e.getKey());
            if (hv == null || !hv.equals(e.getValue().asText())) {
                throw new UserError("checkpoint " + ckpt + " was made with " + e.getKey() + "=" + (hv == null ? "?" : hv)
                        + ", this run has " + e.getValue().asText() + "; resume with the same settings");
            }
        }
    }

    private static void writeCheckpoint(Config cfg, Path ckpt, float[] theta, OuterAdam adam, Estimator est,
            SplitRng rng, int outerStep, double wall, long inner) throws IOException {
        ObjectNode meta = CheckpointFile.newMeta();
        meta.put("format", "lobench-meta-checkpoint/1");
        meta.set("config", fingerprint(cfg));
        meta.put("outer_step", outerStep);
        meta.put("wall_s", wall);
        meta.put("inner_steps", inner);
        meta.put("adam_t", adam.stepCount());
        ArrayNode rs = meta.putArray("rng");
        for (long s : rng.state()) {
            rs.add(s);
        }
        Map<String, Object> arrays = new LinkedHashMap<>();
        arrays.put("theta", theta.clone());
        arrays.put("adam/m", adam.m());
        arrays.put("adam/v", adam.v());
        ObjectNode estMeta = meta.putObject("estimator");
        est.save(estMeta, arrays);
        CheckpointFile.write(ckpt, meta, arrays);
        ObjectNode lightMeta = meta.deepCopy();
        lightMeta.remove("estimator");
        lightMeta.put("format", "lobench-meta-checkpoint-light/1");
        Map<String, Object> lightArrays = new LinkedHashMap<>();
        lightArrays.put("theta", theta.clone());
        lightArrays.put("adam/m", adam.m());
        lightArrays.put("adam/v", adam.v());
        CheckpointFile.write(cfg.lightCheckpointPath(), lightMeta, lightArrays);
    }

    /**
     * Keeps only the log lines of outer steps the checkpoint covers (later ones are redone after a resume), as they
     * are, byte for byte, in either key convention. Returns the convention to continue the log in: that of its last
     * kept line (a log begun by an older lobench stays snake_case, so the file never mixes the two and the older
     * lobench can still resume it), camelCase when no line is kept.
     */
    static MetaLogKey.Convention truncateLog(Path log, int upTo) throws IOException {
        MetaLogKey.Convention keys = MetaLogKey.Convention.CAMEL_CASE;
        if (!Files.exists(log)) {
            return keys;
        }
        List<String> keep = new ArrayList<>();
        for (String l : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            try {
                JsonNode n = JSON.readTree(l);
                JsonNode step = n == null || !n.isObject() ? null : MetaLogKey.OUTER_STEP.in(n);
                if (step != null && step.asInt(Integer.MAX_VALUE) <= upTo) {
                    keep.add(l);
                    keys = MetaLogKey.Convention.of(n);
                }
            } catch (IOException e) {
                // a line cut by a kill mid-write: drop it
            }
        }
        Path tmp = log.resolveSibling(log.getFileName() + ".tmp");
        Files.write(tmp, keep, StandardCharsets.UTF_8);
        Files.move(tmp, log, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return keys;
    }
}
