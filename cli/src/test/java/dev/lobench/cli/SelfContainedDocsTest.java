package dev.lobench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The repository documents itself: no file cites the design notes that live outside it, and the sources and docs
 * name no absolute path of the machine they were written on. Experiment records (program output under
 * {@code experiments/}) may hold the paths they were run with.
 */
class SelfContainedDocsTest {
    /** Built by concatenation so that this file does not match itself. */
    private static final String OUTSIDE_DESIGN = "shared" + "/design";
    private static final String OUTSIDE_SHARED = "../" + "shared";
    private static final String MACHINE_PATH = "/" + "work/";
    private static final Set<String> SKIP_DIRS = Set.of(".git", "target", "lobench-runs", ".lobench");

    static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.isDirectory(p.resolve("docs")) && Files.isRegularFile(p.resolve("lobench")))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("repository root (with docs/ and lobench) not found above "
                    + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** Offending "file:line: text" lines of every text file under root. */
    static List<String> offences(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return !dir.equals(root) && SKIP_DIRS.contains(dir.getFileName().toString())
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (SKIP_DIRS.contains(file.getFileName().toString())) {
                    return FileVisitResult.CONTINUE; // a worktree's .git file names its main repository
                }
                byte[] bytes = Files.readAllBytes(file);
                if (isBinary(bytes)) {
                    return FileVisitResult.CONTINUE;
                }
                String rel = root.relativize(file).toString();
                boolean record = rel.startsWith("experiments/") && !rel.endsWith(".md") && !rel.endsWith(".sh");
                List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
                for (int i = 0; i < lines.size(); i++) {
                    String l = lines.get(i);
                    if (l.contains(OUTSIDE_DESIGN) || l.contains(OUTSIDE_SHARED)
                            || (!record && l.contains(MACHINE_PATH))) {
                        out.add(rel + ":" + (i + 1) + ": " + l.strip());
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    private static boolean isBinary(byte[] b) {
        for (int i = 0; i < Math.min(b.length, 8000); i++) {
            if (b[i] == 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void noFileCitesAPathOutsideTheRepository() throws IOException {
        Path root = repositoryRoot();
        assertTrue(Files.isRegularFile(root.resolve("docs/learned-optimizers.md")), root.toString());
        List<String> bad = offences(root);
        assertEquals(List.of(), bad, "cite docs/ instead of a path outside the repository");
    }

    @Test
    void theCheckFindsAnOffence(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Files.createDirectories(tmp.resolve("src"));
        Files.writeString(tmp.resolve("src/A.java"), "// ok\n// see " + OUTSIDE_DESIGN + "/metrics.md\n");
        Files.createDirectories(tmp.resolve("experiments/x"));
        Files.writeString(tmp.resolve("experiments/x/stdout.txt"), "weights: " + MACHINE_PATH + "a/b\n");
        Files.writeString(tmp.resolve("experiments/x/README.md"), "see " + MACHINE_PATH + "a/b\n");
        Files.createDirectories(tmp.resolve("target"));
        Files.writeString(tmp.resolve("target/B.txt"), OUTSIDE_DESIGN + "\n");
        assertEquals(List.of("experiments/x/README.md:1: see " + MACHINE_PATH + "a/b",
                "src/A.java:2: // see " + OUTSIDE_DESIGN + "/metrics.md"), offences(tmp).stream().sorted().toList());
    }
}
