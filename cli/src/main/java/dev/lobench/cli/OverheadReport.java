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
