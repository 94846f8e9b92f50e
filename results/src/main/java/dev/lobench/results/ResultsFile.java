package dev.lobench.results;

import java.nio.file.Path;
import java.util.List;

/**
 * One results file as read by {@link ResultStore}.
 *
 * @param path the file
 * @param header its header record
 * @param cells its cell records, in file order (cell keys are unique within a file)
 * @param end its end record, or {@code null} when the run did not finish (killed, or still running)
 * @param skippedPartialLines 0 or 1: a last line cut short (by a kill mid-write) that was skipped
 * @param warnings one-line, {@code file:line}-prefixed messages about what was skipped; empty when none
 */
public record ResultsFile(
        Path path, RunHeader header, List<CellRecord> cells, EndRecord end, int skippedPartialLines,
        List<String> warnings) {

    /** Whether the run that wrote this file finished normally (the file has an end record). */
    public boolean complete() {
        return end != null;
    }
}
