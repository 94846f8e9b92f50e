package dev.lobench.results;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Opening the JSON Lines files lobench reads, plain ({@code .jsonl}) or gzip-compressed ({@code .jsonl.gz}, as the
 * committed records under {@code experiments/} are stored). Compression is recognised by the {@code .gz} suffix
 * only; a {@code .gz} file that is not gzip data is an {@link IOException} from {@link #open}.
 */
public final class JsonLines {
    /** The suffix of a compressed JSON Lines file. */
    public static final String GZ = ".gz";

    private JsonLines() {}

    /** True for {@code NAME.jsonl} and {@code NAME.jsonl.gz}. */
    public static boolean isJsonLines(Path file) {
        String n = file.getFileName() == null ? "" : file.getFileName().toString();
        return n.endsWith(".jsonl") || n.endsWith(".jsonl" + GZ);
    }

    /** The file name without a trailing {@code .gz}: {@code results.jsonl} for {@code results.jsonl.gz}. */
    public static String plainName(Path file) {
        String n = file.getFileName() == null ? "" : file.getFileName().toString();
        return n.endsWith(GZ) ? n.substring(0, n.length() - GZ.length()) : n;
    }

    /** {@code dir/name}, or {@code dir/name.gz} when only the compressed form exists; null when neither does. */
    public static Path resolve(Path dir, String name) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gz = dir.resolve(name + GZ);
        return Files.isRegularFile(gz) ? gz : null;
    }

    /** The file's bytes, decompressed when its name ends in {@code .gz}. */
    public static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (!file.toString().endsWith(GZ)) {
            return in;
        }
        try {
            return new GZIPInputStream(new BufferedInputStream(in, 1 << 16), 1 << 16);
        } catch (IOException e) {
            in.close();
            throw new IOException("not gzip data (" + e.getMessage() + ")", e);
        }
    }

    /** All lines of the (possibly compressed) file, UTF-8. */
    public static List<String> readAllLines(Path file) throws IOException {
        try (InputStream in = open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}
