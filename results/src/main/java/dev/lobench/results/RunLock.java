package dev.lobench.results;

import java.io.Closeable;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * The exclusive lock every writer of a run directory holds while it writes ({@code run}, {@code run --resume},
 * {@code merge --out}): an OS file lock ({@link FileChannel#tryLock()}) on {@code DIR/.lobench.lock}, whose
 * content names the holder (pid, host, start time, command). A second writer, in another process or in this
 * one, gets a {@link ResultsError} naming the holder. The OS releases the lock when the holder exits, even by
 * kill -9, so a stale lock file never blocks anyone; the file itself is left in place.
 */
public final class RunLock implements Closeable {
    public static final String FILE_NAME = ".lobench.lock";

    /** Lock files held by this JVM: a second channel on the same file must not even be opened (closing it would
     * drop the first channel's POSIX lock). */
    private static final Set<Path> HELD = new HashSet<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of run directory {@code dir} (which must exist).
     *
     * @param command what the holder runs, recorded for a refused second writer's message
     * @throws ResultsError when another writer holds it, or the lock file cannot be written
     */
    public static RunLock acquire(Path dir, String command) {
        Path file;
        try {
            file = dir.toRealPath().resolve(FILE_NAME);
        } catch (IOException e) {
            throw new ResultsError(dir + ": " + IoErrors.reason(e), e);
        }
        synchronized (HELD) {
            if (HELD.contains(file)) {
                throw busy(dir, file);
            }
            FileChannel ch = null;
            try {
                ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    l = null;
                }
                if (l == null) {
                    ch.close();
                    throw busy(dir, file);
                }
                String who = "pid " + ProcessHandle.current().pid() + " on host " + host() + " since "
                        + Instant.now() + ": " + (command == null ? "lobench" : command) + "\n";
                ch.truncate(0);
                ByteBuffer b = ByteBuffer.wrap(who.getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b, b.position());
                }
                ch.force(true);
                HELD.add(file);
                return new RunLock(file, ch, l);
            } catch (IOException e) {
                if (ch != null) {
                    try {
                        ch.close();
                    } catch (IOException ignored) {
                        // the open failure is what matters
                    }
                }
                throw new ResultsError(file + ": cannot take the run directory's lock: " + IoErrors.reason(e), e);
            }
        }
    }

    private static ResultsError busy(Path dir, Path file) {
        String holder;
        try {
            holder = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            holder = "";
        }
        return new ResultsError(dir + " is being written by another lobench ("
                + (holder.isEmpty() ? "holder unknown" : holder) + "); wait for it to finish or use another directory");
    }

    private static String host() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return ManagementFactory.getRuntimeMXBean().getName();
        }
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    @Override
    public void close() {
        synchronized (HELD) {
            if (!HELD.remove(file)) {
                return;
            }
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                // the OS drops the lock with the channel or the process anyway
            }
        }
    }
}
