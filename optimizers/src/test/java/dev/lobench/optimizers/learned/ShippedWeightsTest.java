package dev.lobench.optimizers.learned;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

/** The shipped star / small-fc / velo-style weights: present, meta-trained, and made with the same meta-training. */
class ShippedWeightsTest {

    private static JsonNode metaTraining(ThetaFiles.Loaded l) throws Exception {
        JsonNode p = new ObjectMapper().readTree(l.metadata().get("provenance"));
        assertEquals("lobench meta-train", p.path("produced_by").asText());
        return p.path("meta_training");
    }

    @Test
    void starAndSmallFcShipWithIdenticalMetaTraining() throws Exception {
        ThetaFiles.Loaded star = LearnedOptimizers.loadShipped("star");
        ThetaFiles.Loaded fc = LearnedOptimizers.loadShipped("small-fc");
        assertEquals(Arch.STAR, star.theta().arch());
        assertEquals(Arch.SMALL_FC, fc.theta().arch());
        // meta-trained: not the theta-init of the recorded seed
        long seed = new ObjectMapper().readTree(star.metadata().get("provenance")).path("seed").asLong();
        assertNotEquals(Theta.init(Arch.STAR, seed), star.theta());
        assertNotEquals(Theta.init(Arch.SMALL_FC, seed), fc.theta());
        JsonNode a = metaTraining(star);
        JsonNode b = metaTraining(fc);
        for (String k : List.of("task", "inner_problem", "estimator", "sign_only", "particles", "trunc", "horizon",
                "sigma", "meta_lr", "meta_wd", "outer_steps", "inner_seed_base")) {
            assertTrue(a.has(k), k);
            assertEquals(a.get(k), b.get(k), "same " + k + " for star and small-fc");
        }
        assertEquals("star", a.path("arch").asText());
        assertEquals("small-fc", b.path("arch").asText());
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
        JsonNode s = metaTraining(LearnedOptimizers.loadShipped("star"));
        // same task, estimator and meta-compute as star and small-fc (its meta-lr is its own: experiments/meta-training/README.md)
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
