package dev.lobench.cli;

import dev.lobench.results.StabilityRecord;
import dev.lobench.results.StabilityStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StabilityCommandTest {

    @Test
    void badInputIsOneLineExit2() {
        CliTest.assertOneLineError(CliTest.run("stability", "--optimizer", "sgd", "--curvature", "0:1:3"),
                "--curvature");
        CliTest.assertOneLineError(CliTest.run("stability", "--optimizer", "sgd", "--dim", "0"), "--dim");
        CliTest.assertOneLineError(CliTest.run("stability", "--optimizer", "nosuch"), "unknown optimizer");
        CliTest.assertOneLineError(CliTest.run("stability", "--optimizer", "sgd", "--format", "xml"), "--format");
        CliTest.assertOneLineError(CliTest.run("stability", "--optimizer", "sgd", "--weights", "init:0"),
                "--weights");
        CliTest.assertOneLineError(CliTest.run("stability", "--optimizer", "sgd", "--steps", "0"), "--steps");
    }

    @Test
    void writesRecordsThatReportDrawsAsAStabilityMap(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("stab");
        CliTest.Result r = CliTest.run("stability", "--optimizer", "sgd:lr=0.1,small-fc", "--weights", "init:3",
                "--curvature", "1,30", "--steps", "200", "--burn-in", "20", "--probes", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("### sgd(lr=0.1)"), r.out());
        StabilityStore.Loaded l = StabilityStore.read(out.resolve(StabilityRecord.FILE));
        List<StabilityRecord> recs = l.records();
        assertEquals(4, recs.size());
        assertEquals("sgd(lr=0.1)", recs.get(0).optimizer());
        // SGD: |1 - 0.1 h| at h = 1 and 30
        assertEquals(0.9, recs.get(0).radius(), 2e-4);
        assertEquals(2.0, recs.get(1).radius(), 4e-4);
        assertFalse(recs.get(1).predictedStable());
        assertEquals("diverged", recs.get(1).outcome());
        assertTrue(recs.get(2).optimizer().contains("weights=init:3"), recs.get(2).optimizer());
        assertEquals(1 + 7, recs.get(2).stateSize(), "small-fc: phi + m0..2, rms, v0..2 (t held fixed)");
        assertTrue(Files.readString(out.resolve("stability.html")).contains("Spectral radius of the joint"));

        Path html = tmp.resolve("r.html");
        CliTest.Result rep = CliTest.run("report", out.toString(), "--html", html.toString());
        assertEquals(0, rep.code(), rep.err());
        assertTrue(rep.out().contains("| optimizer | predicted stable"), rep.out());
        String page = Files.readString(html);
        assertTrue(page.contains("Stability on the noisy quadratic") && page.contains("<svg"), page);
        assertTrue(page.contains("radius = 1"));

        // the same directory with its records compressed (as committed under experiments/) reports the same
        Path gz = Files.createDirectory(tmp.resolve("stab-gz"));
        try (var o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz.resolve(StabilityRecord.FILE + ".gz")))) {
            Files.copy(out.resolve(StabilityRecord.FILE), o);
        }
        CliTest.Result repGz = CliTest.run("report", gz.toString());
        assertEquals(0, repGz.code(), repGz.err());
        assertEquals(CliTest.run("report", out.toString()).out(), repGz.out());
    }

    @Test
    void anExistingStabilityRunIsNeverReplaced(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("stab");
        String[] args = {"stability", "--optimizer", "sgd:lr=0.1", "--curvature", "1,30", "--steps", "50",
            "--burn-in", "10", "--probes", "1", "--out", out.toString()};
        assertEquals(0, CliTest.run(args).code());
        Path file = out.resolve(StabilityRecord.FILE);
        byte[] first = Files.readAllBytes(file);
        // the same directory again, with another optimizer: refused, the first records stay byte for byte
        String[] again = args.clone();
        again[2] = "adam";
        CliTest.assertOneLineError(CliTest.run(again), "stability results already exist in " + out);
        assertTrue(java.util.Arrays.equals(first, Files.readAllBytes(file)));
        // a compressed record counts too (committed runs are gzipped)
        Path gz = Files.createDirectory(tmp.resolve("gz"));
        Files.write(gz.resolve(StabilityRecord.FILE + ".gz"), new byte[] {1, 2, 3});
        again[again.length - 1] = gz.toString();
        CliTest.assertOneLineError(CliTest.run(again), "stability results already exist in " + gz);
        assertFalse(Files.exists(gz.resolve(StabilityRecord.FILE)));
        // a file where the directory should be
        Path plain = Files.writeString(tmp.resolve("plain"), "x");
        again[again.length - 1] = plain.toString();
        CliTest.assertOneLineError(CliTest.run(again), "is an existing file");
        assertEquals("x", Files.readString(plain));
    }

    @Test
    void stdoutIsTheTableAloneAndMessagesGoToStderr(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("stab");
        GateCommandsTest.Out csv = GateCommandsTest.exec("stability", "--optimizer", "sgd:lr=0.1", "--curvature", "1,30",
                "--steps", "50", "--burn-in", "10", "--probes", "1", "--format", "csv", "--out", out.toString());
        assertEquals(0, csv.code(), csv.err());
        List<List<String>> rows = CsvOutputsTest.strictCsv(csv.out());
        assertEquals(3, rows.size(), "header and one row per curvature, nothing else: " + csv.out());
        assertEquals("optimizer", rows.get(0).get(0));
        assertTrue(csv.err().contains("results: " + out.resolve(StabilityRecord.FILE).toAbsolutePath()), csv.err());
        assertTrue(csv.err().contains("stability map: " + out.resolve("stability.html").toAbsolutePath()), csv.err());

        Path out2 = tmp.resolve("stab2");
        GateCommandsTest.Out json = GateCommandsTest.exec("stability", "--optimizer", "sgd:lr=0.1", "--curvature",
                "1,30", "--steps", "50", "--burn-in", "10", "--probes", "1", "--format", "json", "--out",
                out2.toString());
        assertEquals(0, json.code(), json.err());
        var doc = CsvOutputsTest.oneJsonDocument(json.out());
        assertTrue(doc.isArray() && doc.size() == 2, json.out());
        // the report of that directory prints the same document
        assertEquals(doc, CsvOutputsTest.oneJsonDocument(GateCommandsTest.exec("report", out2.toString(), "--format",
                "json").out()));
    }
}
