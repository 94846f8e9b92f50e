package dev.lobench.optimizers.learned;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * The shipped weights: star and small-fc from experiments/star-paper-task (fmnist-mlp128x128) at the same outer step,
 * velo-style and the first star / small-fc (by name, star-fmnist8-v1 and small-fc-fmnist8-v1) from
 * experiments/meta-training (fmnist8-mlp32).
 */
class ShippedWeightsTest {

    private static JsonNode metaTraining(ThetaFiles.Loaded l) throws Exception {
        JsonNode p = new ObjectMapper().readTree(l.metadata().get("provenance"));
        assertEquals("lobench meta-train", p.path("produced_by").asText());
        return p.path("meta_training");
    }

    @Test
    void starAndSmallFcShipFromTheSameExperimentAtEqualMetaCompute() throws Exception {
        ThetaFiles.Loaded star = LearnedOptimizers.loadShipped("star");
        ThetaFiles.Loaded fc = LearnedOptimizers.loadShipped("small-fc");
        assertEquals(Arch.STAR, star.theta().arch());
        assertEquals(Arch.SMALL_FC, fc.theta().arch());
        // meta-trained: not the theta-init of the recorded seed (star: its zero-direction init, small-fc: code init)
        long seed = new ObjectMapper().readTree(star.metadata().get("provenance")).path("seed").asLong();
        assertNotEquals(Theta.init(Arch.STAR, seed, HeadInit.ZERO_DIRECTION).withStepMult(star.theta().stepMult()),
                star.theta());
        assertNotEquals(Theta.init(Arch.SMALL_FC, seed), fc.theta());
        JsonNode a = metaTraining(star);
        JsonNode b = metaTraining(fc);
        // experiments/star-paper-task: the paper's task and estimator, the same number of outer steps
        for (String k : List.of("task", "inner_problem", "estimator", "sign_only", "particles", "trunc", "horizon",
                "sigma", "meta_lr", "outer_steps", "inner_seed_base", "loss_normaliser")) {
            assertTrue(a.has(k), k);
            assertEquals(a.get(k), b.get(k), "same " + k + " for star and small-fc");
        }
        assertEquals("fmnist-mlp128x128", a.path("task").asText());
        assertEquals("clip", a.path("loss_normaliser").asText());
        // the arms' own choices (star-zero-sm1e-5 and small-fc), as recorded
        assertEquals("star", a.path("arch").asText());
        assertEquals("zero-direction", a.path("head_init").asText());
        assertEquals(1.0, a.path("meta_wd").asDouble());
        assertEquals(1e-5f, star.theta().stepMult());
        assertEquals(1e-5, a.path("step_mult").asDouble(), 1e-12);
        assertEquals("small-fc", b.path("arch").asText());
        assertEquals("code", b.path("head_init").asText());
        assertEquals(0.0, b.path("meta_wd").asDouble());
        assertEquals(Theta.DEFAULT_STEP_MULT, fc.theta().stepMult());
    }

    @Test
    void theFirstShippedWeightsStayLoadableByName() throws Exception {
        // meta-trained on fmnist8-mlp32 with the raw-loss objective, the code head init and meta-wd 0.1
        for (String name : List.of("star-fmnist8-v1", "small-fc-fmnist8-v1")) {
            ThetaFiles.Loaded l = LearnedOptimizers.loadShipped(name);
            JsonNode m = metaTraining(l);
            assertEquals("fmnist8-mlp32", m.path("task").asText(), name);
            assertEquals(Theta.DEFAULT_STEP_MULT, l.theta().stepMult(), name);
            LearnedRegistration.Resolved r = LearnedRegistration.resolve(l.theta().arch(), name);
            assertEquals("shipped:" + name, r.source());
        }
    }

    @Test
    void theOuterStep400WeightsOfThePaperTaskStayLoadableByName() throws Exception {
        // shipped as star / small-fc before the final (outer step 2000) weights replaced them
        for (String name : List.of("star-mlp128-o400", "small-fc-mlp128-o400")) {
            ThetaFiles.Loaded l = LearnedOptimizers.loadShipped(name);
            JsonNode m = metaTraining(l);
            assertEquals("fmnist-mlp128x128", m.path("task").asText(), name);
            assertEquals(400, m.path("outer_steps").asInt(), name);
            assertEquals(name.startsWith("star") ? Arch.STAR : Arch.SMALL_FC, l.theta().arch(), name);
            assertEquals("shipped:" + name, LearnedRegistration.resolve(l.theta().arch(), name).source());
        }
        assertEquals(2000, metaTraining(LearnedOptimizers.loadShipped("star")).path("outer_steps").asInt());
    }

    @Test
    void veloStyleShipsMetaTrainedWithTheSameTaskEstimatorAndMetaCompute() throws Exception {
        VeloFiles.Loaded velo = VeloFiles.loadShipped("velo-style");
        assertEquals(VeloTheta.DEFAULT_HIDDEN, velo.theta().hidden());
        assertEquals(VeloTheta.DEFAULT_BANK, velo.theta().bank());
        JsonNode p = new ObjectMapper().readTree(velo.metadata().get("provenance"));
        assertEquals("lobench meta-train", p.path("produced_by").asText());
        long seed = p.path("seed").asLong();
        assertNotEquals(VeloTheta.initMeta(velo.theta().hidden(), velo.theta().bank(), seed), velo.theta());
        JsonNode v = p.path("meta_training");
        JsonNode s = metaTraining(LearnedOptimizers.loadShipped("star-fmnist8-v1"));
        // same task, estimator and meta-compute as the first shipped star and small-fc, now star-fmnist8-v1 and
        // small-fc-fmnist8-v1 (its meta-lr is its own: experiments/meta-training/README.md)
        for (String k : List.of("task", "inner_problem", "estimator", "sign_only", "particles", "trunc", "horizon",
                "sigma", "meta_wd", "outer_steps", "inner_seed_base")) {
            assertTrue(v.has(k), k);
            assertEquals(s.get(k), v.get(k), "same " + k + " for velo-style and star");
        }
        VeloRegistration.Resolved r = VeloRegistration.resolve("auto", VeloTheta.DEFAULT_HIDDEN, VeloTheta.DEFAULT_BANK);
        assertEquals("shipped:velo-style", r.source());
        assertEquals(velo.sha256(), r.sha256());
        LearnedOptimizers.ShippedInfo info = LearnedOptimizers.shippedInfo("velo-style");
        // the shipped info names the whole file's SHA-256 (provenance included), as pinned
        assertEquals(PinnedWeights.SHA256.get("velo-style.safetensors"), info.sha256());
        assertTrue(info.summary().startsWith("meta-trained on fmnist8-mlp32 (pes, 8 particles x trunc 50"),
                info.summary());
    }

    @Test
    void registryAutoResolvesToTheShippedWeights() {
        for (Arch arch : Arch.values()) {
            LearnedRegistration.Resolved r = LearnedRegistration.resolve(arch, "auto");
            assertEquals("shipped:" + arch.id(), r.source());
            assertEquals(64, r.sha256().length());
        }
    }
}
