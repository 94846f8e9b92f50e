package dev.lobench.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which existing files an output option may not replace, and that a refused command leaves them as they were. */
class OutputGuardTest {

    @Test
    void recognisesEveryKindOfLobenchRecord(@TempDir Path dir) throws IOException {
        assertEquals("stability file", OutputGuard.lobenchData(Files.writeString(dir.resolve("s.jsonl"),
                "{\"type\":\"stability-header\",\"schemaVersion\":1}\n")));
        assertEquals("meta-training log", OutputGuard.lobenchData(Files.writeString(dir.resolve("m.jsonl"),
                "{\"outerStep\":1,\"metaLoss\":2.5}\n")));
        assertEquals("meta-training log", OutputGuard.lobenchData(Files.writeString(dir.resolve("old.jsonl"),
                "{\"outer_step\":1,\"meta_loss\":2.5}\n")));
        assertEquals("meta-bench record", OutputGuard.lobenchData(Files.writeString(dir.resolve("mb.json"),
                "{\n  \"task\" : \"fmnist8-mlp32\",\n  \"innerRuns\" : 4,\n  \"gitCommit\" : \"abc\"\n}\n")));
        assertEquals("weights or checkpoint file", OutputGuard.lobenchData(Files.write(dir.resolve("w.safetensors"),
                new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}'})));
        assertEquals("weights or checkpoint file", OutputGuard.lobenchData(Files.write(dir.resolve("w.safetensors.ckpt"),
                new byte[] {1, 2, 3})));
        Path gz = dir.resolve("results.jsonl.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write("{\"type\":\"header\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("compressed record", OutputGuard.lobenchData(gz));
        assertEquals("results file", OutputGuard.lobenchData(Files.writeString(dir.resolve("r.jsonl"),
                "{\"type\":\"header\",\"schemaVersion\":2}\n")));
        // files that are not lobench data stay replaceable (an earlier report, a PNG, notes)
        assertNull(OutputGuard.lobenchData(Files.writeString(dir.resolve("report.html"), "<!DOCTYPE html>\n")));
        assertNull(OutputGuard.lobenchData(Files.writeString(dir.resolve("notes.json"), "{\"keep\": 1}\n")));
        assertNull(OutputGuard.lobenchData(Files.write(dir.resolve("plot.png"), new byte[] {(byte) 0x89, 'P', 'N'})));
    }

    @Test
    void metaBenchJsonNeverReplacesARecordAndRefusesBeforeMeasuring(@TempDir Path dir) throws IOException {
        Path record = Files.writeString(dir.resolve("meta-bench.json"),
                "{\n  \"task\" : \"fmnist8-mlp32\",\n  \"innerRuns\" : 16,\n  \"gitCommit\" : \"abc\"\n}\n");
        byte[] before = Files.readAllBytes(record);
        // an empty data directory and --no-fetch: a run that got past the guard would fail on the missing data
        Path noData = Files.createDirectory(dir.resolve("no-data"));
        CliTest.Result r = CliTest.run("meta-bench", "--steps", "1", "--warmup", "0", "--repeats", "1", "--data-dir",
                noData.toString(), "--no-fetch", "--json", record.toString());
        CliTest.assertOneLineError(r, "--json " + record + " is an existing lobench meta-bench record");
        assertArrayEquals(before, Files.readAllBytes(record));
        Path weights = Files.write(dir.resolve("star.safetensors"), new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
        Path run = Files.createDirectory(dir.resolve("run"));
        Files.writeString(run.resolve("results.jsonl"), "{\"type\":\"header\"}\n");
        CliTest.assertOneLineError(CliTest.run("report", run.toString(), "--html", weights.toString()),
                "is an existing lobench weights or checkpoint file");
        assertArrayEquals(new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}'}, Files.readAllBytes(weights));
    }
}
