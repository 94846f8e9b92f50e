package dev.lobench.optimizers.learned;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConformanceTest {
    @TempDir
    Path dir;

    static final String TRACE = """
            {"tensors":[{"name":"w","shape":[2,3],"init":[0.5,-1,2,0.25,0,1]},
                        {"name":"b","shape":[3],"init":[0.1,0.2,0.3]},
                        {"name":"s","shape":[],"init":[1.5]}],
             "steps":[{"loss":0.7,"grads":{"w":[1,2,3,4,5,6],"b":[0.1,-0.1,0.2],"s":[0.3]}},
                      {"loss":0.6,"grads":{"w":[-1,0.5,0.25,2,-3,1],"b":[0.2,0.1,-0.4],"s":[-0.1]}}]}
            """;

    @Test
    void replaysThreeTensorTraceAndReferenceAgreesWithFused() throws Exception {
        Path trace = dir.resolve("TRACE.json");
        Files.writeString(trace, TRACE);
        Path outF = dir.resolve("OUT_f.json");
        Path outR = dir.resolve("OUT_r.json");
        Path dump = dir.resolve("theta.json");
        Conformance.run(trace, outF, new Conformance.Options(Arch.STAR, LearnedOptimizer.Impl.FUSED, null, null, 7L,
                dump, 0f));
        // the dumped theta, fed back, with the reference implementation
        Conformance.run(trace, outR, new Conformance.Options(null, LearnedOptimizer.Impl.REFERENCE, null, dump, 0L,
                null, 0f));
        ObjectMapper om = new ObjectMapper();
        JsonNode f = om.readTree(outF.toFile());
        JsonNode r = om.readTree(outR.toFile());
        assertEquals("star", f.get("optimizer").asText());
        assertEquals(2, f.get("steps").size());
        for (int s = 0; s < 2; s++) {
            for (String name : new String[] {"w", "b", "s"}) {
                JsonNode a = f.get("steps").get(s).get("params").get(name);
                JsonNode b = r.get("steps").get(s).get("params").get(name);
                assertEquals(a.size(), b.size());
                for (int i = 0; i < a.size(); i++) {
                    assertEquals(a.get(i).asDouble(), b.get(i).asDouble(), 1e-6, name + "[" + i + "]");
                }
            }
        }
        // the scalar really moved, by about the AdamAggMo step size 1e-3 times the normalised momentum
        double s0 = f.get("steps").get(0).get("params").get("s").get(0).asDouble();
        assertNotEquals(1.5, s0);
        assertTrue(Math.abs(s0 - 1.5) < 0.1, "s moved " + (s0 - 1.5));
        // same result through safetensors weights
        Path w = dir.resolve("w.safetensors");
        ThetaFiles.write(w, ThetaFiles.readJson(dump), "{}");
        Path outW = dir.resolve("OUT_w.json");
        Conformance.run(trace, outW, new Conformance.Options(Arch.STAR, LearnedOptimizer.Impl.FUSED, w, null, 0L,
                null, 0f));
        assertEquals(Files.readString(outF), Files.readString(outW));
    }

    @Test
    void malformedTracesAreOneLineUserErrors() {
        LearnedOptimizer opt = LearnedOptimizers.fromSeed(Arch.SMALL_FC, 1, LearnedOptimizer.Impl.FUSED);
        String[] bad = {
            "{",
            "{\"steps\":[]}",
            TRACE.replace("\"init\":[0.1,0.2,0.3]", "\"init\":[0.1,0.2]"),
            TRACE.replace("\"init\":[0.1,0.2,0.3]", "\"init\":[0.1,\"NaN\",0.3]"),
            TRACE.replace("\"b\":[0.1,-0.1,0.2]", "\"c\":[0.1,-0.1,0.2]"),
            TRACE.replace(",\"s\":[0.3]", ""),
            TRACE.replace("\"loss\":0.7,", ""),
            TRACE.replace("\"shape\":[2,3]", "\"shape\":[3,3]"),
        };
        for (String t : bad) {
            UserError e = assertThrows(UserError.class, () -> Conformance.replay(t, "T.json", opt), t);
            assertTrue(e.getMessage().startsWith("trace T.json: "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void veloStyleReplaysWithThetaInitJsonAndWeightsAlike() throws Exception {
        Path trace = dir.resolve("TRACE.json");
        Files.writeString(trace, TRACE);
        Path out1 = dir.resolve("OUT_1.json");
        Path dump = dir.resolve("velo-theta.json");
        Conformance.runVelo(trace, out1, null, null, 3L, 5, 4, 0, dump);
        VeloTheta dumped = VeloFiles.readJson(dump);
        assertEquals(VeloTheta.initMeta(5, 4, 3), dumped);
        // the same theta from the JSON form and from a weights file gives the same replay
        Path out2 = dir.resolve("OUT_2.json");
        Conformance.runVelo(trace, out2, null, dump, 0L, 32, 16, 0, null);
        Path w = dir.resolve("velo.safetensors");
        VeloFiles.write(w, dumped, "{}");
        Path out3 = dir.resolve("OUT_3.json");
        Conformance.runVelo(trace, out3, w, null, 0L, 32, 16, 2, null);
        ObjectMapper om = new ObjectMapper();
        JsonNode a = om.readTree(out1.toFile());
        assertEquals(a, om.readTree(out2.toFile()));
        assertEquals(a.get("steps"), om.readTree(out3.toFile()).get("steps"), "num_steps 0 = the trace's 2 steps");
        assertEquals(2, a.get("steps").size());
        JsonNode w1 = a.get("steps").get(1).get("params").get("w");
        assertNotEquals(0.5, w1.get(0).asDouble(), "velo-style moved w");
        // a different planned length changes the fraction-of-training features and so the steps (with random
        // output heads: the tame meta-training start ignores the LSTM)
        Path raw = dir.resolve("velo-raw.safetensors");
        VeloFiles.write(raw, VeloTheta.init(5, 4, 3), "{}");
        Path out4 = dir.resolve("OUT_4.json");
        Path out5 = dir.resolve("OUT_5.json");
        Conformance.runVelo(trace, out4, raw, null, 0L, 32, 16, 2, null);
        Conformance.runVelo(trace, out5, raw, null, 0L, 32, 16, 1000, null);
        assertNotEquals(om.readTree(out4.toFile()).get("steps"), om.readTree(out5.toFile()).get("steps"));
        // a broken theta JSON is a one-line user error naming the segment
        Files.writeString(dump, Files.readString(dump).replace("\"step_b\":[", "\"step_b\":[1,"));
        UserError e = assertThrows(UserError.class, () -> VeloFiles.readJson(dump));
        assertTrue(e.getMessage().contains("'step_b'"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
