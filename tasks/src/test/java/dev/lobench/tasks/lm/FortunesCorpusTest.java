package dev.lobench.tasks.lm;

import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FortunesCorpusTest {

    private static long residue(String name) {
        CRC32 c = new CRC32();
        c.update(name.getBytes(StandardCharsets.UTF_8));
        return c.getValue() % 10;
    }

    /** First {@code n} names "prefix<k>" whose CRC32 residue satisfies the filter. */
    private static List<String> names(String prefix, int n, boolean residueZero) {
        List<String> out = new ArrayList<>();
        for (int k = 0; out.size() < n; k++) {
            String s = prefix + k;
            if ((residue(s) == 0) == residueZero) {
                out.add(s);
            }
        }
        return out;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesQuotesSeparatedByPercentLines() {
        byte[] in = "one\n%\n\ntwo\r\n  lines\n\n%\n%\n   \n%\nlast".getBytes(StandardCharsets.UTF_8);
        byte[] expected = "one\0two\n  lines\0last\0".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(expected, FortunesCorpus.quoteBytes(in));
    }

    @Test
    void keepsUtf8BytesAndPercentInsideText() {
        byte[] in = "Grüße 100%\n%\n".getBytes(StandardCharsets.UTF_8);
        byte[] body = "Grüße 100%".getBytes(StandardCharsets.UTF_8);
        byte[] expected = java.util.Arrays.copyOf(body, body.length + 1);
        assertArrayEquals(expected, FortunesCorpus.quoteBytes(in));
    }

    @Test
    void readsOnlyFortuneFilesAndSplitsByFileResidue(@TempDir Path tmp) throws IOException {
        Path root = tmp.resolve("fortunes");
        List<String> zero = names("z", 2, true);
        List<String> other = names("f", 5, false);
        for (String n : zero) {
            write(root.resolve(n), "test quote of " + n + "\n%\nanother\n%\n");
        }
        for (String n : other) {
            write(root.resolve(n), "train quote of " + n + "\n%\n");
        }
        write(root.resolve(other.get(0) + ".dat"), "INDEX");
        Files.createSymbolicLink(root.resolve(other.get(0) + ".u8"), root.resolve(other.get(0)));
        Files.createSymbolicLink(root.resolve("alias"), root.resolve(other.get(1)));
        write(root.resolve("off").resolve("rude"), "offensive\n%\n");
        write(root.resolve("de").resolve("deutsch"), "Hallo\n%\n");

        FortunesCorpus c = FortunesCorpus.load("en", new DataContext(Optional.of(tmp), false), null, List.of());
        assertEquals(zero.stream().sorted().toList(), c.testFiles());
        assertEquals(other.stream().sorted().toList(), c.trainFiles());
        String train = new String(c.trainBytes(), StandardCharsets.UTF_8);
        String test = new String(c.testBytes(), StandardCharsets.UTF_8);
        assertFalse(train.contains("offensive") || test.contains("offensive"));
        assertFalse(train.contains("Hallo") || train.contains("INDEX"));
        StringBuilder expectedTrain = new StringBuilder();
        for (String n : other.stream().sorted().toList()) {
            expectedTrain.append("train quote of ").append(n).append('\0');
        }
        assertEquals(expectedTrain.toString(), train);
        assertTrue(test.startsWith("test quote of ") && test.contains("another\0"));
    }

    @Test
    void fillsTestSplitToTenPercentWhenNoNameHasResidueZero(@TempDir Path tmp) throws IOException {
        Path de = tmp.resolve("fortunes").resolve("de");
        List<String> other = names("d", 12, false);
        for (int i = 0; i < other.size(); i++) {
            write(de.resolve(other.get(i)), ("Zitat " + i + " ").repeat(20 + i) + "\n%\n");
        }
        FortunesCorpus c = FortunesCorpus.load("de", new DataContext(Optional.of(tmp), false), null, List.of());
        assertFalse(c.testFiles().isEmpty());
        assertFalse(c.trainFiles().isEmpty());
        Set<String> all = new HashSet<>(c.testFiles());
        all.addAll(c.trainFiles());
        assertEquals(new HashSet<>(other), all);
        assertEquals(other.size(), c.testFiles().size() + c.trainFiles().size());
        double frac = (double) c.testSize() / (c.testSize() + c.trainSize());
        assertTrue(frac >= 0.10, "test fraction " + frac);
        // the split takes no more files than it needs: without its largest file it would hold less than 10%
        long total = c.testSize() + c.trainSize();
        long largest = 0;
        for (String n : c.testFiles()) {
            largest = Math.max(largest, FortunesCorpus.quoteBytes(Files.readAllBytes(de.resolve(n))).length);
        }
        assertTrue(c.testSize() - largest < 0.10 * total);
    }

    @Test
    void splitIsDeterministic(@TempDir Path tmp) throws IOException {
        Path root = tmp.resolve("fortunes");
        for (String n : names("x", 9, false)) {
            write(root.resolve(n), n + " says hello\n%\n");
        }
        DataContext ctx = new DataContext(Optional.of(tmp), false);
        FortunesCorpus a = FortunesCorpus.load("en", ctx, null, List.of());
        FortunesCorpus b = FortunesCorpus.load("en", ctx, null, List.of());
        assertEquals(a.testFiles(), b.testFiles());
        assertArrayEquals(a.trainBytes(), b.trainBytes());
        assertArrayEquals(a.testBytes(), b.testBytes());
    }

    @Test
    void searchOrderDataDirThenLobenchDataThenSystem(@TempDir Path tmp) throws IOException {
        Path explicit = tmp.resolve("explicit");
        Path env = tmp.resolve("env");
        Path system = tmp.resolve("system");
        for (Path p : List.of(explicit.resolve("fortunes"), env.resolve("fortunes"), system)) {
            write(p.resolve("a"), "a\n%\n");
            write(p.resolve("b"), "b\n%\n");
        }
        DataContext withDir = new DataContext(Optional.of(explicit), false);
        DataContext noDir = DataContext.defaults();
        assertEquals(explicit.resolve("fortunes"),
                FortunesCorpus.locate("en", withDir, env.toString(), List.of(system)));
        assertEquals(env.resolve("fortunes"), FortunesCorpus.locate("en", noDir, env.toString(), List.of(system)));
        assertEquals(system, FortunesCorpus.locate("en", noDir, "", List.of(system)));
        // an explicit dir without fortunes falls through to the next root
        assertEquals(env.resolve("fortunes"), FortunesCorpus.locate("en",
                new DataContext(Optional.of(tmp.resolve("empty")), false), env.toString(), List.of(system)));
    }

    @Test
    void missingDataNamesTheInstallCommand(@TempDir Path tmp) throws IOException {
        write(tmp.resolve("fortunes").resolve("a"), "a\n%\n"); // English only, no de/
        DataContext ctx = new DataContext(Optional.of(tmp), false);
        UserError e = assertThrows(UserError.class, () -> FortunesCorpus.locate("de", ctx, null, List.of()));
        assertTrue(e.getMessage().contains("apt-get install -y fortunes fortunes-de"), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.resolve("fortunes").resolve("de").toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void singleFileCannotBeSplit(@TempDir Path tmp) throws IOException {
        write(tmp.resolve("only"), "a\n%\nb\n%\n");
        UserError e = assertThrows(UserError.class, () -> FortunesCorpus.fromDirectory("en", tmp));
        assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
    }
}
