package dev.lobench.tasks.data;

import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataLocatorTest {
    @TempDir
    Path tmp;

    private final Map<String, String> env = new HashMap<>();

    private DataLocator locator(Path debian, DataLocator.Downloader dl, DataLocator.PackageInstaller inst,
                                String base) {
        return new DataLocator(env::get, tmp.resolve("home"), debian, dl, inst, base);
    }

    private DataLocator locator(Path debian) {
        return locator(debian, (u, t) -> {
            throw new IOException("network disabled in tests");
        }, () -> {
            throw new IOException("no installer in tests");
        }, "http://invalid.example/");
    }

    private static Path complete(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String f : FashionMnist.FILES) {
            Files.write(dir.resolve(f), new byte[] {1});
        }
        return dir;
    }

    @Test
    void searchOrder() throws IOException {
        Path explicit = complete(tmp.resolve("explicit"));
        Path envDir = complete(tmp.resolve("env"));
        Path cache = complete(tmp.resolve("home/.cache/lobench/fashion-mnist"));
        Path debian = complete(tmp.resolve("debian"));
        DataLocator loc = locator(debian);
        env.put("LOBENCH_DATA", envDir.toString());
        assertEquals(Optional.of(explicit), loc.find(new DataContext(Optional.of(explicit), false)));
        assertEquals(Optional.of(envDir), loc.find(DataContext.defaults()));
        env.put("LOBENCH_DATA", "");
        assertEquals(Optional.of(cache), loc.find(DataContext.defaults()));
        env.put("XDG_CACHE_HOME", tmp.resolve("xdg").toString());
        assertEquals(Optional.of(debian), loc.find(DataContext.defaults()));
        Path xdgCache = complete(tmp.resolve("xdg/lobench/fashion-mnist"));
        assertEquals(xdgCache, loc.cacheDir());
        assertEquals(Optional.of(xdgCache), loc.find(DataContext.defaults()));
    }

    @Test
    void acceptsFashionMnistSubdirectoryAndReports() throws IOException {
        Path root = tmp.resolve("root");
        Path sub = complete(root.resolve("fashion-mnist"));
        Path debian = tmp.resolve("nodebian");
        DataLocator loc = locator(debian);
        assertEquals(Optional.of(sub), loc.find(new DataContext(Optional.of(root), false)));
        List<DataLocator.Location> r = loc.report(DataContext.defaults(), false);
        assertEquals(List.of("--data-dir", "$LOBENCH_DATA", "user cache", "Debian package dataset-fashion-mnist"),
                r.stream().map(DataLocator.Location::source).toList());
        assertEquals(List.of(DataLocator.Status.NOT_SET, DataLocator.Status.NOT_SET, DataLocator.Status.MISSING,
                DataLocator.Status.MISSING), r.stream().map(DataLocator.Location::status).toList());
        // with verification, files with unknown content are flagged
        List<DataLocator.Location> v = loc.report(new DataContext(Optional.of(root), false), true);
        assertEquals(DataLocator.Status.BAD_CHECKSUM, v.get(0).status());
    }

    @Test
    void explicitIncompleteDirectoryIsAnError() throws IOException {
        Path partial = Files.createDirectories(tmp.resolve("partial"));
        Files.write(partial.resolve(FashionMnist.TRAIN_IMAGES), new byte[] {1});
        complete(tmp.resolve("debian"));
        DataLocator loc = locator(tmp.resolve("debian"));
        UserError e = assertThrows(UserError.class, () -> loc.find(new DataContext(Optional.of(partial), false)));
        assertTrue(e.getMessage().startsWith("fashion-mnist: " + partial + " (--data-dir): missing "
                + FashionMnist.TRAIN_LABELS + ", " + FashionMnist.TEST_IMAGES), e.getMessage());
    }

    @Test
    void notFoundWithoutFetchGivesFix() {
        DataLocator loc = locator(tmp.resolve("nodebian"));
        UserError e = assertThrows(UserError.class, () -> loc.require(DataContext.defaults()));
        assertTrue(e.getMessage().contains("sudo apt-get install -y dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("lobench data fetch"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void checksumMismatchLeavesNothingBehind() throws IOException {
        Path server = Files.createDirectories(tmp.resolve("server"));
        for (String f : FashionMnist.FILES) {
            Files.write(server.resolve(f), "not the dataset".getBytes());
        }
        int[] installs = {0};
        DataLocator loc = locator(tmp.resolve("nodebian"), DataLocator::urlDownload, () -> {
            installs[0]++;
            throw new IOException("apt-get not available");
        }, server.toUri().toString());
        UserError e = assertThrows(UserError.class, () -> loc.require(new DataContext(Optional.empty(), true)));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains("sudo apt-get install -y dataset-fashion-mnist"), e.getMessage());
        assertEquals(1, installs[0]);
        Path cache = loc.cacheDir();
        try (Stream<Path> s = Files.list(cache)) {
            assertEquals(List.of(), s.toList());
        }
    }

    @Test
    void fallsBackToInstallerWhenDownloadFails() throws IOException {
        Path debian = tmp.resolve("debian");
        DataLocator loc = locator(debian, (u, t) -> {
            throw new IOException("offline");
        }, () -> complete(debian), "http://invalid.example/");
        assertEquals(debian, loc.require(new DataContext(Optional.empty(), true)));
    }

    @Test
    void knownChecksums() {
        assertTrue(DataLocator.knownChecksum(FashionMnist.TEST_LABELS,
                "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"));
        assertTrue(DataLocator.knownChecksum(FashionMnist.TEST_LABELS,
                "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"));
        assertFalse(DataLocator.knownChecksum(FashionMnist.TRAIN_LABELS,
                "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"));
    }
}
