package dev.lobench.meta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.learned.Arch;
import dev.lobench.optimizers.learned.Theta;
import dev.lobench.optimizers.learned.ThetaFiles;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

class LearnedMetaArchTest {

    @TempDir
    Path dir;

    @Test
    void sizesMatchTheSpec() {
        // docs/learned-optimizers.md section 1: small-fc 197 meta-parameters, star 207
        assertEquals(197, new LearnedMetaArch(Arch.SMALL_FC, 1).thetaSize());
        assertEquals(207, new LearnedMetaArch(Arch.STAR, 1).thetaSize());
        assertEquals(207, new LearnedMetaArch(Arch.STAR, 1).initTheta(3).length);
    }

    /** Every tensor filled with its own marker value, so the flat position of each tensor is visible. */
    private static Theta marked(Arch arch) {
        int k = arch.outputs();
        return new Theta(arch, fill(3, 1), fill(1, 2), fill(3, 3), fill(156, 4), fill(4, 5), fill(16, 6), fill(4, 7),
                fill(4 * k, 8), fill(k, 9));
    }

    private static float[] fill(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @ParameterizedTest
    @EnumSource(Arch.class)
    void flatOrderIsOffsetsThenLayers(Arch arch) {
        int k = arch.outputs();
        float[] flat = LearnedMetaArch.flatten(marked(arch));
        // boundaries by hand: offsets 0..6 (3 momentum, 1 rms, 3 adafactor), w0 7..162, b0 163..166, w1 167..182,
        // b1 183..186, w2 187..187+4K-1, b2 last K
        float[] expectAt = new float[flat.length];
        int[][] ranges = {{0, 3, 1}, {3, 4, 2}, {4, 7, 3}, {7, 163, 4}, {163, 167, 5}, {167, 183, 6}, {183, 187, 7},
            {187, 187 + 4 * k, 8}, {187 + 4 * k, 187 + 5 * k, 9}};
        for (int[] r : ranges) {
            for (int i = r[0]; i < r[1]; i++) {
                expectAt[i] = r[2];
            }
        }
        assertEquals(187 + 5 * k, flat.length);
        assertArrayEquals(expectAt, flat);
        assertEquals(marked(arch), LearnedMetaArch.unflatten(arch, flat));
    }

    @Test
    void initThetaIsTheSpecInitAndRoundTrips() {
        LearnedMetaArch a = new LearnedMetaArch(Arch.STAR, 1);
        float[] t = a.initTheta(5);
        for (int i = 0; i < 7; i++) {
            assertEquals(0f, t[i], "decay offsets start at 0");
        }
        assertEquals(Theta.init(Arch.STAR, 5), LearnedMetaArch.unflatten(Arch.STAR, t));
        assertFalse(java.util.Arrays.equals(t, a.initTheta(6)), "seed matters");
        assertThrows(UserError.class, () -> LearnedMetaArch.unflatten(Arch.SMALL_FC, t));
    }

    /** A 12x5 weight (Gaussian) and a 5-vector bias (zeros). */
    static List<Param> params(NDManager m) {
        float[] w = new float[12 * 5];
        float[] b = new float[5];
        SplitRng r = new SplitRng(1);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        return List.of(new Param("w", m.create(w, new Shape(12, 5)), Param.Layout.GENERIC),
                new Param("b", m.create(b, new Shape(5)), Param.Layout.GENERIC));
    }

    /** Gaussian gradients of scale 0.1, seeded by {@code step}. */
    static List<NDArray> grads(NDManager m, List<Param> ps, int step) {
        List<NDArray> g = new ArrayList<>();
        SplitRng r = new SplitRng(100 + step);
        for (Param p : ps) {
            float[] v = new float[(int) p.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (0.1 * r.nextGaussian());
            }
            g.add(m.create(v, p.array().getShape()));
        }
        return g;
    }

    private static float[] flatParams(List<Param> ps) {
        List<Float> l = new ArrayList<>();
        for (Param p : ps) {
            for (float v : p.array().toFloatArray()) {
                l.add(v);
            }
        }
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.get(i);
        }
        return out;
    }

    /** Steps 0..2 with theta A, then 3..5 with theta B, each update inside its own (closed) NDScope. */
    private static float[] switchTheta(Arch arch, boolean viaExport) {
        LearnedMetaArch la = new LearnedMetaArch(arch, 1);
        float[] ta = la.initTheta(1);
        float[] tb = la.initTheta(2);
        Optimizer a = la.build(ta);
        Optimizer b = la.build(tb);
        try (NDManager m = NDManager.newBaseManager()) {
            List<Param> ps = params(m);
            OptState st = a.init(ps);
            for (int s = 0; s < 6; s++) {
                if (s == 3 && viaExport) {
                    Map<String, float[]> saved = st.export();
                    st = b.init(ps);
                    st.restore(saved);
                }
                try (NDScope ignored = new NDScope()) {
                    (s < 3 ? a : b).update(ps, grads(m, ps, s), 1f, s, st);
                }
            }
            return flatParams(ps);
        }
    }

    @ParameterizedTest
    @EnumSource(Arch.class)
    void stateMadeByOneThetaIsAdvancedByAnother(Arch arch) {
        // the population keeps each slot's state while theta changes every outer step: a state made by theta A's
        // optimizer must behave exactly as the same state (exported and restored) in theta B's own state object
        float[] shared = switchTheta(arch, false);
        float[] restored = switchTheta(arch, true);
        assertArrayEquals(restored, shared);
        for (float v : shared) {
            assertTrue(Float.isFinite(v));
        }
        // and theta B was really used: a run with theta A throughout ends elsewhere
        LearnedMetaArch la = new LearnedMetaArch(arch, 1);
        Optimizer a = la.build(la.initTheta(1));
        try (NDManager m = NDManager.newBaseManager()) {
            List<Param> ps = params(m);
            OptState st = a.init(ps);
            for (int s = 0; s < 6; s++) {
                try (NDScope ignored = new NDScope()) {
                    a.update(ps, grads(m, ps, s), 1f, s, st);
                }
            }
            assertFalse(java.util.Arrays.equals(flatParams(ps), shared));
        }
    }

    static MetaTrainer.Builder config(Arch arch, Path out, int steps) {
        BatchedMlpProblem p = BatchedMlpProblemTest.problem(64, 6, 3, new int[] {5}, 8, 4);
        return MetaTrainer.builder(new LearnedMetaArch(arch, 1), p, out).particles(2).trunc(4).horizon(10)
                .outerSteps(steps).sigma(0.01).metaLr(1e-3).metaWd(0.5).seed(11).checkpointEvery(2);
    }

    /** Meta-trains {@code b} with the weights writer of {@code lobench meta-train} (task "synthetic", commit abc123). */
    static MetaTrainer.Result train(MetaTrainer.Builder b) throws IOException {
        MetaTrainer.Config c = b.build();
        return MetaTrainer.run(c, new SafetensorsThetaSink(c, "synthetic", "abc123"), null);
    }

    @ParameterizedTest
    @EnumSource(Arch.class)
    void metaTrainsResumesBitIdenticallyAndWritesSafetensors(Arch arch) throws IOException {
        Path a = dir.resolve(arch.id() + "/a/w.safetensors");
        MetaTrainer.Result ra = train(config(arch, a, 5));

        Path b = dir.resolve(arch.id() + "/b/w.safetensors");
        train(config(arch, b, 3));
        MetaTrainer.Result rb = train(config(arch, b, 5).resume(true));

        assertFalse(java.util.Arrays.equals(new LearnedMetaArch(arch, 1).initTheta(11), ra.theta()), "theta moved");
        assertArrayEquals(ra.theta(), rb.theta(), "resume (fused state through checkpoints) is bit-identical");

        ThetaFiles.Loaded l = ThetaFiles.read(a);
        assertEquals(arch, l.theta().arch());
        assertArrayEquals(ra.theta(), LearnedMetaArch.flatten(l.theta()));
        JsonNode prov = new ObjectMapper().readTree(l.metadata().get("provenance"));
        assertEquals("abc123", prov.path("lobench_commit").asText());
        assertEquals(11, prov.path("seed").asLong());
        JsonNode mt = prov.path("meta_training");
        assertEquals(arch.id(), mt.path("arch").asText());
        assertEquals("synthetic", mt.path("task").asText());
        assertEquals("pes", mt.path("estimator").asText());
        assertEquals(2, mt.path("particles").asInt());
        assertEquals(4, mt.path("trunc").asInt());
        assertEquals(8, mt.path("particles_x_trunc").asInt());
        assertEquals(10, mt.path("horizon").asInt());
        assertEquals(0.5, mt.path("meta_wd").asDouble());
        assertEquals(5, mt.path("outer_steps").asInt());
        // 5 outer steps x 2 particles x 2 branches x at most 4 steps
        assertTrue(mt.path("inner_steps").asLong() > 0 && mt.path("inner_steps").asLong() <= 80);
        assertEquals(ra.lastMetaLoss(), mt.path("final_meta_loss").asDouble(), 0.0);
        JsonNode provB = new ObjectMapper().readTree(ThetaFiles.read(b).metadata().get("provenance"));
        assertEquals(5, provB.path("meta_training").path("outer_steps").asInt(), "log of both resumed segments");
        assertEquals(rb.lastMetaLoss(), provB.path("meta_training").path("final_meta_loss").asDouble(), 0.0);
        assertTrue(Files.exists(b.resolveSibling("w.safetensors.ckpt")));
    }

    @Test
    void stepMultIsUsedRecordedAndPartOfTheCheckpointFingerprint() throws IOException {
        BatchedMlpProblem p = BatchedMlpProblemTest.problem(64, 6, 3, new int[] {5}, 8, 4);
        java.util.function.BiFunction<Float, Integer, MetaTrainer.Builder> cfg = (sm, steps) -> MetaTrainer
                .builder(new LearnedMetaArch(Arch.STAR, 1, dev.lobench.optimizers.learned.HeadInit.CODE, sm), p,
                        dir.resolve("sm/w.safetensors"))
                .particles(2).trunc(4).horizon(10).outerSteps(steps).sigma(0.01).metaLr(1e-3).seed(3)
                .checkpointEvery(1);
        MetaTrainer.Result r = train(cfg.apply(1e-5f, 2));
        ThetaFiles.Loaded l = ThetaFiles.read(dir.resolve("sm/w.safetensors"));
        assertEquals(1e-5f, l.theta().stepMult());
        assertEquals(1e-5, new ObjectMapper().readTree(l.metadata().get("provenance")).path("meta_training")
                .path("step_mult").asDouble(), 1e-12);
        // the optimizers it builds carry it
        LearnedMetaArch low = new LearnedMetaArch(Arch.STAR, 1, dev.lobench.optimizers.learned.HeadInit.CODE, 1e-5f);
        assertEquals(1e-5f, ((dev.lobench.optimizers.learned.LearnedOptimizer) low.build(r.theta())).theta().stepMult());
        // resuming with another multiplier is refused, naming it
        dev.lobench.tasks.UserError e = org.junit.jupiter.api.Assertions.assertThrows(dev.lobench.tasks.UserError.class,
                () -> train(cfg.apply(1e-3f, 3).resume(true)));
        assertTrue(e.getMessage().contains("step_mult"), e.getMessage());
    }

    @Test
    void veloStyleMetaTrainsAndResumesBitIdentically() throws IOException {
        BatchedMlpProblem p = BatchedMlpProblemTest.problem(64, 6, 3, new int[] {5}, 8, 4);
        VeloMetaArch arch = new VeloMetaArch(4, 3, 10);
        java.util.function.BiFunction<Path, Integer, MetaTrainer.Builder> cfg = (out, steps) -> MetaTrainer
                .builder(arch, p, out).particles(2).trunc(4).horizon(10).outerSteps(steps).sigma(0.01).metaLr(1e-3)
                .metaWd(0.1).seed(5).checkpointEvery(2);
        Path a = dir.resolve("velo/a/w.safetensors");
        MetaTrainer.Result ra = train(cfg.apply(a, 5));
        Path b = dir.resolve("velo/b/w.safetensors");
        train(cfg.apply(b, 3));
        MetaTrainer.Result rb = train(cfg.apply(b, 5).resume(true));
        assertFalse(java.util.Arrays.equals(arch.initTheta(5), ra.theta()), "theta moved");
        assertArrayEquals(ra.theta(), rb.theta(), "resume (LSTM and loss-EMA state through checkpoints) is bit-identical");
        dev.lobench.optimizers.learned.VeloFiles.Loaded written = dev.lobench.optimizers.learned.VeloFiles.read(a);
        assertArrayEquals(ra.theta(), written.theta().flat());
        JsonNode m = new ObjectMapper().readTree(written.metadata().get("provenance")).path("meta_training");
        assertEquals(arch.name(), m.path("arch").asText());
        assertEquals(5, m.path("outer_steps").asInt());
    }

    @Test
    void provenanceCountsNanStepsAndLastTen(@TempDir Path d) throws IOException {
        Path log = d.resolve("x.jsonl");
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            sb.append("{\"outer_step\":").append(i).append(",\"meta_loss\":").append(i)
                    .append(",\"nan_count\":").append(i % 5 == 0 ? 3 : 0).append(",\"wall_s\":").append(2.0 * i)
                    .append(",\"inner_steps\":").append(100 * i).append("}\n");
        }
        Files.writeString(log, sb.toString());
        SafetensorsThetaSink.LogSummary s = SafetensorsThetaSink.readLog(log);
        assertEquals(12, s.outerSteps());
        assertEquals(24.0, s.wallS());
        assertEquals(1200, s.innerSteps());
        assertEquals(12.0, s.finalMetaLoss());
        assertEquals((3 + 12) * 10 / 2.0 / 10, s.last10MetaLoss(), 1e-12); // mean of 3..12
        assertEquals(2, s.stepsWithNan()); // steps 5 and 10
        assertNotEquals(Double.NaN, s.last10MetaLoss());
    }
}
