package dev.lobench.tasks.preflight;

import ai.djl.ndarray.NDManager;
import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.Task;
import dev.lobench.tasks.TaskInstance;
import dev.lobench.tasks.TaskRegistry;
import dev.lobench.tasks.UserError;
import dev.lobench.tasks.data.DataLocator;
import dev.lobench.tasks.data.FashionMnist;
import dev.lobench.tasks.lm.FortunesCorpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data preflight on temporary directories only: the environment, the Debian paths, the downloader and both
 * installers are injected, so no test touches the network, apt or the machine's installed datasets.
 */
class DataPreflightTest {
    @TempDir
    Path tmp;

    private final Map<String, String> env = new HashMap<>();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<String> downloads = new ArrayList<>();
    private final List<String> fmnistInstalls = new ArrayList<>();
    private final List<List<String>> aptCalls = new ArrayList<>();

    private Path debian() {
        return tmp.resolve("debian/fashion-mnist");
    }

    private Path fortunesRoot() {
        return tmp.resolve("debian/games/fortunes");
    }

    /** A preflight whose downloader always fails and whose installers do what {@code installs} says. */
    private DataPreflight preflight(boolean installs) {
        DataLocator locator = new DataLocator(env::get, tmp.resolve("home"), debian(), (url, target) -> {
            downloads.add(url.toString());
            throw new IOException("network disabled in tests");
        }, () -> {
            fmnistInstalls.add("dataset-fashion-mnist");
            if (!installs) {
                throw new IOException("not root, so not running apt-get");
            }
            fmnist(debian());
        }, "http://invalid.example/");
        DataLocator.PackagesInstaller apt = packages -> {
            aptCalls.add(packages);
            if (!installs) {
                throw new IOException("not root, so not running apt-get");
            }
            fortunes(fortunesRoot(), "en");
            fortunes(fortunesRoot(), "de");
        };
        return new DataPreflight(locator, env::get, List.of(fortunesRoot()), tmp.resolve("home"), apt,
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    static Path fmnist(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String f : FashionMnist.FILES) {
            Files.write(dir.resolve(f), new byte[] {1});
        }
        return dir;
    }

    /** One fortune file of {@code lang} under a fortunes root. */
    static Path fortunes(Path root, String lang) throws IOException {
        Path dir = lang.equals("en") ? root : root.resolve(lang);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("quotes"), "one\n%\ntwo\n");
        return dir;
    }

    private static DataContext ctx(Path dataDir, boolean fetch) {
        return new DataContext(Optional.ofNullable(dataDir), fetch);
    }

    /** A task that reads the given datasets and must never be instantiated by a preflight. */
    static Task reading(String... datasets) {
        return new Task() {
            @Override
            public String name() {
                return "reads-" + String.join("+", datasets);
            }

            @Override
            public String family() {
                return "test";
            }

            @Override
            public int defaultSteps() {
                return 1;
            }

            @Override
            public Map<String, Object> parameters() {
                return Map.of();
            }

            @Override
            public long numParams() {
                return 0;
            }

            @Override
            public TaskInstance instantiate(NDManager manager, long seed, DataContext data) {
                throw new AssertionError("the preflight must not load data");
            }

            @Override
            public List<String> datasets() {
                return List.of(datasets);
            }
        };
    }

    private static void assertOneLine(String s) {
        assertFalse(s.contains("\n") || s.contains("\r"), "one line: " + s);
    }

    @Test
    void tasksDeclareTheirFamilysDataset() {
        for (Task t : TaskRegistry.all()) {
            String familyDataset = TaskRegistry.family(t.family()).dataset();
            if (familyDataset.equals("synthetic")) {
                assertEquals(List.of(), t.datasets(), t.name());
            } else {
                assertEquals(1, t.datasets().size(), t.name());
                assertTrue(t.datasets().get(0).startsWith(familyDataset), t.name() + ": " + t.datasets());
            }
        }
        // and the preflight knows every one of them (an unknown name is an IllegalStateException, not a UserError)
        for (Task t : TaskRegistry.all()) {
            try {
                preflight(false).ensure(List.of(t), ctx(null, false));
            } catch (UserError missingHere) {
                assertTrue(missingHere.getMessage().startsWith("data missing for this plan: " + t.datasets().get(0)
                        + " ("), missingHere.getMessage());
            }
        }
        assertEquals(List.of("fashion-mnist"), TaskRegistry.get("fmnist8-mlp32").datasets());
        assertEquals(List.of("fortunes-de"), TaskRegistry.get("fortunes-de-tf-w64-d2").datasets());
        assertEquals(List.of("fortunes-en", "fashion-mnist"), DataPreflight.datasets(List.of(
                TaskRegistry.get("fortunes-tf-w32-d1"), TaskRegistry.get("fmnist8-mlp32"),
                TaskRegistry.get("quadratic-d100-k100"), TaskRegistry.get("fortunes-tf-w64-d2"),
                TaskRegistry.get("fmnist-cnn16x32"))));
    }

    @Test
    void everyDatasetPresentPrintsNothing() throws IOException {
        Path data = tmp.resolve("data");
        fmnist(data.resolve("fashion-mnist"));
        fortunes(data.resolve("fortunes"), "de");
        fortunes(fortunesRoot(), "en");
        Map<String, Path> found = preflight(true).ensure(List.of(TaskRegistry.get("fmnist8-mlp32"),
                TaskRegistry.get("fortunes-de-tf-w64-d2"), TaskRegistry.get("fortunes-tf-w32-d1")), ctx(data, true));
        assertEquals(List.of("fashion-mnist", "fortunes-de", "fortunes-en"), List.copyOf(found.keySet()));
        assertEquals(data.resolve("fashion-mnist"), found.get("fashion-mnist"));
        assertEquals(data.resolve("fortunes/de"), found.get("fortunes-de"));
        assertEquals(fortunesRoot(), found.get("fortunes-en"));
        assertEquals("", err());
        assertEquals(List.of(), downloads);
        assertEquals(List.of(), aptCalls);
        assertEquals(Map.of(), preflight(true).ensure(List.of(TaskRegistry.get("quadratic-d100-k100")),
                ctx(null, true)));
    }

    @Test
    void everyMissingDatasetInOneMessageWithTheInstallCommand() {
        UserError e = assertThrows(UserError.class, () -> preflight(true).ensure(List.of(
                TaskRegistry.get("fmnist8-mlp32"), TaskRegistry.get("fortunes-de-tf-w64-d2"),
                TaskRegistry.get("fortunes-tf-w32-d1")), ctx(null, false)));
        String m = e.getMessage();
        assertOneLine(m);
        assertTrue(m.startsWith("data missing for this plan: fashion-mnist (not in "), m);
        assertTrue(m.contains("fortunes-de (looked in " + fortunesRoot().resolve("de") + ")"), m);
        assertTrue(m.contains("fortunes-en (looked in " + fortunesRoot() + ")"), m);
        assertTrue(m.endsWith("; install them with: sudo apt-get install -y dataset-fashion-mnist fortunes-de fortunes"),
                m);
        assertEquals("", err(), "without fetching nothing is tried or printed");
        assertEquals(List.of(), downloads);
        assertEquals(List.of(), fmnistInstalls);
        assertEquals(List.of(), aptCalls);
    }

    @Test
    void explicitDataDirHoldingOneDatasetNamesTheOther() throws IOException {
        Path data = tmp.resolve("data");
        fortunes(data.resolve("fortunes"), "en");
        // Fashion-MNIST installed elsewhere does not count: an explicit --data-dir lacking it is searched alone
        fmnist(debian());
        UserError e = assertThrows(UserError.class, () -> preflight(true).ensure(List.of(
                TaskRegistry.get("fmnist8-mlp32"), TaskRegistry.get("fortunes-tf-w32-d1")), ctx(data, true)));
        String m = e.getMessage();
        assertOneLine(m);
        assertTrue(m.startsWith("data missing for this plan: fashion-mnist (" + data + " (--data-dir): "), m);
        assertFalse(m.contains("fortunes"), m);
        assertFalse(m.contains("apt-get"), "no install puts the files into --data-dir: " + m);
        assertTrue(m.endsWith("; it needs " + String.join(", ", FashionMnist.FILES) + "); fashion-mnist: "
                + DataPreflight.EXPLICIT_DIR_FIX), m);
        assertEquals(List.of(), downloads, "nothing fetched for a directory the user named");
        assertEquals("", err());

        // with the German text missing too: the install command names what it installs
        UserError both = assertThrows(UserError.class, () -> preflight(true).ensure(List.of(
                TaskRegistry.get("fmnist8-mlp32"), TaskRegistry.get("fortunes-de-tf-w64-d2")), ctx(data, false)));
        assertOneLine(both.getMessage());
        assertTrue(both.getMessage().contains("), fortunes-de (looked in " + data.resolve("fortunes/de") + ", "
                + fortunesRoot().resolve("de") + "); install fortunes-de with: sudo apt-get install -y fortunes-de;"
                + " fashion-mnist: " + DataPreflight.EXPLICIT_DIR_FIX), both.getMessage());

        // the other way round: Fashion-MNIST in --data-dir, the German text nowhere
        Path data2 = tmp.resolve("data2");
        fmnist(data2);
        UserError e2 = assertThrows(UserError.class, () -> preflight(false).ensure(List.of(
                TaskRegistry.get("fmnist8-mlp32"), TaskRegistry.get("fortunes-de-tf-w64-d2")), ctx(data2, false)));
        assertEquals("data missing for this plan: fortunes-de (looked in " + data2.resolve("fortunes/de") + ", "
                + fortunesRoot().resolve("de") + "); install it with: sudo apt-get install -y fortunes-de",
                e2.getMessage());
    }

    @Test
    void fetchesWhatIsMissingInOneStepWithOneLine() throws IOException {
        Map<String, Path> found = preflight(true).ensure(List.of(TaskRegistry.get("fmnist8-mlp32"),
                TaskRegistry.get("fortunes-tf-w32-d1"), TaskRegistry.get("fortunes-de-tf-w64-d2")), ctx(null, true));
        assertEquals(debian(), found.get("fashion-mnist"), "download failed, the package installer ran");
        assertEquals(fortunesRoot(), found.get("fortunes-en"));
        assertEquals(fortunesRoot().resolve("de"), found.get("fortunes-de"));
        assertFalse(downloads.isEmpty(), "the checksummed download was tried first");
        assertEquals(List.of("dataset-fashion-mnist"), fmnistInstalls);
        assertEquals(List.of(FortunesCorpus.PACKAGES), aptCalls, "one apt-get for both languages");
        assertEquals("lobench: fetching the data this plan needs: fashion-mnist, fortunes-en, fortunes-de\n", err());
    }

    @Test
    void failedFetchIsOneMessageNamingEveryDataset() {
        UserError e = assertThrows(UserError.class, () -> preflight(false).ensure(List.of(
                TaskRegistry.get("fortunes-tf-w32-d1"), TaskRegistry.get("fmnist8-mlp32"),
                TaskRegistry.get("fortunes-de-tf-w64-d2")), ctx(null, true)));
        String m = e.getMessage();
        assertOneLine(m);
        assertTrue(m.startsWith("data missing for this plan: fortunes-en ("), m);
        assertTrue(m.contains("automatic install failed: not root"), m);
        assertTrue(m.contains(", fashion-mnist (download to "), m);
        assertTrue(m.contains(", fortunes-de ("), m);
        assertTrue(m.endsWith("; install them with: sudo apt-get install -y fortunes dataset-fashion-mnist fortunes-de"),
                m);
        assertEquals(List.of(FortunesCorpus.PACKAGES), aptCalls, "apt-get is not retried for the second language");
        assertEquals(1, err().lines().count(), err());
    }

    @Test
    void cifarAndUnknownDatasets() throws IOException {
        UserError e = assertThrows(UserError.class, () -> preflight(true).ensure(List.of(reading("cifar-10")),
                ctx(null, true)));
        assertTrue(e.getMessage().startsWith("data missing for this plan: cifar-10 (CIFAR-10 binary files not found;"
                + " looked in "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; install it with: " + DataPreflight.CIFAR_COMMAND), e.getMessage());
        assertEquals("", err(), "CIFAR-10 is never downloaded");
        Path cifar = Files.createDirectories(tmp.resolve("home/.cache/lobench/cifar-10-batches-bin"));
        Files.write(cifar.resolve("test_batch.bin"), new byte[3073]);
        assertEquals(Map.of("cifar-10", cifar), preflight(true).ensure(List.of(reading("cifar-10")), ctx(null, false)));
        assertThrows(IllegalStateException.class, () -> preflight(true).ensure(List.of(reading("imagenet")),
                ctx(null, false)));
    }
}
