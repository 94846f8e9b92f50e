package dev.lobench.tasks.lm;

import dev.lobench.tasks.DataContext;
import dev.lobench.tasks.UserError;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Byte-level text corpus from Debian's {@code fortunes} (English) and {@code fortunes-de} (German) packages.
 *
 * <h2>Layout and search order</h2>
 * A fortunes root holds the English fortune files directly and the German ones in {@code de/}; Debian installs it
 * at {@value #DEBIAN_ROOT}. A fortune file is a plain-text file of quotes separated by lines holding only
 * {@code %}; next to it are {@code .dat} index files and {@code .u8} symlinks, which are skipped, as are symlinks,
 * hidden files and subdirectories (so the offensive {@code off/} directory, and {@code de/} for English, are never
 * read). Roots are tried in this order, the first whose language directory holds a fortune file wins:
 * {@code <data dir>/fortunes} (explicit {@code --data-dir}), {@code $LOBENCH_DATA/fortunes}, {@value #DEBIAN_ROOT}.
 *
 * <h2>Text</h2>
 * Each quote is its lines joined with {@code \n} (a trailing {@code \r} on a line is dropped, empty quotes are
 * skipped), encoded as the file's bytes (UTF-8 in both packages), followed by one {@code 0x00} byte marking the end of
 * the quote. Files are concatenated in sorted file-name order. The vocabulary is the 256 byte values.
 *
 * <h2>Train/test split (by file)</h2>
 * Files are ranked by (CRC32 of the UTF-8 file name mod 10, CRC32, name). The test split is every file whose
 * residue is 0, plus, while the test split holds less than 10% of the corpus bytes, further files in rank order;
 * the train split is the rest and always keeps at least one file. On Debian 12's packages this gives the English
 * test files {@code cookie, linuxcookie, zippy} (299,963 of 2,546,227 bytes, 11.8%) and, as no German name has
 * residue 0, 12 German test files: all 8 of residue 1 and 4 of residue 2 ({@code anekdoten, asciiart, bahnhof,
 * holenlassen, huhn, kalt, salat, stilblueten, suppe, tips, warmduscher, witze}; 301,728 of 2,926,117 bytes, 10.3%).
 */
public final class FortunesCorpus {
    public static final String DEBIAN_ROOT = "/usr/share/games/fortunes";
    public static final String INSTALL_HINT = "apt-get install -y fortunes fortunes-de";
    /** End-of-quote byte. */
    public static final byte END_OF_QUOTE = 0;
    static final double MIN_TEST_FRACTION = 0.10;

    private final String lang;
    private final Path dir;
    private final byte[] train;
    private final byte[] test;
    private final List<String> trainFiles;
    private final List<String> testFiles;

    private FortunesCorpus(String lang, Path dir, byte[] train, byte[] test, List<String> trainFiles,
            List<String> testFiles) {
        this.lang = lang;
        this.dir = dir;
        this.train = train;
        this.test = test;
        this.trainFiles = List.copyOf(trainFiles);
        this.testFiles = List.copyOf(testFiles);
    }

    /** Loads {@code lang} ({@code en} or {@code de}) using the search order in the class comment. */
    public static FortunesCorpus load(String lang, DataContext data) {
        return fromDirectory(lang, require(lang, data, System.getenv("LOBENCH_DATA"), List.of(Path.of(DEBIAN_ROOT)),
                dev.lobench.tasks.data.DataLocator.PackagesInstaller.apt(), System.err));
    }

    /** The Debian packages that install the text of every language ({@value #INSTALL_HINT}). */
    public static final List<String> PACKAGES = List.of("fortunes", "fortunes-de");

    /** The dataset name of {@code lang}'s text, as tasks declare it ({@link dev.lobench.tasks.Task#datasets()}). */
    public static String datasetName(String lang) {
        langDir(Path.of("."), lang); // validates lang
        return "fortunes-" + lang;
    }

    /** The Debian package holding {@code lang}'s text: {@code fortunes} (en) or {@code fortunes-de} (de). */
    public static String debianPackage(String lang) {
        langDir(Path.of("."), lang);
        return lang.equals("en") ? "fortunes" : "fortunes-" + lang;
    }

    /**
     * The directory of {@code lang}'s text ({@link #locate}); if it is not found and {@code data.allowFetch()}, installs
     * {@link #PACKAGES} with {@code installer} (as a run may install the data it needs, like Fashion-MNIST) and
     * locates again. A UserError names what was searched and the install command, and why an install failed.
     *
     * @param note where to say that an install is tried (one line), or null for nothing
     */
    public static Path require(String lang, DataContext data, String lobenchData, List<Path> systemRoots,
            dev.lobench.tasks.data.DataLocator.PackagesInstaller installer, java.io.PrintStream note) {
        langDir(Path.of("."), lang); // an unknown language is an error, not a reason to install
        try {
            return locate(lang, data, lobenchData, systemRoots);
        } catch (UserError missing) {
            if (!data.allowFetch()) {
                throw missing;
            }
            if (note != null) {
                note.println("lobench: fortunes text not found; trying: apt-get install -y " + String.join(" ", PACKAGES));
            }
            try {
                installer.install(PACKAGES);
            } catch (java.io.IOException e) {
                throw new UserError(missing.getMessage() + " (automatic install failed: " + e.getMessage() + ")", e);
            }
            return locate(lang, data, lobenchData, systemRoots);
        }
    }

    /** One line per language: where its text is found, or the fix; for {@code lobench data}. */
    public static String describeLocations(DataContext data) {
        StringBuilder sb = new StringBuilder();
        for (String lang : List.of("en", "de")) {
            if (sb.length() > 0) {
                sb.append(System.lineSeparator()).append("  ");
            }
            String where;
            try {
                where = locate(lang, data, System.getenv("LOBENCH_DATA"), List.of(Path.of(DEBIAN_ROOT))).toString();
            } catch (UserError e) {
                where = "not found (" + INSTALL_HINT + ")";
            }
            sb.append(lang).append(": ").append(where);
        }
        return sb.toString();
    }

    /** As {@link #load(String, DataContext)} with the environment and system roots given (for tests). */
    static FortunesCorpus load(String lang, DataContext data, String lobenchData, List<Path> systemRoots) {
        return fromDirectory(lang, locate(lang, data, lobenchData, systemRoots));
    }

    /**
     * The directory holding {@code lang}'s fortune files, searched in the order of the class comment with the given
     * {@code $LOBENCH_DATA} value and system roots (normally {@value #DEBIAN_ROOT}); a UserError naming the install
     * command if none. Checks only that a fortune file exists: nothing is read.
     */
    public static Path locate(String lang, DataContext data, String lobenchData, List<Path> systemRoots) {
        List<String> tried = new ArrayList<>();
        for (Path dir : searched(lang, data, lobenchData, systemRoots)) {
            tried.add(dir.toString());
            if (Files.isDirectory(dir) && !fortuneFiles(dir).isEmpty()) {
                return dir;
            }
        }
        throw new UserError("fortunes text (" + lang + ") not found; looked in " + String.join(", ", tried)
                + "; install it with: " + INSTALL_HINT + " (or copy the files to $LOBENCH_DATA/fortunes)");
    }

    /** The directories {@link #locate} tries for {@code lang}, in order. */
    public static List<Path> searched(String lang, DataContext data, String lobenchData, List<Path> systemRoots) {
        List<Path> roots = new ArrayList<>();
        data.dataDir().ifPresent(d -> roots.add(d.resolve("fortunes")));
        if (lobenchData != null && !lobenchData.isBlank()) {
            roots.add(Path.of(lobenchData).resolve("fortunes"));
        }
        roots.addAll(systemRoots);
        List<Path> dirs = new ArrayList<>();
        for (Path root : roots) {
            dirs.add(langDir(root, lang));
        }
        return dirs;
    }

    static Path langDir(Path root, String lang) {
        switch (lang) {
            case "en":
                return root;
            case "de":
                return root.resolve("de");
            default:
                throw new UserError("fortunes: unknown language '" + lang + "'; allowed: en|de");
        }
    }

    /** Reads every fortune file of {@code dir} and splits them into train and test by file. */
    public static FortunesCorpus fromDirectory(String lang, Path dir) {
        List<Path> files = fortuneFiles(dir);
        if (files.size() < 2) {
            throw new UserError("fortunes directory " + dir + " holds " + files.size()
                    + " fortune file(s); a train/test split by file needs at least 2");
        }
        List<String> names = new ArrayList<>();
        List<byte[]> texts = new ArrayList<>();
        for (Path f : files) {
            byte[] raw;
            try {
                raw = Files.readAllBytes(f);
            } catch (IOException e) {
                throw new UserError("cannot read fortune file " + f + ": " + dev.lobench.tasks.IoReason.of(e), e);
            }
            names.add(f.getFileName().toString());
            texts.add(quoteBytes(raw));
        }
        List<String> testNames = testFiles(names, texts.stream().mapToLong(b -> b.length).toArray());
        ByteArrayOutputStream tr = new ByteArrayOutputStream();
        ByteArrayOutputStream te = new ByteArrayOutputStream();
        List<String> trainNames = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (testNames.contains(names.get(i))) {
                te.writeBytes(texts.get(i));
            } else {
                tr.writeBytes(texts.get(i));
                trainNames.add(names.get(i));
            }
        }
        if (tr.size() == 0 || te.size() == 0) {
            throw new UserError("fortunes directory " + dir + ": the " + (tr.size() == 0 ? "train" : "test")
                    + " split (files " + (tr.size() == 0 ? trainNames : testNames) + ") holds no quotes");
        }
        List<String> sortedTest = new ArrayList<>(testNames);
        sortedTest.sort(null);
        return new FortunesCorpus(lang, dir, tr.toByteArray(), te.toByteArray(), trainNames, sortedTest);
    }

    /** Fortune files of {@code dir}, sorted by name: regular files, not symlinks, not .dat/.u8, not hidden. */
    static List<Path> fortuneFiles(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") || n.endsWith(".dat") || n.endsWith(".u8")
                        || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                out.add(p);
            }
        } catch (IOException e) {
            throw new UserError("cannot list fortunes directory " + dir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    /** Test file names for the given (sorted) file names and their text sizes; see the class comment. */
    static List<String> testFiles(List<String> names, long[] sizes) {
        long total = 0;
        for (long s : sizes) {
            total += s;
        }
        List<Integer> rank = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            rank.add(i);
        }
        rank.sort(Comparator.<Integer>comparingLong(i -> crc(names.get(i)) % 10).thenComparingLong(i -> crc(names.get(i)))
                .thenComparing(names::get));
        List<String> test = new ArrayList<>();
        long testBytes = 0;
        for (int k = 0; k < rank.size() - 1; k++) {
            int i = rank.get(k);
            boolean residueZero = crc(names.get(i)) % 10 == 0;
            if (!residueZero && testBytes >= MIN_TEST_FRACTION * total) {
                break;
            }
            test.add(names.get(i));
            testBytes += sizes[i];
        }
        return test;
    }

    static long crc(String name) {
        CRC32 c = new CRC32();
        c.update(name.getBytes(StandardCharsets.UTF_8));
        return c.getValue();
    }

    /**
     * The quotes of one fortune file as bytes, each followed by {@link #END_OF_QUOTE}. Lines are split at
     * {@code \n} (a trailing {@code \r} is dropped); a line holding only {@code %} ends a quote; blank lines at the
     * start and end of a quote are dropped, and quotes with no text are skipped.
     */
    static byte[] quoteBytes(byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(file.length + 16);
        List<int[]> lines = new ArrayList<>(); // [start, end) of the current quote's lines
        int i = 0;
        while (i < file.length) {
            int end = i;
            while (end < file.length && file[end] != '\n') {
                end++;
            }
            int lineEnd = end > i && file[end - 1] == '\r' ? end - 1 : end;
            if (lineEnd - i == 1 && file[i] == '%') {
                flush(file, lines, out);
            } else {
                lines.add(new int[] {i, lineEnd});
            }
            i = end + 1;
        }
        flush(file, lines, out);
        return out.toByteArray();
    }

    private static void flush(byte[] file, List<int[]> lines, ByteArrayOutputStream out) {
        int first = 0;
        int last = lines.size() - 1;
        while (first <= last && isBlank(file, lines.get(first))) {
            first++;
        }
        while (last >= first && isBlank(file, lines.get(last))) {
            last--;
        }
        for (int k = first; k <= last; k++) {
            int[] l = lines.get(k);
            out.write(file, l[0], l[1] - l[0]);
            if (k < last) {
                out.write('\n');
            }
        }
        if (first <= last) {
            out.write(END_OF_QUOTE);
        }
        lines.clear();
    }

    private static boolean isBlank(byte[] file, int[] line) {
        for (int k = line[0]; k < line[1]; k++) {
            if (file[k] != ' ' && file[k] != '\t') {
                return false;
            }
        }
        return true;
    }

    public String lang() {
        return lang;
    }

    /** The directory the files were read from. */
    public Path directory() {
        return dir;
    }

    /** Train bytes (a copy is not made: do not modify). */
    byte[] trainBytes() {
        return train;
    }

    byte[] testBytes() {
        return test;
    }

    public int trainSize() {
        return train.length;
    }

    public int testSize() {
        return test.length;
    }

    public List<String> trainFiles() {
        return trainFiles;
    }

    public List<String> testFiles() {
        return testFiles;
    }

    /** One line: language, directory, split sizes and the test files. */
    public String describe() {
        return (String.format("fortunes-%s %s: train %d bytes (%d files), test %d bytes (%d files: %s)",
                lang, dir, train.length, trainFiles.size(), test.length, testFiles.size(), testFiles));
    }
}
