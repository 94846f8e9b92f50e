package dev.lobench.bench;

import ai.djl.engine.Engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** Facts about this build and machine recorded in every results header. */
public final class RunEnvironment {
    private RunEnvironment() {}

    public static String lobenchVersion() {
        try (InputStream in = RunEnvironment.class.getResourceAsStream("/lobench/version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException ignored) {
            // fall through
        }
        return "unknown";
    }

    /**
     * The git commit the running code was built from: {@code -Dlobench.gitCommit} when set (a GPU bundle's launcher
     * passes the commit it was bundled from), else the commit embedded in the jar at build time
     * ({@code lobench-git.properties}, so a copied jar run long after the checkout moved on still names its own
     * code; {@code <commit>-dirty} when the jar was built from uncommitted changes to tracked files), else
     * {@code git rev-parse HEAD} in the working directory (running from the build tree), else "unknown".
     */
    public static String gitCommit() {
        String p = System.getProperty("lobench.gitCommit");
        if (p != null && !p.isBlank()) {
            return p;
        }
        try (InputStream in = RunEnvironment.class.getResourceAsStream("/" + BUILD_COMMIT_RESOURCE)) {
            String embedded = embeddedCommit(in);
            if (embedded != null) {
                return embedded;
            }
        } catch (IOException ignored) {
            // fall through to git
        }
        try {
            Process proc = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            if (proc.waitFor(5, TimeUnit.SECONDS) && proc.exitValue() == 0) {
                String s = new String(proc.getInputStream().readAllBytes()).trim();
                if (s.matches("[0-9a-f]{40}")) {
                    return s;
                }
            } else {
                proc.destroyForcibly();
            }
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "unknown";
    }

    /** The class-path resource the cli module's build writes the commit into (key {@code git.commit.id}). */
    static final String BUILD_COMMIT_RESOURCE = "lobench-git.properties";

    /**
     * The 40-hex commit in a build-commit properties stream, with {@code -dirty} appended when the build's
     * {@code git describe --dirty} (key {@code git.commit.id.describe}) says tracked files differed from that commit
     * (untracked files, such as experiment outputs, do not count); null when the commit is absent, empty or malformed.
     */
    static String embeddedCommit(InputStream in) throws IOException {
        if (in == null) {
            return null;
        }
        Properties props = new Properties();
        props.load(in);
        String c = props.getProperty("git.commit.id", "").trim();
        if (!c.matches("[0-9a-f]{40}")) {
            return null;
        }
        return props.getProperty("git.commit.id.describe", "").trim().endsWith("-dirty") ? c + "-dirty" : c;
    }

    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    public static String jvm() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }

    public static String os() {
        return System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
    }

    public static String djlVersion() {
        return Engine.getDjlVersion();
    }

    public static String libtorchVersion() {
        try {
            return Engine.getEngine("PyTorch").getVersion();
        } catch (RuntimeException e) {
            return "unavailable: " + e.getMessage();
        }
    }

    /** Intra-op threads libtorch uses (the JVM's available processors unless overridden). */
    public static int threads() {
        String p = System.getProperty("ai.djl.pytorch.num_threads");
        if (p != null) {
            try {
                return Integer.parseInt(p.trim());
            } catch (NumberFormatException ignored) {
                // fall through
            }
        }
        String omp = System.getenv("OMP_NUM_THREADS");
        if (omp != null) {
            try {
                return Integer.parseInt(omp.trim());
            } catch (NumberFormatException ignored) {
                // fall through
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
