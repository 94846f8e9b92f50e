package dev.lobench.cli;

import dev.lobench.results.JsonLines;
import dev.lobench.results.ResultStore;
import dev.lobench.results.ResultsFile;
import dev.lobench.tasks.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Join the results of several runs (e.g. the shards of 'lobench run --shard i/n') into one "
                + "results directory. Identical duplicate cells are kept once; conflicting duplicates, and different "
                + "runs of one task, optimizer and seed (other steps, say), are an error.")
final class MergeCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "RESULTS", description = "Run directories or results .jsonl files.")
    List<Path> inputs;

    @Option(names = {"-o", "--out"}, required = true, description = "Output directory (must not hold results yet).")
    Path out;

    @Option(names = "--loss-every", paramLabel = "K", defaultValue = "1",
            description = "Also re-record every per-step cell as means of blocks of K steps, as 'run --loss-every K' "
                    + "records them (default 1: cells as they are), e.g. to keep a long run's committed record small; "
                    + "the final and mean train loss stay exact when K divides min(steps/10, 20) and the steps. The "
                    + "output names its inputs' SHA-256; keep the per-step input if you need per-step detail.")
    int lossEvery;

    @Override
    public Integer call() throws Exception {
        List<Path> files = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                Path f = JsonLines.resolve(p, ResultStore.FILE_NAME);
                if (f == null) {
                    throw new UserError("no " + ResultStore.FILE_NAME + " (or .gz) in " + p);
                }
                files.add(f);
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new UserError("no such results file or directory: " + p);
            }
        }
        if (lossEvery < 1) {
            throw new UserError("--loss-every must be >= 1, got " + lossEvery);
        }
        for (Path f : files) {
            ResultStore.read(f).warnings().forEach(w -> System.err.println("lobench: warning: " + w));
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UserError("--out " + out + " is an existing file; give a directory (it must not hold results yet)");
        }
        try {
            Files.createDirectories(out);
        } catch (java.io.IOException e) {
            throw new UserError("--out " + out + ": cannot create the directory: "
                    + dev.lobench.results.IoErrors.reason(e), e);
        }
        Path target = out.resolve(ResultStore.FILE_NAME);
        ResultsFile merged;
        try (dev.lobench.results.RunLock lock = dev.lobench.results.RunLock.acquire(out,
                String.join(" ", Main.currentArgs()))) {
            if (Files.exists(target)) {
                throw new UserError("results already exist in " + out);
            }
            merged = ResultStore.merge(files, target, lossEvery);
        }
        System.out.println("merged " + merged.cells().size() + " cells from " + files.size() + " files into " + target
                + (lossEvery > 1 ? " (per-step cells re-recorded as means of " + lossEvery + " steps)" : ""));
        return 0;
    }
}
