package dev.lobench.optimizers.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lobench.optimizers.OptState;
import dev.lobench.optimizers.Optimizer;
import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.tasks.Param;
import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VeloTest {
    static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    // ------------------------------------------------------------------ sizes

    @Test
    void parameterCounts() {
        // written out from the segment table: 2 mixing layers, LSTM on [z, h], h0/c0, two heads, K MLPs of 159
        int h = 32;
        int k = 16;
        long expected = 2L * (30 * h + h) + (2L * h * 4 * h + 4L * h) + 2L * h + (h * k + k) + (h + 1) + k * 159L;
        assertEquals(13_473, expected);
        assertEquals(expected, VeloTheta.paramCount(h, k));
        assertEquals(expected, VeloTheta.init(h, k, 3).paramCount());
        assertEquals(159, VeloTheta.MLP_PARAMS);
        // published VeLO: 2,320,385 (computed from the published shapes); lobench drops the unused first mixing layer
        assertEquals(2_320_385L, VeloImport.publishedParamCount(512, 256));
        assertEquals(2_320_385L - (30 * 512 + 512), VeloTheta.paramCount(512, 256));
        assertEquals(List.of(30L, 32L), List.of(VeloTheta.init(32, 16, 0).shapes().get("mix_max_w")[0],
                VeloTheta.init(32, 16, 0).shapes().get("mix_max_w")[1]));
    }

    @Test
    void initIsDeterministicAndTruncated() {
        VeloTheta a = VeloTheta.init(8, 4, 5);
        assertEquals(a, VeloTheta.init(8, 4, 5));
        assertNotEquals(a, VeloTheta.init(8, 4, 6));
        float[] w = a.segment("lstm_w");
        double bound = 2.0 / Math.sqrt(16) + 1e-7;
        for (float v : w) {
            assertTrue(Math.abs(v) <= bound);
        }
        for (String zero : List.of("lstm_b", "lstm_h0", "lstm_c0", "bank_b0", "mix_max_b")) {
            for (float v : a.segment(zero)) {
                assertEquals(0f, v, zero);
            }
        }
    }

    // ------------------------------------------------------------------ steps

    static List<Param> params(long[]... shapes) {
        Random r = new Random(1);
        List<Param> ps = new ArrayList<>();
        int i = 0;
        for (long[] s : shapes) {
            int n = (int) new Shape(s).size();
            float[] v = new float[n];
            for (int j = 0; j < n; j++) {
                v[j] = (float) r.nextGaussian();
            }
            ps.add(new Param("t" + i++, manager.create(v, new Shape(s))));
        }
        return ps;
    }

    static List<NDArray> grads(List<Param> ps, long seed) {
        Random r = new Random(seed);
        List<NDArray> gs = new ArrayList<>();
        for (Param p : ps) {
            int n = (int) p.size();
            float[] v = new float[n];
            for (int j = 0; j < n; j++) {
                v[j] = (float) (r.nextGaussian() * 0.1);
            }
            gs.add(manager.create(v, p.array().getShape()));
        }
        return gs;
    }

    @Test
    void ranksZeroOneTwoFourStepWithoutNaN() {
        VeloOptimizer opt = new VeloOptimizer(VeloTheta.init(8, 4, 2), 100);
        List<Param> ps = params(new long[] {}, new long[] {5}, new long[] {4, 3}, new long[] {2, 3, 3, 2});
        List<float[]> before = new ArrayList<>();
        for (Param p : ps) {
            before.add(p.array().toFloatArray());
        }
        OptState st = opt.init(ps);
        for (int s = 0; s < 5; s++) {
            opt.update(ps, grads(ps, s), 1.0f / (s + 1), s, st);
        }
        for (int i = 0; i < ps.size(); i++) {
            float[] now = ps.get(i).array().toFloatArray();
            for (float v : now) {
                assertTrue(Float.isFinite(v), "tensor " + i);
            }
            assertFalse(java.util.Arrays.equals(before.get(i), now), "tensor " + i + " moved");
        }
        for (float[] a : st.export().values()) {
            for (float v : a) {
                assertTrue(Float.isFinite(v));
            }
        }
        assertEquals(5, ((VeloOptimizer.State) st).iteration());
    }

    @Test
    void deepSetsIsPermutationInvariantAcrossTensors() {
        VeloTheta th = VeloTheta.init(6, 3, 11);
        long[][] shapes = {{3, 4}, {7}, {2, 2, 2}};
        int[] order = {2, 0, 1};
        List<Param> a = params(shapes);
        List<Param> b = new ArrayList<>();
        for (int i : order) {
            b.add(new Param(a.get(i).name(), a.get(i).array().duplicate()));
        }
        VeloOptimizer oa = new VeloOptimizer(th, 20);
        VeloOptimizer ob = new VeloOptimizer(th, 20);
        OptState sa = oa.init(a);
        OptState sb = ob.init(b);
        for (int s = 0; s < 3; s++) {
            List<NDArray> ga = grads(a, 100 + s);
            List<NDArray> gb = new ArrayList<>();
            for (int i : order) {
                gb.add(ga.get(i).duplicate());
            }
            oa.update(a, ga, 2f - s * 0.3f, s, sa);
            ob.update(b, gb, 2f - s * 0.3f, s, sb);
        }
        for (int j = 0; j < order.length; j++) {
            assertArrayEquals(a.get(order[j]).array().toFloatArray(), b.get(j).array().toFloatArray());
        }
        // and the max over tensors matters: a different set of companions changes tensor t0's update
        List<Param> alone = List.of(new Param("t0", params(shapes).get(0).array()));
        VeloOptimizer oc = new VeloOptimizer(th, 20);
        OptState sc = oc.init(alone);
        for (int s = 0; s < 3; s++) {
            oc.update(alone, List.of(grads(a, 100 + s).get(0)), 2f - s * 0.3f, s, sc);
        }
        assertFalse(java.util.Arrays.equals(a.get(0).array().toFloatArray(), alone.get(0).array().toFloatArray()));
    }

    @Test
    void stateExportRestoreReproducesSteps() {
        VeloOptimizer opt = new VeloOptimizer(VeloTheta.init(4, 2, 1), 50);
        List<Param> ps = params(new long[] {3, 5}, new long[] {4});
        OptState st = opt.init(ps);
        opt.update(ps, grads(ps, 1), 1f, 0, st);
        Map<String, float[]> saved = st.export();
        List<float[]> p1 = new ArrayList<>();
        for (Param p : ps) {
            p1.add(p.array().toFloatArray());
        }
        opt.update(ps, grads(ps, 2), 0.9f, 1, st);
        float[] afterA = ps.get(0).array().toFloatArray();
        OptState st2 = opt.init(ps);
        st2.restore(saved);
        for (int i = 0; i < ps.size(); i++) {
            ps.get(i).array().set(p1.get(i));
        }
        opt.update(ps, grads(ps, 2), 0.9f, 1, st2);
        assertArrayEquals(afterA, ps.get(0).array().toFloatArray());
    }

    // ------------------------------------------------------------------ files

    @Test
    void weightsRoundTripAndCorruption(@TempDir Path dir) throws Exception {
        VeloTheta th = VeloTheta.init(5, 3, 9);
        Path f = dir.resolve("v.safetensors");
        VeloFiles.write(f, th, ThetaFiles.provenanceJson(9L, "test", null));
        VeloFiles.Loaded l = VeloFiles.read(f);
        assertEquals(th, l.theta());
        assertEquals("velo-style", l.metadata().get("arch"));
        assertTrue(l.metadata().get("config").contains("\"lstm_hidden\":5"));
        assertEquals(ThetaFiles.sha256(SafetensorsIO.dataSection(Files.readAllBytes(f))), l.sha256());

        byte[] bytes = Files.readAllBytes(f);
        byte[] bad = bytes.clone();
        bad[bad.length - 3] ^= 0x40;
        Path g = dir.resolve("bad.safetensors");
        Files.write(g, bad);
        UserError e = assertThrows(UserError.class, () -> VeloFiles.read(g));
        assertTrue(e.getMessage().contains("SHA-256 mismatch"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));

        Files.write(g, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        e = assertThrows(UserError.class, () -> VeloFiles.read(g));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        // a star file is not a velo-style file
        Path s = dir.resolve("star.safetensors");
        ThetaFiles.write(s, Theta.init(Arch.STAR, 0), ThetaFiles.provenanceJson(0L, "test", null));
        e = assertThrows(UserError.class, () -> VeloFiles.read(s));
        assertTrue(e.getMessage().contains("not velo-style"), e.getMessage());
    }

    /** Writes a file with the published names and shapes (random values) the way an exporter of the flax tree would. */
    static Map<String, SafetensorsIO.Tensor> publishedTensors(int h, int k, long seed) {
        Random r = new Random(seed);
        Map<String, SafetensorsIO.Tensor> m = new LinkedHashMap<>();
        VeloImport.publishedShapes(h, k).forEach((name, shape) -> {
            float[] v = new float[(int) VeloTheta.count(shape)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 0.1);
            }
            m.put(name, new SafetensorsIO.Tensor(shape, v));
        });
        return m;
    }

    @Test
    void importsPublishedNames(@TempDir Path dir) throws Exception {
        int h = 3;
        int k = 2;
        Map<String, SafetensorsIO.Tensor> pub = publishedTensors(h, k, 4);
        // dotted names without the haiku '~' scope and 0/1 state names, as some converted copies have them
        Map<String, SafetensorsIO.Tensor> dotted = new LinkedHashMap<>();
        pub.forEach((name, t) -> dotted.put(name.replace("/~/", "/").replace("lstm_init_state/hidden",
                "lstm_init_state/0").replace("lstm_init_state/cell", "lstm_init_state/1").replace('/', '.'), t));
        for (Map<String, SafetensorsIO.Tensor> variant : List.of(pub, dotted)) {
            Path in = dir.resolve("velo-pub.safetensors");
            Files.write(in, SafetensorsIO.toBytes(variant, Map.of()));
            Path out = dir.resolve("velo-lobench.safetensors");
            VeloTheta th = VeloImport.importFile(in, out);
            assertEquals(th, VeloFiles.read(out).theta());
            assertTrue(VeloFiles.read(out).metadata().get("provenance").contains("source_sha256"));
            assertEquals(h, th.hidden());
            assertEquals(k, th.bank());
            assertArrayEquals(pub.get("rnn_params/linear_1/w").values(), th.segment("mix_max_w"));
            assertArrayEquals(pub.get("rnn_params/linear_2/b").values(), th.segment("mix_lin_b"));
            assertArrayEquals(pub.get("rnn_params/rnn/linear/w").values(), th.segment("lstm_w"));
            assertArrayEquals(pub.get("lstm_init_state/cell").values(), th.segment("lstm_c0"));
            assertArrayEquals(pub.get("rnn_params/step_size/w").values(), th.segment("step_w"));
            assertArrayEquals(pub.get("ff_mod_stack/~/w2").values(), th.segment("bank_w2"));
            // first layer: member b, input row 7 (the first fac_g channel) is row 0 of group w0__7
            float[] w0 = th.segment("bank_w0");
            float[] g7 = pub.get("ff_mod_stack/~/w0__7").values(); // [K, 3, 4]
            float[] g13 = pub.get("ff_mod_stack/~/w0__13").values(); // [K, 3, 4] -> rows 27..29
            for (int b = 0; b < k; b++) {
                for (int j = 0; j < 4; j++) {
                    assertEquals(g7[(b * 3) * 4 + j], w0[(b * 30 + 11) * 4 + j]);
                    assertEquals(g13[(b * 3 + 2) * 4 + j], w0[(b * 30 + 29) * 4 + j]);
                }
            }
            float[] g8 = pub.get("ff_mod_stack/~/w0__8").values(); // [K, 1, 4] -> row 14
            assertEquals(g8[4 + 2], w0[(30 + 14) * 4 + 2]);
        }
        // missing / unexpected / wrong shape
        Map<String, SafetensorsIO.Tensor> missing = new LinkedHashMap<>(pub);
        missing.remove("rnn_params/linear/w");
        Path in = dir.resolve("m.safetensors");
        Files.write(in, SafetensorsIO.toBytes(missing, Map.of()));
        UserError e = assertThrows(UserError.class, () -> VeloImport.read(in));
        assertTrue(e.getMessage().contains("missing tensors [rnn_params/linear/w]"), e.getMessage());
        Map<String, SafetensorsIO.Tensor> extra = new LinkedHashMap<>(pub);
        extra.put("foo", new SafetensorsIO.Tensor(new long[] {1}, new float[] {1}));
        Files.write(in, SafetensorsIO.toBytes(extra, Map.of()));
        e = assertThrows(UserError.class, () -> VeloImport.read(in));
        assertTrue(e.getMessage().contains("unexpected tensors [foo]"), e.getMessage());
        Map<String, SafetensorsIO.Tensor> shape = new LinkedHashMap<>(pub);
        shape.put("ff_mod_stack/~/w1", new SafetensorsIO.Tensor(new long[] {k, 16}, new float[k * 16]));
        Files.write(in, SafetensorsIO.toBytes(shape, Map.of()));
        e = assertThrows(UserError.class, () -> VeloImport.read(in));
        assertTrue(e.getMessage().contains("ff_mod_stack/~/w1"), e.getMessage());
        // a published file is not directly a lobench weights file
        Files.write(in, SafetensorsIO.toBytes(pub, Map.of()));
        e = assertThrows(UserError.class, () -> VeloFiles.read(in));
        assertTrue(e.getMessage().contains("lopt import velo"), e.getMessage());
    }

    @Test
    void safetensorsHalfPrecisionDecodes() {
        assertEquals(1.0f, SafetensorsIO.halfToFloat((short) 0x3c00));
        assertEquals(-2.0f, SafetensorsIO.halfToFloat((short) 0xc000));
        assertEquals(0x1p-24f, SafetensorsIO.halfToFloat((short) 0x0001));
        assertEquals(65504f, SafetensorsIO.halfToFloat((short) 0x7bff));
        // a BF16 tensor [2] = {1.5, -3}
        String header = "{\"x\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}";
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + hb.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(hb.length).put(hb).putShort((short) 0x3fc0).putShort((short) 0xc040);
        float[] v = SafetensorsIO.parse(b.array(), "").tensors().get("x").values();
        assertArrayEquals(new float[] {1.5f, -3f}, v);
    }

    // ------------------------------------------------------------------ registry

    static String err(String spec, long runSteps) {
        UserError e = assertThrows(UserError.class, () -> OptimizerRegistry.create(spec, runSteps), spec);
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void registry(@TempDir Path dir) {
        Optimizer o = OptimizerRegistry.create("velo-style", 100);
        VeloOptimizer v = (VeloOptimizer) o;
        // weights=auto: the shipped meta-trained weights
        assertEquals("velo-style", o.name());
        assertEquals(VeloFiles.loadShipped("velo-style").theta(), v.theta());
        assertEquals("velo-style(weights=init:0)", OptimizerRegistry.create("velo-style:weights=init:0", 100).name());
        assertEquals(100, v.numSteps());
        assertEquals(32, v.theta().hidden());
        assertEquals(16, v.theta().bank());
        VeloOptimizer w = (VeloOptimizer) OptimizerRegistry.create("velo-style:lstm=4,bank=2,weights=init:3,steps=7",
                0);
        assertEquals(VeloTheta.initMeta(4, 2, 3), w.theta());
        assertEquals(7, w.numSteps());
        assertEquals("velo-style(weights=init:3,lstm=4,bank=2,steps=7)", w.name());

        assertTrue(err("velo-style", 0).contains("steps"));
        assertTrue(err("velo-style:lstm=0", 10).contains("lstm"));
        assertTrue(err("velo-style:bank=1.5", 10).contains("bank"));
        assertTrue(err("velo-style:lstm=99999", 10).contains("LSTM width"));
        assertTrue(err("velo-style:weights=init:x", 10).contains("init:SEED"));
        assertTrue(err("velo-style:wd=1", 10).contains("no parameter 'wd'"));
        assertTrue(err("velo-style:weights=nosuchname", 10).contains("no shipped weights"));
        assertTrue(err("velo-style:weights=" + dir.resolve("none.safetensors"), 10).contains("cannot read"));

        Path f = dir.resolve("w.safetensors");
        VeloFiles.write(f, VeloTheta.init(3, 2, 1), "{}");
        VeloOptimizer fromFile = (VeloOptimizer) OptimizerRegistry.create("velo-style:weights=" + f, 10);
        assertEquals(VeloTheta.init(3, 2, 1), fromFile.theta());
        assertTrue(err("velo-style:weights=" + f + ",lstm=8", 10).contains("only apply"));
        // star weights are rejected by velo-style
        Path s = dir.resolve("s.safetensors");
        ThetaFiles.write(s, Theta.init(Arch.STAR, 0), "{}");
        assertTrue(err("velo-style:weights=" + s, 10).contains("not velo-style"));
    }

    @Test
    void perElementPassesGiveTheSameResultOnAnyThreadCount() {
        // [300, 40] = 12,000 elements = 47 chunks = 3 parallel blocks, plus a small non-factored tensor
        VeloTheta th = VeloTheta.init(6, 3, 21);
        float[][] out = new float[2][];
        for (int run = 0; run < 2; run++) {
            VeloOptimizer opt = new VeloOptimizer(th, 50).threads(run == 0 ? 1 : 4);
            List<Param> ps = params(new long[] {300, 40}, new long[] {40});
            OptState st = opt.init(ps);
            for (int s = 0; s < 5; s++) {
                opt.update(ps, grads(ps, s), 2f - 0.1f * s, s, st);
            }
            out[run] = ps.get(0).array().toFloatArray();
        }
        assertArrayEquals(out[0], out[1]);
        float[] init = params(new long[] {300, 40}, new long[] {40}).get(0).array().toFloatArray();
        assertFalse(java.util.Arrays.equals(init, out[0]), "the parameters moved");
    }
}
