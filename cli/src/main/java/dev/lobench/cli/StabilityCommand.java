package dev.lobench.cli;

import dev.lobench.bench.RunEnvironment;
import dev.lobench.bench.stability.StabilityRunner;
import dev.lobench.optimizers.OptimizerRegistry;
import dev.lobench.optimizers.OptimizerSpecs;
import dev.lobench.optimizers.TypedOptimizerSpec;
import dev.lobench.results.Report;
import dev.lobench.results.StabilityRecord;
import dev.lobench.results.StabilityStore;
import dev.lobench.results.StabilityTables;
import dev.lobench.results.plot.HtmlReport;
import dev.lobench.tasks.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "stability", mixinStandardHelpOptions = true,
        description = {"Stability on the noisy quadratic (docs/learned-optimizers.md section 4): per optimizer and curvature h, the "
                + "spectral radius of the joint (parameters, optimizer state) update map, next to the outcome of a "
                + "long noisy run.",
            "The map is linearised at a noisy steady state: --burn-in updates with target noise --noise, then the "
                + "Jacobian of the noise-free map (central finite differences, iteration counter held fixed), median "
                + "over --probes states. Writes stability.jsonl (and stability.html) to --out; 'lobench report DIR "
                + "--html F' draws the stability map."})
final class StabilityCommand implements Callable<Integer> {

    @Option(names = "--optimizer", split = ",", required = true,
            description = "Optimizer specs, e.g. sgd,adam,star,small-fc or sgdm:lr=0.1,momentum=0.9.")
    List<String> optimizers;

    @Option(names = "--weights", paramLabel = "F",
            description = "Weights for the learned optimizers that do not set weights= (a .safetensors file, a "
                    + "shipped name or init:SEED).")
    String weights;

    @Option(names = "--curvature", defaultValue = "1e-3:1e3:25",
            description = "Curvature grid: LO:HI:N (N log-spaced values) or a comma list (default ${DEFAULT-VALUE}).")
    String curvature;

    @Option(names = "--noise", defaultValue = "1", description = "Target noise s (default ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--dim", defaultValue = "1",
            description = "Coordinates, all with curvature h (1..64; default ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--steps", defaultValue = "2000",
            description = "Horizon of the empirical run (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--burn-in", defaultValue = "1000",
            description = "Noisy updates before the Jacobian (default ${DEFAULT-VALUE}).")
    int burnIn;

    @Option(names = "--probes", defaultValue = "5", description = "Jacobians per curvature, 25 updates apart; the "
            + "median radius is reported (default ${DEFAULT-VALUE}).")
    int probes;

    @Option(names = "--fd-step", defaultValue = "1e-3",
            description = "Relative finite-difference step (default ${DEFAULT-VALUE}).")
    double fdStep;

    @Option(names = "--tolerance", defaultValue = "1e-3",
            description = "Predicted stable iff radius <= 1 + tolerance (default ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of phi0 and the noise (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--format", defaultValue = "md", description = "Tables printed on stdout: md, csv (one table) or "
            + "json (one array); the paths written go to stderr.")
    String format;

    @Option(names = {"-o", "--out"}, description = "Output directory (default: lobench-runs/<timestamp>-stability).")
    Path out;

    @Override
    public Integer call() {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!List.of("md", "csv", "json").contains(fmt)) {
            throw new UserError("unknown --format '" + format + "'; valid: md, csv, json");
        }
        double[] grid = StabilityRunner.parseGrid(curvature);
        StabilityRunner.Settings settings = new StabilityRunner.Settings(dim, noise, steps, burnIn, probes, fdStep,
                tolerance, seed);
        List<TypedOptimizerSpec> specs = new ArrayList<>();
        for (OptimizerSpecs.Parsed p : withWeights(OptimizerSpecs.expand(optimizers), weights)) {
            specs.add(TypedOptimizerSpec.resolve(p, steps)); // validate every spec before any work
        }
        Path dir = out != null ? out : Path.of("lobench-runs",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-stability");
        // refused before any work: an earlier run's records are never replaced
        OutputGuard.checkNewRecord("stability", dir, StabilityRecord.FILE);
        List<StabilityRecord> all = new ArrayList<>();
        for (TypedOptimizerSpec spec : specs) {
            System.err.printf(Locale.ROOT, "lobench: stability of %s at %d curvatures (%d steps each)%n",
                    spec.canonical(), grid.length, steps);
            all.addAll(StabilityRunner.run(() -> spec.build(steps), grid, settings,
                    r -> System.err.printf(Locale.ROOT, "  h=%-10s radius=%-10s %s%n", Report.formatNumber(
                            r.curvature()), Report.formatNumber(r.radius()), r.outcome())));
        }
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("command", Main.currentArgs());
        header.put("lobenchVersion", RunEnvironment.lobenchVersion());
        header.put("gitCommit", RunEnvironment.gitCommit());
        header.put("createdAt", Instant.now().toString());
        header.put("curvatures", grid);
        header.put("settings", settings);
        Path file = dir.resolve(StabilityRecord.FILE);
        Path html = dir.resolve("stability.html");
        try {
            StabilityStore.write(file, header, all);
            HtmlReport.write(html, null, List.of(), all);
        } catch (IOException e) {
            throw new UserError("cannot write " + dir + ": " + dev.lobench.results.IoErrors.describe(e), e);
        }
        // stdout carries only the table asked for (so --format csv > t.csv is one clean CSV, json one document);
        // messages go to stderr, as in 'lobench run'
        String table = StabilityTables.render(all, ReportCommand.parseFullFormat(fmt));
        System.out.print(table.endsWith("\n") ? table : table + "\n");
        System.err.println("results: " + file.toAbsolutePath());
        System.err.println("stability map: " + html.toAbsolutePath());
        return 0;
    }

    /** Adds {@code weights=F} to the specs of optimizers that take weights and do not set them. */
    static List<OptimizerSpecs.Parsed> withWeights(List<OptimizerSpecs.Parsed> specs, String weights) {
        if (weights == null) {
            return specs;
        }
        if (weights.isBlank()) {
            throw new UserError("--weights: empty value");
        }
        List<OptimizerSpecs.Parsed> out = new ArrayList<>();
        boolean used = false;
        for (OptimizerSpecs.Parsed p : specs) {
            if (OptimizerRegistry.entry(p.spec().name()).defaults().containsKey("weights")
                    && !p.spec().args().containsKey("weights")) {
                out.add(p.with("weights", weights));
                used = true;
            } else {
                out.add(p);
            }
        }
        if (!used) {
            throw new UserError("--weights given but no optimizer in "
                    + specs.stream().map(p -> p.spec().name()).toList() + " takes weights (star, small-fc, "
                    + "velo-style) without setting them");
        }
        return out;
    }
}
