package dev.lobench.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lobench.results.CellRecord;
import dev.lobench.results.ResultStore;
import dev.lobench.tasks.data.FashionMnist;
import dev.lobench.tasks.data.IdxFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data preflight through the commands: a plan whose data is incomplete stops with one line (exit 2) before any
 * cell trains, and writes nothing (a new run) or keeps every finished cell (a resume). Offline: {@code --no-fetch} and
 * {@code --data-dir} only. Fashion-MNIST is the dataset made missing, because an explicit {@code --data-dir} lacking
 * it is never completed from elsewhere; the fortunes text it holds is a tiny file written here.
 */
class DataPreflightCliTest {

    /** A fortunes root under {@code dataDir} with English text: two small fortune files. */
    static void writeFortunes(Path dataDir) throws IOException {
        Path root = Files.createDirectories(dataDir.resolve("fortunes"));
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            a.append("Quote number ").append(i).append(" of the first file.\n%\n");
            b.append("Another saying, ").append(i).append(", from the second file.\n%\n");
        }
        Files.writeString(root.resolve("alpha"), a);
        Files.writeString(root.resolve("beta"), b);
    }

    private static void assertRefused(GateCommandsTest.Out r) {
        assertEquals(2, r.code(), r.err());
        List<String> lines = r.err().lines().filter(l -> l.startsWith("lobench: ")).toList();
        assertEquals(1, lines.size(), "one message: " + r.err());
        String m = lines.get(0);
        assertTrue(m.startsWith("lobench: data missing for this plan: fashion-mnist ("), m);
        assertFalse(m.contains("fortunes-en ("), "the text in --data-dir is found: " + m);
        assertFalse(r.err().contains("\tat ") || r.err().contains("internal error"), r.err());
        assertFalse(r.err().contains("cell 1/"), "no cell ran: " + r.err());
        assertEquals("", r.out(), "nothing on stdout");
    }

    @Test
    void mixedPlanWithOneDatasetMissingStopsBeforeTheFirstCell(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        writeFortunes(data);
        Path out = tmp.resolve("run");
        // the fortunes task comes first: without the preflight it would train, then fmnist8-mlp32 would stop the run
        GateCommandsTest.Out r = GateCommandsTest.exec("run", "--task", "fortunes-tf-w32-d1,fmnist8-mlp32",
                "--optimizer", "adam", "--seeds", "1", "--steps", "2", "--data-dir", data.toString(), "--no-fetch",
                "--out", out.toString());
        assertRefused(r);
        assertTrue(r.err().contains(data + " (--data-dir)"), r.err());
        assertFalse(Files.exists(out), "nothing written: no run directory, no results file");

        // a suite: the same, all datasets of the suite at once
        GateCommandsTest.Out s = GateCommandsTest.exec("run", "--suite", "quick", "--data-dir", data.toString(),
                "--no-fetch", "--out", out.toString());
        assertRefused(s);
        assertFalse(Files.exists(out));
    }

    @Test
    void resumeWithDataMissingKeepsEveryFinishedCell(@TempDir Path tmp) throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        IdxFiles.fashionMnistShaped(data);
        Path out = tmp.resolve("run");
        String[] plan = {"--task", "quadratic-d100-k100,fmnist8-mlp32", "--optimizer", "adam", "--seeds", "1",
            "--steps", "2", "--data-dir", data.toString(), "--no-fetch"};
        String[] first = concat(new String[] {"run"}, plan, new String[] {"--out", out.toString()});
        GateCommandsTest.Out r = GateCommandsTest.exec(first);
        assertEquals(0, r.code(), r.err());
        // an interrupted run: the header and the quadratic cell, without the Fashion-MNIST cell and the end record
        Path file = out.resolve("results.jsonl");
        List<String> lines = Files.readAllLines(file);
        assertEquals(4, lines.size(), "header, 2 cells, end");
        Files.write(file, lines.subList(0, 2));
        byte[] before = Files.readAllBytes(file);
        for (String f : FashionMnist.FILES) {
            Files.delete(data.resolve(f));
        }
        GateCommandsTest.Out resumed = GateCommandsTest.exec(concat(new String[] {"run"}, plan,
                new String[] {"--resume", out.toString()}));
        assertRefused(resumed);
        assertArrayEquals(before, Files.readAllBytes(file), "the finished cell is kept, nothing appended");
        List<CellRecord> cells = ResultStore.readCells(file);
        assertEquals(1, cells.size());
        assertEquals("quadratic-d100-k100", cells.get(0).task());
    }

    @Test
    void metaTrainChecksItsTasksDataBeforeMetaTraining(@TempDir Path tmp) throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path w = tmp.resolve("w.safetensors");
        GateCommandsTest.Out r = GateCommandsTest.exec("meta-train", "--arch", "star", "--task",
                "fmnist8-mlp32,fmnist-mlp32", "--particles", "2", "--outer-steps", "1", "--out", w.toString(),
                "--data-dir", empty.toString(), "--no-fetch");
        assertRefused(r);
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(empty), files.toList(), "no weights, log or checkpoint written");
        }
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}
