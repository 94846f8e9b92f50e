package dev.lobench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReproduceCommandTest {
    @TempDir
    Path dir;

    @Test
    void readsAManifestAndWritesHtml() throws IOException {
        Path exp = Files.createDirectories(dir.resolve("experiments"));
        Path m = exp.resolve("claims.json");
        Files.writeString(m, "{\"claims\":[{\"id\":\"C3\",\"kind\":\"horizon\",\"claim\":\"stable past the horizon\","
                + "\"optimizer\":\"star\",\"records\":[\"experiments/none\"],\"command\":\"run it\"}]}");
        Path html = dir.resolve("out/claims.html");
        CliTest.Result r = CliTest.run("reproduce", "--manifest", m.toString(), "--html", html.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| C3 | stable past the horizon | — | **no record** | missing: experiments/none"), r.out());
        assertTrue(Files.readString(html).contains("<td>C3</td>"));
    }

    @Test
    void badInputIsOneLine() throws IOException {
        CliTest.assertOneLineError(CliTest.run("reproduce", "--manifest", dir.resolve("nope.json").toString()),
                "no such file");
        Path m = dir.resolve("bad.json");
        Files.writeString(m, "{\"claims\": 3}");
        CliTest.assertOneLineError(CliTest.run("reproduce", "--manifest", m.toString()), "'claims' array");
        Files.writeString(m, "{\"claims\": [}");
        CliTest.assertOneLineError(CliTest.run("reproduce", "--manifest", m.toString()), "not valid JSON");
        Files.writeString(m, "{\"claims\": []}");
        CliTest.assertOneLineError(CliTest.run("reproduce", "--manifest", m.toString(), "--live", "C2"),
                "only C1, C5 can be rerun live");
        CliTest.assertOneLineError(CliTest.run("reproduce", "--manifest", m.toString(), "--format", "pdf"), "md or html");
    }
}
