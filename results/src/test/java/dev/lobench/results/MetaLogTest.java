package dev.lobench.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lobench.results.plot.MetaLogReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class MetaLogTest {
    @TempDir
    Path dir;

    /** Writes a log whose meta-loss is 3 on steps 1..4, null (NaN) on step 5, 1 on steps 6..8 (camelCase keys). */
    private Path log(String name, boolean partialLastLine) throws Exception {
        return log(name, partialLastLine, s -> false);
    }

    /**
     * The same log, with the lines of the steps {@code snakeCase} accepts under the snake_case keys of logs written
     * before issue 15 (the format of the logs committed under experiments/).
     */
    private Path log(String name, boolean partialLastLine, java.util.function.IntPredicate snakeCase) throws Exception {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        StringBuilder sb = new StringBuilder();
        for (int s = 1; s <= 8; s++) {
            String loss = s <= 4 ? "3.0" : s == 5 ? "null" : "1.0";
            String line = "{\"outerStep\":" + s + ",\"metaLoss\":" + loss + ",\"gradNorm\":2.5,\"nanCount\":"
                    + (s == 5 ? 7 : 0) + ",\"dropped\":0,\"wallSeconds\":" + 0.5 * s + ",\"innerSteps\":" + 100 * s + "}\n";
            if (snakeCase.test(s)) {
                line = line.replace("outerStep", "outer_step").replace("metaLoss", "meta_loss")
                        .replace("gradNorm", "grad_norm").replace("nanCount", "nan_count")
                        .replace("wallSeconds", "wall_s").replace("innerSteps", "inner_steps");
            }
            sb.append(line);
        }
        if (partialLastLine) {
            sb.append("{\"outerStep\":9,\"metaLo");
        }
        Path f = d.resolve(name + ".safetensors.jsonl");
        Files.writeString(f, sb.toString());
        return f;
    }

    @Test
    void readsWindowsNaNStepsAndAPartialLastLine() throws Exception {
        MetaLog l = MetaLog.read(log("star", true));
        assertEquals("star", l.name());
        assertEquals(8, l.size());
        assertTrue(Double.isNaN(l.metaLoss()[4]));
        assertEquals(1, l.stepsWithNan());
        assertEquals(3.0, l.meanMetaLoss(0, 4), 0.0);
        assertEquals(1.0, l.meanMetaLoss(4, 8), 0.0, "the NaN step is left out of the window mean");
        assertEquals((4 * 3.0 + 3 * 1.0) / 7, l.meanMetaLoss(0, 100), 1e-12);

        String md = MetaLogReport.markdown(List.of(l, MetaLog.read(log("small-fc", false))), 4);
        assertTrue(md.contains("| star | 8 | 800 | 4 | 3.000 | 3.000 | 1.000 | 1.000 | 1.000 | 1 |"), md);
        assertTrue(md.contains("| 1-4 | 5-8 |"), md);
        assertTrue(md.contains("| small-fc | 3.000 | 1.000 |"), md);
        String html = MetaLogReport.html(List.of(l), 4, 2);
        assertTrue(html.contains("<svg") && html.contains("star"), html);
    }

    @Test
    void snakeCaseLogsOfOlderLobenchVersionsReadLikeCamelCaseOnes() throws Exception {
        MetaLog camel = MetaLog.read(log("camel", true));
        MetaLog snake = MetaLog.read(log("snake", true, s -> true));
        assertTrue(Files.readString(snake.source()).contains("\"outer_step\":8,\"meta_loss\":1.0"));
        // a log an older lobench kept appending snake_case lines to, read line by line
        MetaLog mixed = MetaLog.read(log("mixed", false, s -> s > 3));
        for (MetaLog l : List.of(snake, mixed)) {
            assertEquals(8, l.size(), l.name());
            assertArrayEquals(camel.outerStep(), l.outerStep(), l.name());
            assertArrayEquals(camel.metaLoss(), l.metaLoss(), l.name());
            assertArrayEquals(camel.gradNorm(), l.gradNorm(), l.name());
            assertArrayEquals(camel.nanCount(), l.nanCount(), l.name());
            assertArrayEquals(camel.wallS(), l.wallS(), l.name());
            assertArrayEquals(camel.innerSteps(), l.innerSteps(), l.name());
        }
        assertEquals(800, camel.innerSteps()[7]);
        assertEquals(4.0, camel.wallS()[7]);
        assertEquals(2.5, camel.gradNorm()[0]);
        assertEquals(1, camel.stepsWithNan());
        // steps must increase across the two conventions as well
        Path back = dir.resolve("back.jsonl");
        Files.writeString(back, "{\"outerStep\":2,\"metaLoss\":1}\n{\"outer_step\":2,\"meta_loss\":1}\n");
        ResultsError e = assertThrows(ResultsError.class, () -> MetaLog.read(back));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("does not increase"), e.getMessage());
    }

    @Test
    void runsLaidOutByArmAndSeedAreNamedByBoth() throws Exception {
        Path f = Files.createDirectories(dir.resolve("star-zero/seed1")).resolve("star-zero-s1.safetensors.jsonl");
        Files.writeString(f, "{\"outer_step\":1,\"meta_loss\":1.5}\n");
        assertEquals("star-zero/seed1", MetaLog.read(f).name());
        Path g = Files.createDirectories(dir.resolve("plain")).resolve("x.jsonl");
        Files.writeString(g, "{\"outer_step\":1,\"meta_loss\":1.5}\n");
        assertEquals("plain", MetaLog.read(g).name());
    }

    @Test
    void compressedLogReadsLikeThePlainOne() throws Exception {
        Path plain = log("star", false);
        Path gz = plain.resolveSibling(plain.getFileName() + ".gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(plain, out);
        }
        MetaLog a = MetaLog.read(plain);
        MetaLog b = MetaLog.read(gz);
        assertEquals("star", b.name());
        assertEquals(MetaLogReport.markdown(List.of(a), 4), MetaLogReport.markdown(List.of(b), 4));
    }

    @Test
    void malformedLogsAreOneLineErrors() throws Exception {
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"outer_step\":1,\"meta_loss\":1}\nnot json\n{\"outer_step\":2,\"meta_loss\":1}\n");
        ResultsError e = assertThrows(ResultsError.class, () -> MetaLog.read(bad));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("not valid JSON"), e.getMessage());
        Files.writeString(bad, "{\"type\":\"header\"}\n");
        e = assertThrows(ResultsError.class, () -> MetaLog.read(bad));
        assertTrue(e.getMessage().contains("'outerStep'") && e.getMessage().contains("'outer_step'"), e.getMessage());
        Files.writeString(bad, "{\"outer_step\":2}\n{\"outer_step\":2}\n");
        e = assertThrows(ResultsError.class, () -> MetaLog.read(bad));
        assertTrue(e.getMessage().contains("does not increase"), e.getMessage());
        Files.writeString(bad, "");
        e = assertThrows(ResultsError.class, () -> MetaLog.read(bad));
        assertTrue(e.getMessage().contains("no outer steps"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
