package dev.lobench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Optimizers from --optimizer-spec through the CLI, and a stdout that holds only the table asked for. */
class OwnOptimizerCliTest {
    private static final String SPECS = Path.of("..", "examples", "optimizer-specs", "adamw-variants.yaml")
            .toAbsolutePath().normalize().toString();

    /** Runs the CLI capturing System.err as well (CliTest.run leaves it on the console). */
    private static CliTest.Result runCapturingErr(String... args) {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            CliTest.Result r = CliTest.run(args);
            return new CliTest.Result(r.code(), r.out(), r.err() + err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
        }
    }

    @Test
    void specFileOptimizersAreListedAndRunWithTunedGrids(@TempDir Path dir) {
        CliTest.Result list = CliTest.run("list", "optimizers", "--optimizer-spec", SPECS);
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("chain-sgdm") && list.out().contains("[optimizer spec adamw-variants.yaml]"),
                list.out());
        CliTest.Result r = runCapturingErr("run", "--task", "quadratic-d100-k100", "--steps", "5", "--optimizer-spec",
                SPECS, "--optimizer", "chain-sgdm,adamw-clip-tuned:lrs=2,min=1e-3,max=1e-2", "--format", "csv",
                "--out", dir.resolve("r").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("chain-sgdm(lr=0.05)"), r.out());
        assertTrue(r.out().contains("adamw-clip(lr=0.001)") && r.out().contains("adamw-clip(lr=0.01)"), r.out());
    }

    @Test
    void runFormatCsvPrintsOneCleanCsvTableOnStdout(@TempDir Path dir) {
        CliTest.Result r = runCapturingErr("run", "--task", "quadratic-d100-k100", "--steps", "5", "--optimizer",
                "adam,sgdm", "--format", "csv", "--out", dir.resolve("r").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().endsWith("\n") && !r.out().contains("\n\n"), "no blank line: " + r.out());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), "a header and one row per optimizer, nothing else: " + r.out());
        assertTrue(lines.get(0).startsWith("task,optimizer,"), lines.get(0));
        int columns = lines.get(0).split(",", -1).length;
        for (String l : lines) {
            assertFalse(l.contains("\""), "no quoted fields expected here: " + l);
            assertEquals(columns, l.split(",", -1).length, l);
        }
        assertFalse(r.out().contains("results:"), r.out());
        assertTrue(r.err().contains("results: " + dir.resolve("r").toAbsolutePath()), r.err());
    }

    @Test
    void aMissingSpecFileIsAOneLineError() {
        CliTest.assertOneLineError(CliTest.run("run", "--task", "quadratic-d100-k100", "--optimizer-spec",
                "no-such.yaml", "--optimizer", "adam"), "--optimizer-spec: file not found: no-such.yaml");
        CliTest.assertOneLineError(CliTest.run("list", "optimizers", "--plugins", "no-such.jar"),
                "--plugins: no-such.jar does not exist");
    }

}
