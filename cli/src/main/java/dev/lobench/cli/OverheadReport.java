package dev.lobench.cli;

import dev.lobench.results.CellRecord;
import dev.lobench.results.MatchedOverhead;
import dev.lobench.results.OverheadStore;
import dev.lobench.results.ResultStore;
import dev.lobench.results.RunHeader;
import dev.lobench.tasks.UserError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The {@code --overhead} part of {@code lobench report}: option checks and the joined cost sections. */
final class OverheadReport {
    private OverheadReport() {}

    static void checkOptions(Path overhead, String matched, int smooth, String format) {
        if (matched != null && !matched.equals("wallclock")) {
            throw new UserError("--matched: only 'wallclock' is supported, got '" + matched + "'");
        }
        if (matched != null && overhead == null) {
            throw new UserError("--matched wallclock needs --overhead OVERHEAD_DIR");
        }
        if (smooth < 1) {
            throw new UserError("--smooth must be >= 1, got " + smooth);
        }
        if (overhead != null && !format.equalsIgnoreCase("md") && !format.equalsIgnoreCase("markdown")) {
            throw new UserError("--overhead is rendered as Markdown only; drop --format " + format);
        }
        if (overhead != null && !Files.exists(overhead)) {
            throw new UserError("no such overhead run directory: " + overhead);
        }
    }

    /**
     * Whether {@code p} is a 'lobench overhead' run given where results are expected: its {@code overhead.jsonl}
     * (plain or gzipped), or a directory holding one and no results file.
     */
    static boolean isOverheadRun(Path p) {
        if (Files.isDirectory(p)) {
            return dev.lobench.results.JsonLines.resolve(p, OverheadStore.FILE_NAME) != null
                    && dev.lobench.results.JsonLines.resolve(p, ResultStore.FILE_NAME) == null;
        }
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        return name.equals(OverheadStore.FILE_NAME) || name.equals(OverheadStore.FILE_NAME + ".gz");
    }

    /** The cost table of each overhead run, under a heading naming it (what 'lobench overhead' printed). */
    static String tables(List<Path> runs) {
        StringBuilder sb = new StringBuilder();
        for (Path p : runs) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append("### lobench overhead: ").append(p).append("\n\n")
                    .append(dev.lobench.results.OverheadTable.markdown(OverheadStore.read(p)));
            if (sb.charAt(sb.length() - 1) != '\n') {
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    static String render(List<Path> inputs, List<CellRecord> cells, Path overhead, boolean matched, int smooth) {
        RunHeader header = firstHeader(inputs.get(0));
        return MatchedOverhead.markdown(cells, header, OverheadStore.read(overhead), matched, smooth);
    }

    private static RunHeader firstHeader(Path p) {
        if (Files.isDirectory(p)) {
            return ResultStore.readDirectory(p).get(0).header();
        }
        return ResultStore.read(p).header();
    }
}
