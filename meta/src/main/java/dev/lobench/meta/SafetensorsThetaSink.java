package dev.lobench.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lobench.optimizers.learned.Arch;
import dev.lobench.optimizers.learned.ThetaFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Writes meta-trained star / small-fc theta as a safetensors file ({@link ThetaFiles}) whose {@code provenance}
 * metadata records how it was made: {@code produced_by} "lobench meta-train", {@code seed}, {@code lobench_commit},
 * and a {@code meta_training} object with the arch, the meta-training task and inner problem, the estimator and all its
 * settings (particles, trunc, horizon, sigma, meta_lr, meta_wd, sign_only, outer optimizer constants), the outer
 * steps, particles x trunc, the inner seed base, and, read from the run's JSONL log (so that they cover all resumed
 * segments), the total wall time, inner steps, the final meta-loss, the mean meta-loss of the last 10 outer steps and
 * the number of outer steps whose meta-gradient had NaN/Inf entries.
 */
public final class SafetensorsThetaSink implements ThetaSink {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MetaTrainer.Config cfg;
    private final String taskName;
    private final String commit;

    public SafetensorsThetaSink(MetaTrainer.Config cfg, String taskName, String commit) {
        this.cfg = cfg;
        this.taskName = taskName;
        this.commit = commit == null ? "unknown" : commit;
    }

    @Override
    public void write(MetaArch arch, float[] theta, Path out) throws IOException {
        Path abs = out.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        arch.writeWeights(tmp, theta, provenance(arch.name(), readLog(cfg.logPath())));
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Summary of a meta-training JSONL log (its lines in either key convention, {@link MetaLogKey}). */
    record LogSummary(int outerSteps, double wallS, long innerSteps, double finalMetaLoss, double last10MetaLoss,
            int stepsWithNan, long dropped) {}

    static LogSummary readLog(Path log) throws IOException {
        if (!Files.exists(log)) {
            return new LogSummary(0, 0, 0, Double.NaN, Double.NaN, 0, 0);
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        int outer = 0;
        double wall = 0;
        long inner = 0;
        double last = Double.NaN;
        int nanSteps = 0;
        long dropped = 0;
        double[] ring = new double[10];
        int seen = 0;
        for (String l : lines) {
            if (l.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(l);
            outer = value(n, MetaLogKey.OUTER_STEP).asInt();
            wall = value(n, MetaLogKey.WALL_SECONDS).asDouble();
            inner = value(n, MetaLogKey.INNER_STEPS).asLong();
            JsonNode ml = MetaLogKey.META_LOSS.in(n);
            last = ml == null || ml.isNull() ? Double.NaN : ml.asDouble();
            ring[seen % ring.length] = last;
            seen++;
            dropped += value(n, MetaLogKey.DROPPED).asLong();
            if (value(n, MetaLogKey.NAN_COUNT).asInt() > 0) {
                nanSteps++;
            }
        }
        double mean = Double.NaN;
        if (seen > 0) {
            int k = Math.min(seen, ring.length);
            double s = 0;
            for (int i = 0; i < k; i++) {
                s += ring[i];
            }
            mean = s / k;
        }
        return new LogSummary(outer, wall, inner, last, mean, nanSteps, dropped);
    }

    /** The value of {@code k} in a log line of either key convention; a missing node when absent. */
    private static JsonNode value(JsonNode line, MetaLogKey k) {
        JsonNode v = k.in(line);
        return v != null ? v : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    String provenance(String arch, LogSummary log) {
        ObjectNode p = JSON.createObjectNode();
        p.put("seed", cfg.seed());
        p.put("produced_by", "lobench meta-train");
        p.put("lobench_commit", commit);
        ObjectNode m = p.putObject("meta_training");
        m.put("arch", arch);
        m.put("task", taskName);
        if (cfg.problem() instanceof MultiTaskProblem mt) {
            com.fasterxml.jackson.databind.node.ArrayNode ts = m.putArray("tasks");
            for (InnerProblem ip : mt.problems()) {
                ts.add(ip instanceof TaskMlpProblem tp ? tp.taskName() : ip.name());
            }
        }
        m.put("inner_problem", cfg.problem().name());
        m.put("inner_seed_base", TaskMlpProblem.SEED_BASE);
        m.put("estimator", cfg.estimator().name().toLowerCase(Locale.ROOT));
        m.put("sign_only", cfg.signOnly());
        m.put("particles", cfg.particles());
        m.put("trunc", cfg.trunc());
        m.put("particles_x_trunc", (long) cfg.particles() * cfg.trunc());
        m.put("horizon", cfg.horizon());
        m.put("sigma", cfg.sigma());
        m.put("meta_lr", cfg.metaLr());
        m.put("meta_wd", cfg.metaWd());
        m.put("meta_wd_form", "decoupled: theta -= meta_lr * meta_wd * theta each outer step");
        m.put("meta_lr_x_wd_x_outer_steps", cfg.metaLr() * cfg.metaWd() * log.outerSteps());
        m.put("loss_normaliser", cfg.lossNormaliser().id());
        cfg.arch().describeIn(m);
        m.put("outer_optimizer", "adam(b1=" + OuterAdam.BETA1 + ",b2=" + OuterAdam.BETA2 + ",eps=" + OuterAdam.EPS
                + ",clip_by_value=" + OuterAdam.CLIP + ",decoupled_wd)");
        m.put("outer_steps", log.outerSteps());
        m.put("inner_steps", log.innerSteps());
        m.put("wall_s", Math.round(log.wallS() * 10) / 10.0);
        putNumber(m, "final_meta_loss", log.finalMetaLoss());
        putNumber(m, "last10_mean_meta_loss", log.last10MetaLoss());
        m.put("outer_steps_with_nan_grad", log.stepsWithNan());
        m.put("dropped_particles", log.dropped());
        return p.toString();
    }

    private static void putNumber(ObjectNode o, String k, double v) {
        if (Double.isFinite(v)) {
            o.put(k, v);
        } else {
            o.putNull(k);
        }
    }
}
