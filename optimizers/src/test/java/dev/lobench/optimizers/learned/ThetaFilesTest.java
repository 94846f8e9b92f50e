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
