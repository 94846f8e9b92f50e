package dev.lobench.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.ReadOnlyFileSystemException;
import java.util.Map;

/** Turns I/O exceptions into the short reason a user reads ("permission denied", "no space left on device"). */
public final class IoErrors {
    /** Exceptions whose message is only the path: their reason in words (as strerror words it). */
    private static final Map<Class<? extends Exception>, String> REASONS = Map.of(
            AccessDeniedException.class, "permission denied",
            NoSuchFileException.class, "no such file or directory",
            FileAlreadyExistsException.class, "already exists",
            NotDirectoryException.class, "not a directory",
            DirectoryNotEmptyException.class, "directory not empty",
            FileSystemLoopException.class, "too many levels of symbolic links",
            NotLinkException.class, "not a symbolic link",
            ReadOnlyFileSystemException.class, "read-only file system");

    private IoErrors() {}

    /** The OS reason of {@code e} in words, without the path. */
    public static String reason(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            e = u.getCause();
        }
        for (Map.Entry<Class<? extends Exception>, String> r : REASONS.entrySet()) {
            if (r.getKey().isInstance(e)) {
                return r.getValue();
            }
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return lower(f.getReason());
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        // "No space left on device", "Read-only file system", "Is a directory" ...: keep the OS text
        return lower(m.replaceAll("\\s*\\R\\s*", " ").trim());
    }

    /** "PATH: reason" for a {@link FileSystemException} with a file, else the reason alone. */
    public static String describe(Throwable e) {
        Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        if (t instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + reason(t);
        }
        return reason(t);
    }

    /** The first {@link IOException} in {@code e}'s cause chain, or null. */
    public static IOException find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    private static String lower(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
