package dev.lobench.results;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One overhead run as read by {@link OverheadStore}: its header (machine, JVM, threads; {@code suite} is
 * {@code "overhead"}), its records (calibration records included) and whether it finished.
 */
public record OverheadRun(Path path, RunHeader header, List<OverheadRecord> records, boolean complete) {

    /** The record of (kind, task, optimizer base name), if measured successfully. */
    public Optional<OverheadRecord> find(String kind, String task, String optimizer) {
        for (OverheadRecord r : records) {
            if (r.kind().equals(kind) && r.task().equals(task) && r.optimizer().equals(optimizer) && r.ok()) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    public List<OverheadRecord> calibration() {
        return records.stream().filter(r -> r.kind().equals(OverheadRecord.CALIBRATION)).toList();
    }

    /** Intra-op/fused-kernel threads of the run (the header's). */
    public int threads() {
        return header.threads();
    }
}
