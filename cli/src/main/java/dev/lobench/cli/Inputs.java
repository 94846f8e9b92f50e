package dev.lobench.cli;

import dev.lobench.results.CellRecord;
import dev.lobench.results.ResultStore;
import dev.lobench.results.ResultsFile;
import dev.lobench.results.RunHeader;
import dev.lobench.tasks.UserError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Results given on the command line: their cells (de-duplicated by cell key) and the first run header. */
record Inputs(RunHeader header, List<CellRecord> cells) {

    static Inputs read(List<Path> paths) {
        List<CellRecord> cells = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        RunHeader header = null;
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new UserError("no such results file or directory: " + p);
            }
            List<ResultsFile> files = Files.isDirectory(p) ? ResultStore.readDirectory(p) : List.of(ResultStore.read(p));
            for (ResultsFile f : files) {
                f.warnings().forEach(w -> System.err.println("lobench: warning: " + w));
                if (header == null) {
                    header = f.header();
                }
                for (CellRecord c : f.cells()) {
                    if (keys.add(c.cellKey())) {
                        cells.add(c);
                    }
                }
            }
        }
        if (cells.isEmpty()) {
            throw new UserError("no result cells in " + paths);
        }
        return new Inputs(header, cells);
    }
}
