package dev.lobench.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * Append-only writer of one results file (format: {@link ResultStore}). Each record is serialised to one line,
 * written whole with its newline, and forced to the storage device ({@link FileChannel#force}) before the call
 * returns, so a run killed at any moment leaves every finished cell intact and at most one partial last line,
 * which {@link ResultStore} skips. Thread-safe: cells finished on several threads may share one writer.
 *
 * <p>Records are checked before writing with the same rules the reader applies; a record the reader would
 * reject is a programming error ({@link IllegalArgumentException}). I/O failures are
 * {@link UncheckedIOException}s.
 */
public final class ResultWriter implements Closeable {
    private final Path file;
    private final FileChannel channel;
    private final Set<String> cellKeys = new HashSet<>();
    private int cells;
    private boolean ended;
    private boolean closed;

    private ResultWriter(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Creates {@code file} (it must not exist) and writes {@code header} as its first line.
     *
     * @throws ResultsError when the file already exists
     */
    public static ResultWriter create(Path file, RunHeader header) {
        check(() -> ResultStore.validateHeader(header, "header"));
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new ResultsError(file + ": results file already exists");
        } catch (IOException e) {
            throw ResultStore.unchecked(file, e);
        }
        ResultWriter w = new ResultWriter(file, ch);
        try {
            w.writeLine(header);
        } catch (RuntimeException e) {
            // a file without a whole header (full disk, I/O error) would block both a new run and --resume
            try {
                w.close();
            } finally {
                try {
                    java.nio.file.Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // the write failure is what the caller reports
                }
            }
            throw e;
        }
        syncDirectory(file);
        return w;
    }

    /**
     * Reopens the results file of an unfinished run to append more cells: a partial last line left by a kill
     * is cut off first; new lines are then written in append mode. The caller must hold the run directory's
     * {@link RunLock}, so no other writer appends meanwhile. {@link #cellKeys()} tells which cells the file
     * already holds.
     *
     * @throws ResultsError when the file is bad or already has an end record
     */
    public static ResultWriter resume(Path file) {
        if (file.toString().endsWith(JsonLines.GZ)) {
            throw new ResultsError(file + ": a compressed results file cannot be resumed; gunzip it first");
        }
        ResultStore.Parsed p = ResultStore.parse(file);
        if (p.file.end() != null) {
            throw new ResultsError(file + ": the run already finished (the file has an end record)");
        }
        try {
            try (FileChannel cut = FileChannel.open(file, StandardOpenOption.WRITE)) {
                if (cut.size() > p.validLength) {
                    cut.truncate(p.validLength);
                    cut.force(true);
                }
            }
            FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            ResultWriter w = new ResultWriter(file, ch);
            for (CellRecord c : p.file.cells()) {
                w.cellKeys.add(c.cellKey());
            }
            w.cells = p.file.cells().size();
            return w;
        } catch (IOException e) {
            throw ResultStore.unchecked(file, e);
        }
    }

    /** Appends one cell line and forces it to disk. Cell keys must be unique within the file. */
    public synchronized void writeCell(CellRecord cell) {
        ensureOpen();
        check(() -> ResultStore.validateCell(cell, "cell"));
        if (cellKeys.contains(cell.cellKey())) {
            throw new IllegalArgumentException(file + ": cell '" + cell.cellKey() + "' is already in the file");
        }
        writeLine(cell);
        cellKeys.add(cell.cellKey());
        cells++;
    }

    /**
     * Appends the end record ({@code cells} = the number of cells in the file); nothing may be written after
     * it.
     *
     * @param endTime ISO-8601 time the run ended
     */
    public synchronized void writeEnd(String endTime) {
        ensureOpen();
        writeLine(EndRecord.of(endTime, cells));
        ended = true;
    }

    /** Number of cells in the file, including those there before {@link #resume}. */
    public synchronized int cellCount() {
        return cells;
    }

    /** Keys of the cells in the file (a copy). */
    public synchronized Set<String> cellKeys() {
        return Set.copyOf(cellKeys);
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw ResultStore.unchecked(file, e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(file + ": writer is closed");
        }
        if (ended) {
            throw new IllegalStateException(file + ": end record already written");
        }
    }

    private void writeLine(Object record) {
        byte[] json;
        try {
            json = ResultsJson.mapper().writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + record.getClass().getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
        ByteBuffer buf = ByteBuffer.allocate(json.length + 1);
        buf.put(json).put((byte) '\n').flip();
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        } catch (IOException e) {
            throw ResultStore.unchecked(file, e);
        }
    }

    private static void check(Runnable validation) {
        try {
            validation.run();
        } catch (ResultsError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Makes the new file's directory entry durable too (best effort: not every OS can open a directory). */
    private static void syncDirectory(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null) {
            return;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort
        }
    }
}
