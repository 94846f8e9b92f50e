package dev.lobench.cli;

import dev.lobench.results.ResultStore;
import dev.lobench.tasks.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Refuses an output path that would destroy data: one that resolves (links and {@code ..} followed) to an input
 * file of the same command (a results file, one inside a given run directory, or a baseline), or to existing
 * lobench data that this command did not create (results, stability and overhead records, baselines, meta-training
 * logs, weights and checkpoints, meta-bench records, compressed records). Called before anything is written.
 */
final class OutputGuard {

    /** What an existing file at the output path may be replaced by. */
    enum Kind {
        /** a report, JUnit XML, PNG: may replace only a file that is not lobench data */
        OTHER,
        /** a baseline: may replace an older baseline that is not an input */
        BASELINE
    }

    private OutputGuard() {}

    /**
     * @param option the option naming {@code out}, for the message
     * @param out the output path
     * @param inputs the command's inputs: results files, run directories (their files count) or a baseline
     */
    static void check(String option, Path out, Kind kind, Collection<Path> inputs) {
        if (out == null) {
            return;
        }
        Path target = resolve(out);
        for (Path in : inputFiles(inputs)) {
            if (target.equals(resolve(in))) {
                throw new UserError(option + " " + out + " is the input " + in
                        + " of this command; writing it would destroy it (choose another file)");
            }
        }
        if (Files.isRegularFile(target)) {
            String what = lobenchData(target);
            if (what != null && !(kind == Kind.BASELINE && what.equals("baseline"))) {
                throw new UserError(option + " " + out + " is an existing lobench " + what
                        + "; refusing to overwrite it (choose another file)");
            }
        }
    }

    /**
     * Refuses a run directory {@code dir} for a new record {@code fileName} (e.g. {@code stability.jsonl}) before any
     * work: when {@code dir} is an existing file, or already holds that record, plain or gzipped
     * ({@link dev.lobench.results.JsonLines#resolve}); {@code what} names the results in the message.
     */
    static void checkNewRecord(String what, Path dir, String fileName) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError("--out " + dir + " is an existing file; give a directory");
        }
        Path found = Files.isDirectory(dir) ? dev.lobench.results.JsonLines.resolve(dir, fileName) : null;
        if (found != null) {
            throw new UserError(what + " results already exist in " + dir + " (" + found.getFileName()
                    + "; use another --out)");
        }
    }

    /**
     * Refuses writing the CSV tables {@code tables} (file name -> content) into the directory {@code dir}: when
     * {@code dir} exists and is not a directory, when a file would be an input or existing lobench data
     * ({@link #check}), and when a file of that name exists that is not this command's own earlier output of that
     * table, told by its first line (the table's header) being the header about to be written. Checks every file
     * before anything is written.
     */
    static void checkTableDir(String option, Path dir, java.util.Map<String, String> tables, Collection<Path> inputs) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError(option + " " + dir + " exists and is not a directory (choose a directory)");
        }
        for (java.util.Map.Entry<String, String> t : tables.entrySet()) {
            Path f = dir.resolve(t.getKey());
            check(option, f, Kind.OTHER, inputs);
            if (!Files.exists(f)) {
                continue;
            }
            String header = firstLine(t.getValue());
            if (!Files.isRegularFile(f) || !header.equals(firstLine(f))) {
                throw new UserError(option + " " + dir + ": " + f + " exists and is not a " + t.getKey()
                        + " this option wrote (its first line is not the table's header); refusing to overwrite it"
                        + " (choose another directory)");
            }
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The first line of a file (of its first 64 KiB), or null when it cannot be read. */
    private static String firstLine(Path file) {
        byte[] head = new byte[65536];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return null;
        }
        return firstLine(new String(head, 0, n, StandardCharsets.UTF_8));
    }

    /** The real path of {@code p}, or of its nearest existing parent joined with the rest when it does not exist. */
    static Path resolve(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        List<Path> rest = new ArrayList<>();
        while (existing != null && !Files.exists(existing)) {
            rest.add(0, existing.getFileName());
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            Path r = existing.toRealPath();
            for (Path part : rest) {
                r = r.resolve(part);
            }
            return r;
        } catch (IOException e) {
            return abs;
        }
    }

    private static List<Path> inputFiles(Collection<Path> inputs) {
        List<Path> files = new ArrayList<>();
        for (Path p : inputs) {
            if (p == null) {
                continue;
            }
            if (Files.isDirectory(p)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                    for (Path f : ds) {
                        if (Files.isRegularFile(f)) {
                            files.add(f);
                        }
                    }
                } catch (IOException e) {
                    // unreadable: the command's own reading reports it
                }
            } else {
                files.add(p);
            }
        }
        return files;
    }

    /** "results file" or "baseline" when the file's start shows it is one, else null. */
    static String lobenchData(Path file) {
        String name = file.getFileName().toString();
        if (name.equals(ResultStore.FILE_NAME)) {
            return "results file";
        }
        if (name.endsWith(".safetensors") || name.endsWith(".ckpt")) {
            return "weights or checkpoint file";
        }
        byte[] head = new byte[4096];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return null;
        }
        if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b
                && (name.endsWith(".jsonl.gz") || name.endsWith(".json.gz"))) {
            return "compressed record";
        }
        String s = new String(head, 0, n, StandardCharsets.UTF_8);
        if (s.startsWith("{\"type\":\"header\"") || s.startsWith("{\"type\":\"cell\"")) {
            return "results file";
        }
        if (s.startsWith("{\"type\":\"stability-header\"")) {
            return "stability file";
        }
        if (s.startsWith("{\"outerStep\"") || s.startsWith("{\"outer_step\"")) {
            return "meta-training log";
        }
        if (s.startsWith("{") && s.contains("\"schemaVersion\"") && s.contains("\"entries\"")) {
            return "baseline";
        }
        if (s.startsWith("{") && s.contains("\"innerRuns\"") && s.contains("\"gitCommit\"")) {
            return "meta-bench record";
        }
        return null;
    }
}
