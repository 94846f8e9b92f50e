package dev.lobench.tasks.data;

import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Finds the four Fashion-MNIST files, and fetches them when asked.
 *
 * <p>Search order (first directory holding all four files wins; each location is tried as given and with a
 * {@code fashion-mnist/} subdirectory):
 * <ol>
 *   <li>the explicit {@code --data-dir} ({@link DataContext#dataDir()}),</li>
 *   <li>{@code $LOBENCH_DATA} (ignored when empty),</li>
 *   <li>the user cache {@code $XDG_CACHE_HOME/lobench/fashion-mnist}, default {@code ~/.cache/lobench/fashion-mnist},</li>
 *   <li>Debian's package {@code dataset-fashion-mnist}: {@code /usr/share/datasets/fashion-mnist}.</li>
 * </ol>
 * An explicit directory (1 or 2) that lacks files is an error naming the missing files, not a silent fall-through.
 *
 * <p>Checksums. The official release files are gzip streams whose header names the file and carries a 2017 mtime;
 * Debian's package ships the same deflate streams with that header normalised (no name, mtime 2020-06-05), so the
 * .gz files differ (23-24 bytes shorter, different hashes) but decompress to identical bytes. Restoring the official
 * header on the Debian files reproduces the official MD5s published in the upstream README, and the SHA-256s below
 * were computed from those reconstructions (they also match the checksums published by tensorflow-datasets). Both
 * forms are accepted.
 */
public final class DataLocator {

    /** Official download location (the URLs of the upstream README). */
    public static final String OFFICIAL_BASE_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final String DEBIAN_PACKAGE = "dataset-fashion-mnist";

    /** SHA-256 of the official release .gz files. */
    public static final Map<String, String> OFFICIAL_SHA256 = Map.of(
            FashionMnist.TRAIN_IMAGES, "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
            FashionMnist.TRAIN_LABELS, "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
            FashionMnist.TEST_IMAGES, "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
            FashionMnist.TEST_LABELS, "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5");

    /** SHA-256 of the .gz files of Debian's dataset-fashion-mnist 0.0~git20200523.55506a9-1. */
    public static final Map<String, String> DEBIAN_SHA256 = Map.of(
            FashionMnist.TRAIN_IMAGES, "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
            FashionMnist.TRAIN_LABELS, "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
            FashionMnist.TEST_IMAGES, "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
            FashionMnist.TEST_LABELS, "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05");

    /** Copies {@code url} to {@code target} (which does not exist yet). Injectable so tests never touch a network. */
    @FunctionalInterface
    public interface Downloader {
        void download(URI url, Path target) throws IOException;
    }

    /** Last-resort installer (the Debian package); returns normally when it succeeded. */
    @FunctionalInterface
    public interface PackageInstaller {
        void install() throws IOException;
    }

    /**
     * Installs Debian packages by name ({@link #aptInstall(String...)} in real use); returns normally when it
     * succeeded. Injectable so tests never run apt.
     */
    @FunctionalInterface
    public interface PackagesInstaller {
        void install(List<String> packages) throws IOException;

        /** apt-get install -y PACKAGES as root ({@link #aptInstall(String...)}). */
        static PackagesInstaller apt() {
            return packages -> aptInstall(packages.toArray(String[]::new));
        }
    }

    /** What a location holds. */
    public enum Status {
        /** All four files present (and, when verified, with a known checksum). */
        COMPLETE,
        /** Some files present. */
        PARTIAL,
        /** Directory missing or none of the files present. */
        MISSING,
        /** The location is not configured (no --data-dir, $LOBENCH_DATA unset). */
        NOT_SET,
        /** All files present but at least one has an unknown checksum (only when verifying). */
        BAD_CHECKSUM
    }

    /** One searched location, for {@code lobench data}. {@code dir} is null for NOT_SET. */
    public record Location(String source, Path dir, Status status, String detail) {
    }

    private final Function<String, String> env;
    private final Path home;
    private final Path debianDir;
    private final Downloader downloader;
    private final PackageInstaller installer;
    private final String baseUrl;

    /** The real environment, home, Debian path, HTTP downloader and apt-get fallback. */
    public DataLocator() {
        this(System::getenv, Path.of(System.getProperty("user.home")), DEBIAN_DIR, DataLocator::urlDownload,
                DataLocator::aptInstall, OFFICIAL_BASE_URL);
    }

    /** Everything injectable: environment lookup, home dir, Debian dir, downloader, installer, base URL. */
    public DataLocator(Function<String, String> env, Path home, Path debianDir, Downloader downloader,
                       PackageInstaller installer, String baseUrl) {
        this.env = env;
        this.home = home;
        this.debianDir = debianDir;
        this.downloader = downloader;
        this.installer = installer;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    }

    /** The user cache directory fetches go to: {@code $XDG_CACHE_HOME/lobench/fashion-mnist} or under ~/.cache. */
    public Path cacheDir() {
        String xdg = env.apply("XDG_CACHE_HOME");
        Path root = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".cache");
        return root.resolve("lobench").resolve("fashion-mnist");
    }

    /** The Debian package's directory, the last place searched. */
    public Path debianDir() {
        return debianDir;
    }

    /** Every location in search order with what it holds. With {@code verify}, complete sets are checksummed. */
    public List<Location> report(DataContext ctx, boolean verify) {
        List<Location> out = new ArrayList<>();
        if (ctx.dataDir().isPresent()) {
            out.add(inspect("--data-dir", ctx.dataDir().get(), verify));
        } else {
            out.add(new Location("--data-dir", null, Status.NOT_SET, "not given"));
        }
        String envDir = env.apply("LOBENCH_DATA");
        if (envDir != null && !envDir.isBlank()) {
            out.add(inspect("$LOBENCH_DATA", Path.of(envDir), verify));
        } else {
            out.add(new Location("$LOBENCH_DATA", null, Status.NOT_SET, "not set"));
        }
        out.add(inspect("user cache", cacheDir(), verify));
        out.add(inspect("Debian package " + DEBIAN_PACKAGE, debianDir, verify));
        return out;
    }

    /** The first complete directory in search order; an explicit but incomplete directory is a UserError. */
    public Optional<Path> find(DataContext ctx) {
        for (Location loc : report(ctx, false)) {
            boolean explicit = loc.source().equals("--data-dir") || loc.source().equals("$LOBENCH_DATA");
            if (loc.status() == Status.COMPLETE) {
                return Optional.of(loc.dir());
            }
            if (explicit && loc.status() != Status.NOT_SET) {
                throw new UserError(FashionMnist.NAME + ": " + loc.dir() + " (" + loc.source() + "): "
                        + loc.detail() + "; it needs " + String.join(", ", FashionMnist.FILES));
            }
        }
        return Optional.empty();
    }

    /** {@link #find}, else {@link #fetch} when {@code ctx.allowFetch()}, else a UserError with the fix. */
    public Path require(DataContext ctx) {
        Optional<Path> found = find(ctx);
        if (found.isPresent()) {
            return found.get();
        }
        if (ctx.allowFetch()) {
            return fetch();
        }
        throw new UserError(FashionMnist.NAME + ": dataset not found in " + cacheDir() + " or " + debianDir
                + "; fix: run `lobench data fetch`, or `sudo apt-get install -y " + DEBIAN_PACKAGE
                + "`, or pass --data-dir DIR holding " + String.join(", ", FashionMnist.FILES));
    }

    /**
     * Downloads the four official files into {@link #cacheDir()}: each goes to a temporary file in that directory,
     * is SHA-256 checked, and is atomically renamed into place; a failed check deletes the temporary file. Files
     * already present with a known checksum are kept. If downloading fails, falls back to the package installer
     * (apt-get as root); if that fails too, throws a UserError with the exact commands to fix it.
     */
    public Path fetch() {
        Path dir = cacheDir();
        IOException downloadFailure;
        try {
            Files.createDirectories(dir);
            for (String name : FashionMnist.FILES) {
                Path target = dir.resolve(name);
                if (Files.isRegularFile(target) && knownChecksum(name, sha256(target))) {
                    continue;
                }
                downloadVerified(URI.create(baseUrl + name), name, target);
            }
            return dir;
        } catch (IOException e) {
            downloadFailure = e;
        }
        try {
            installer.install();
            if (inspect("Debian package", debianDir, false).status() == Status.COMPLETE) {
                return debianDir;
            }
        } catch (IOException e) {
            downloadFailure.addSuppressed(e);
        }
        throw new UserError(FashionMnist.NAME + ": download to " + dir + " failed (" + downloadFailure.getMessage()
                + "); fix: `sudo apt-get install -y " + DEBIAN_PACKAGE + "`, or download " + baseUrl
                + "{" + String.join(",", FashionMnist.FILES) + "} into " + dir, downloadFailure);
    }

    private void downloadVerified(URI url, String name, Path target) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + name + ".", ".part");
        try {
            Files.delete(tmp);
            downloader.download(url, tmp);
            String got = sha256(tmp);
            if (!knownChecksum(name, got)) {
                throw new IOException(url + ": checksum mismatch: SHA-256 " + got + ", expected "
                        + OFFICIAL_SHA256.get(name) + "; the file was discarded");
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Whether {@code sha256} is the official or the Debian checksum of file {@code name}. */
    public static boolean knownChecksum(String name, String sha256) {
        return sha256.equals(OFFICIAL_SHA256.get(name)) || sha256.equals(DEBIAN_SHA256.get(name));
    }

    private Location inspect(String source, Path given, boolean verify) {
        Location best = null;
        for (Path dir : List.of(given, given.resolve("fashion-mnist"))) {
            Location loc = inspectDir(source, dir, verify);
            if (loc.status() == Status.COMPLETE || loc.status() == Status.BAD_CHECKSUM) {
                return loc;
            }
            if (best == null || (best.status() == Status.MISSING && loc.status() == Status.PARTIAL)) {
                best = loc;
            }
        }
        return best;
    }

    private static Location inspectDir(String source, Path dir, boolean verify) {
        if (!Files.isDirectory(dir)) {
            return new Location(source, dir, Status.MISSING, "no such directory");
        }
        List<String> missing = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (String name : FashionMnist.FILES) {
            Path f = dir.resolve(name);
            if (!Files.isRegularFile(f)) {
                missing.add(name);
            } else if (verify) {
                try {
                    if (!knownChecksum(name, sha256(f))) {
                        bad.add(name);
                    }
                } catch (IOException e) {
                    bad.add(name);
                }
            }
        }
        if (missing.size() == FashionMnist.FILES.length) {
            return new Location(source, dir, Status.MISSING, "none of the 4 files");
        }
        if (!missing.isEmpty()) {
            return new Location(source, dir, Status.PARTIAL, "missing " + String.join(", ", missing));
        }
        if (!bad.isEmpty()) {
            return new Location(source, dir, Status.BAD_CHECKSUM, "unknown SHA-256 for " + String.join(", ", bad));
        }
        return new Location(source, dir, Status.COMPLETE, verify ? "all 4 files, checksums verified" : "all 4 files");
    }

    /** Hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int r;
            while ((r = in.read(buf)) > 0) {
                md.update(buf, 0, r);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Plain java.net download (http, https, file URLs) with 30 s connect/read timeouts. */
    public static void urlDownload(URI url, Path target) throws IOException {
        URLConnection c = url.toURL().openConnection();
        c.setConnectTimeout(30_000);
        c.setReadTimeout(30_000);
        try (InputStream in = c.getInputStream(); OutputStream out = Files.newOutputStream(target)) {
            in.transferTo(out);
        }
    }

    /** As root with apt-get on the PATH: {@code apt-get install -y dataset-fashion-mnist}; otherwise fails. */
    public static void aptInstall() throws IOException {
        aptInstall(DEBIAN_PACKAGE);
    }

    /**
     * {@code apt-get install -y PACKAGES} as root (after {@code apt-get update} when the first attempt fails, as on a
     * fresh machine without package lists). apt's output is kept, not printed (stdout stays the command's own and
     * stderr a line per event); a failure's message ends with apt's last output line.
     */
    public static void aptInstall(String... packages) throws IOException {
        if (!isRoot()) {
            throw new IOException("not root, so not running apt-get");
        }
        Path apt = findOnPath("apt-get").orElseThrow(() -> new IOException("apt-get not found on PATH"));
        java.util.List<String> install = new java.util.ArrayList<>(java.util.List.of(apt.toString(), "install", "-y"));
        install.addAll(java.util.List.of(packages));
        if (runQuietly(install).rc() != 0) {
            runQuietly(java.util.List.of(apt.toString(), "update", "-q"));
            Ran r = runQuietly(install);
            if (r.rc() != 0) {
                throw new IOException("apt-get install -y " + String.join(" ", packages) + " exited with " + r.rc()
                        + (r.lastLine().isEmpty() ? "" : ": " + r.lastLine()));
            }
        }
    }

    /** A finished process: its exit code and its last non-blank output line. */
    record Ran(int rc, String lastLine) {
    }

    private static Ran runQuietly(java.util.List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String last = "";
        try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    last = line.strip();
                }
            }
        }
        try {
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroy();
                throw new IOException(String.join(" ", cmd) + " timed out");
            }
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", cmd));
        }
        return new Ran(p.exitValue(), last);
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "root".equals(System.getProperty("user.name"));
    }

    static Optional<Path> findOnPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String d : path.split(":")) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, exe);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The four file names, for listings. */
    public static Set<String> fileNames() {
        return Set.of(FashionMnist.FILES);
    }
}
