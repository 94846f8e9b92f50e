package dev.lobench.optimizers.external;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Drains a client's stderr on a daemon thread (so it never blocks on a full pipe), keeping its last 8 KiB. */
final class StderrTail {
    private static final int KEEP = 8192;
    private final byte[] ring = new byte[KEEP];
    private long written;
    private final Thread drainer;

    StderrTail(InputStream err) {
        drainer = new Thread(() -> drain(err), "lobench-ext-stderr");
        drainer.setDaemon(true);
        drainer.start();
    }

    /**
     * {@link #lastLine()} once the client's stderr has been read to its end, waiting at most {@code millis}: after
     * the client exited, its last words may still be in the pipe when the exit is noticed (a busy machine delays the
     * draining thread). A grandchild that keeps stderr open only costs the wait.
     */
    String lastLineAfterExit(long millis) {
        try {
            drainer.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return lastLine();
    }

    private void drain(InputStream err) {
        byte[] buf = new byte[4096];
        try (err) {
            int n;
            while ((n = err.read(buf)) > 0) {
                synchronized (this) {
                    for (int i = 0; i < n; i++) {
                        ring[(int) (written++ % KEEP)] = buf[i];
                    }
                }
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    /** The last non-blank line written so far (at most 300 characters), or "". */
    synchronized String lastLine() {
        int n = (int) Math.min(written, KEEP);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = ring[(int) ((written - n + i) % KEEP)];
        }
        String[] lines = new String(b, StandardCharsets.UTF_8).split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            String l = lines[i].strip();
            if (!l.isEmpty()) {
                return l.length() > 300 ? l.substring(0, 300) + "..." : l;
            }
        }
        return "";
    }
}
