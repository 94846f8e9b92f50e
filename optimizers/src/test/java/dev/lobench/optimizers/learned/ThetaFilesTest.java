package dev.lobench.optimizers.learned;

import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThetaFilesTest {
    @TempDir
    Path dir;

    @Test
    void safetensorsRoundTripAndLayout() throws Exception {
        Theta t = ScalarSpecTest.randomTheta(Arch.STAR, 1);
        Path f = dir.resolve("star.safetensors");
        ThetaFiles.write(f, t, ThetaFiles.provenanceJson(1L, "test", null));
        ThetaFiles.Loaded l = ThetaFiles.read(f);
        assertEquals(t, l.theta());
        assertEquals("star", l.metadata().get("arch"));
        assertEquals("1", l.metadata().get("format_version"));
        assertTrue(l.metadata().get("provenance").contains("\"seed\":1"));
        assertTrue(l.info().contains("meta-parameters: 207"));
        // independent parse of the container: u64 LE header length, JSON, then LE float32 data
        byte[] b = Files.readAllBytes(f);
        long hlen = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(b, 8, (int) hlen, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"w0\":{\"dtype\":\"F32\",\"shape\":[39,4]"), header);
        assertEquals(8 + hlen + 4L * 207, b.length);
        // first data tensor is momentum_decays
        ByteBuffer data = ByteBuffer.wrap(b, 8 + (int) hlen, 12).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(t.momentumDecays()[0], data.getFloat());
        // w0[1][2] in [fan_in][fan_out] order: offset (3+1+3)*4 + (1*4+2)*4
        ByteBuffer w = ByteBuffer.wrap(b, 8 + (int) hlen + 28 + 24, 4).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(t.w0()[6], w.getFloat());
    }

    /**
     * The writers reproduce the shipped files byte for byte from their theta and provenance (the files were written
     * by {@code lobench meta-train}), so a change to the serialisation cannot go unnoticed. The *-fmnist8-v1 files
     * predate {@code step_mult} in the config metadata, so they are not byte-for-byte what the writer makes now.
     */
    @Test
    void writersReproduceTheShippedFilesExactly() {
        for (String name : new String[] {"star", "small-fc"}) {
            byte[] shipped = PinnedWeights.read(name);
            ThetaFiles.Loaded l = ThetaFiles.parse(shipped, name);
            assertArrayEquals(shipped, ThetaFiles.toBytes(l.theta(), l.metadata().get("provenance")), name);
        }
        byte[] velo = PinnedWeights.read("velo-style");
        VeloFiles.Loaded v = VeloFiles.parse(velo, "velo-style");
        assertArrayEquals(velo, VeloFiles.toBytes(v.theta(), v.metadata().get("provenance")), "velo-style");
    }

    @Test
    void corruptFilesAreOneLineUserErrorsNamingTheFile() throws Exception {
        Theta t = Theta.init(Arch.SMALL_FC, 2);
        byte[] good = ThetaFiles.toBytes(t, "{}");
        Path f = dir.resolve("bad.safetensors");
        // flipped data byte -> SHA mismatch
        byte[] flipped = good.clone();
        flipped[flipped.length - 3] ^= 0x40;
        Files.write(f, flipped);
        expectError(f, "SHA-256");
        // truncated
        Files.write(f, Arrays.copyOf(good, good.length - 10));
        expectError(f, "truncated");
        Files.write(f, Arrays.copyOf(good, 5));
        expectError(f, "truncated");
        // bad JSON
        byte[] badJson = good.clone();
        badJson[8] = '[';
        badJson[9] = '[';
        Files.write(f, badJson);
        expectError(f, "JSON");
    }

    @Test
    void stepMultIsRecordedReadBackAndValidated() throws Exception {
        Theta t = ScalarSpecTest.randomTheta(Arch.STAR, 3);
        assertEquals(Theta.DEFAULT_STEP_MULT, t.stepMult());
        Theta low = t.withStepMult(1e-5f);
        Path f = dir.resolve("low.safetensors");
        ThetaFiles.write(f, low, "{}");
        ThetaFiles.Loaded l = ThetaFiles.read(f);
        assertEquals(1e-5f, l.theta().stepMult());
        assertEquals(low, l.theta());
        assertFalse(t.equals(l.theta()));
        assertFalse(t.sha256().equals(low.sha256()), "thetas differing only in step_mult must not share a digest");
        assertTrue(l.metadata().get("config").contains("\"step_mult\":1.0E-5"), l.metadata().get("config"));
        assertTrue(l.metadata().get("config").contains("\"nominal_stepsize\":0.001"), l.metadata().get("config"));
        assertEquals(low, ThetaFiles.fromJson(ThetaFiles.toJson(low), "mem"));
        assertEquals(t, ThetaFiles.fromJson(ThetaFiles.toJson(t), "mem"));
        assertFalse(ThetaFiles.toJson(t).contains("step_mult"), "default thetas keep their JSON form");
        // a file without step_mult in its config (all files before it was recorded) is the default
        String cfg = ThetaFiles.configJson(Arch.STAR);
        byte[] legacy = withConfig(ThetaFiles.toBytes(t, "{}"), cfg, cfg.replace("\"step_mult\":0.001,", ""));
        Files.write(f, legacy);
        assertEquals(Theta.DEFAULT_STEP_MULT, ThetaFiles.read(f).theta().stepMult());
        // constants lobench does not implement, or a bad step_mult, are refused in one line
        Files.write(f, withConfig(ThetaFiles.toBytes(t, "{}"), cfg, cfg.replace("\"exp_mult\":0.001", "\"exp_mult\":0.01")));
        expectError(f, "exp_mult");
        Files.write(f, withConfig(ThetaFiles.toBytes(t, "{}"), cfg, cfg.replace("\"step_mult\":0.001", "\"step_mult\":-1")));
        expectError(f, "step_mult");
        Files.write(f, withConfig(ThetaFiles.toBytes(t, "{}"), cfg, cfg.replace("\"step_mult\":0.001", "\"step_mult\":\"x\"")));
        expectError(f, "step_mult");
    }

    /** Rewrites the config metadata of a theta file (the data and its SHA-256 are unchanged). */
    static byte[] withConfig(byte[] file, String oldConfig, String newConfig) {
        long hlen = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(file, 8, (int) hlen, StandardCharsets.UTF_8).strip();
        String escOld = oldConfig.replace("\"", "\\\"");
        String escNew = newConfig.replace("\"", "\\\"");
        assertTrue(header.contains(escOld), header);
        byte[] h = header.replace(escOld, escNew).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - h.length % 8) % 8;
        byte[] data = Arrays.copyOfRange(file, 8 + (int) hlen, file.length);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + pad + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length + pad).put(h);
        for (int i = 0; i < pad; i++) {
            out.put((byte) ' ');
        }
        return out.put(data).array();
    }

    static void expectError(Path f, String what) {
        UserError e = assertThrows(UserError.class, () -> ThetaFiles.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(what), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void thetaJsonRoundTrip() {
        Theta t = ScalarSpecTest.randomTheta(Arch.SMALL_FC, 3);
        String json = ThetaFiles.toJson(t);
        assertEquals(t, ThetaFiles.fromJson(json, "x.json"));
        assertTrue(json.contains("\"momentum_decays\""));
        assertThrows(UserError.class, () -> ThetaFiles.fromJson("{\"w2\": [[1,2,3]]}", "x.json"));
        assertThrows(UserError.class, () -> ThetaFiles.fromJson("{", "x.json"));
    }

    @Test
    void shippedWeightsAbsentIsUserError() {
        UserError e = assertThrows(UserError.class, () -> LearnedOptimizers.loadShipped("star-v1"));
        assertTrue(e.getMessage().contains("/lobench/weights/star-v1.safetensors"));
    }
}
