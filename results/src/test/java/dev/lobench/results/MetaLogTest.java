package dev.lobench.results;

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

    /** Writes a log whose meta-loss is 3 on steps 1..4, null (NaN) on step 5, 1 on steps 6..8. */
    private Path log(String name, boolean partialLastLine) throws Exception {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        StringBuilder sb = new StringBuilder();
        for (int s = 1; s <= 8; s++) {
            String loss = s <= 4 ? "3.0" : s == 5 ? "null" : "1.0";
            sb.append("{\"outer_step\":").append(s).append(",\"meta_loss\":").append(loss)
                    .append(",\"grad_norm\":2.5,\"nan_count\":").append(s == 5 ? 7 : 0).append(",\"wall_s\":")
                    .append(0.5 * s).append(",\"inner_steps\":").append(100 * s).append("}\n");
        }
        if (partialLastLine) {
            sb.append("{\"outer_step\":9,\"meta_lo");
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
        assertTrue(e.getMessage().contains("outer_step"), e.getMessage());
        Files.writeString(bad, "{\"outer_step\":2}\n{\"outer_step\":2}\n");
        e = assertThrows(ResultsError.class, () -> MetaLog.read(bad));
        assertTrue(e.getMessage().contains("does not increase"), e.getMessage());
        Files.writeString(bad, "");
        e = assertThrows(ResultsError.class, () -> MetaLog.read(bad));
        assertTrue(e.getMessage().contains("no outer steps"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
