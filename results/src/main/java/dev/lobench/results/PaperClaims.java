package dev.lobench.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The claims of "A Closer Look at Learned Optimization" (Harrison, Metz, Sohl-Dickstein 2022) checked against
 * lobench's committed records. A manifest (JSON) lists the claims; each names its kind, the records to read (paths
 * relative to the manifest's folder's parent, i.e. the repository root for {@code experiments/paper-claims.json}) and
 * the command that produced them. Every kind has a stated verdict rule ({@link #RULES}); a claim whose records are
 * missing is "no record", never a guess, and one whose records are partly missing cannot hold ({@link #PARTIAL_RULE}).
 *
 * <p>Kinds:
 * <ul>
 *   <li>{@code stability}: stability.jsonl of {@code lobench stability}: per optimizer, curvatures whose linearised
 *       spectral radius exceeds 1 + tolerance.</li>
 *   <li>{@code meta-training}: meta-training runs {@code RUNS/ARM/seedS/*.jsonl} of the two arms, and optionally
 *       held-out evaluations of their snapshots (results whose optimizer names a file {@code ARM-sS-outerN.safetensors}).
 *       The measure is the held-out mean training loss of the last snapshot all runs reached (evaluation present), else
 *       the mean meta-loss of the last 200 outer steps up to the outer step every run reached (equal meta-compute).</li>
 *   <li>{@code horizon}: results of runs far past the meta-training horizon: completed / total cells of the optimizer
 *       (and of {@code baseline}, when given, for context).</li>
 *   <li>{@code win-rate}: results on tasks outside the meta-training set: win rate of a over b with its bootstrap CI
 *       (a and b match a cell's exact optimizer name or, when a record holds one variant, its base name); with
 *       {@code perRecord}, each record (one meta-seed's weights) separately and a verdict over meta-seeds.</li>
 *   <li>{@code cost}: overhead.jsonl: optimizer-only median step time of a over b at the largest size measured.</li>
 * </ul>
 */
public final class PaperClaims {
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Verdict {
        HOLDS("holds"), DOES_NOT_HOLD("does not hold"), INCONCLUSIVE("inconclusive"), NO_RECORD("no record");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** One evaluated claim. */
    public record Row(String id, String claim, String measured, Verdict verdict, String why, List<String> records,
            String command) {}

    /** The verdict rule of every kind, printed under the table. */
    public static final Map<String, String> RULES = new LinkedHashMap<>();

    static {
        RULES.put("stability", "holds when star has no unstable curvature and the blackbox optimizer has at least one; "
                + "does not hold when star has an unstable curvature; otherwise inconclusive (both stable: the "
                + "mechanism is not exercised).");
        RULES.put("meta-training", "with at least 3 meta-seeds per arm: holds when every star value is below every "
                + "baseline value, does not hold when every star value is above every baseline value; inconclusive "
                + "when the ranges overlap or there are fewer than 3 meta-seeds.");
        RULES.put("horizon", "holds when every cell of the optimizer completed (and there are at least 3); does not hold "
                + "when any diverged or failed; inconclusive with fewer than 3 cells (a baseline's cells, when the "
                + "claim names one, are shown for context and do not change the verdict).");
        RULES.put("win-rate", "holds when the 95% CI of the win rate is above 0.5, does not hold when it is below 0.5, "
                + "inconclusive when it contains 0.5; with one record per meta-seed (perRecord) and at least 3 of them: "
                + "holds when the CI is above 0.5 for every meta-seed, does not hold when it is below 0.5 for every "
                + "one, otherwise (or with fewer meta-seeds) inconclusive.");
        RULES.put("cost", "holds when a / b is within [0.8, 1.25], otherwise does not hold.");
    }

    /** Applies to every kind, printed after {@link #RULES}. */
    public static final String PARTIAL_RULE = "a claim some of whose listed records are missing cannot hold: it is "
            + "inconclusive until every record exists (does not hold stays does not hold, since the records present "
            + "already contradict it).";

    private PaperClaims() {}

    /** Reads a manifest and evaluates every claim. */
    public static List<Row> evaluate(Path manifest) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(manifest));
        } catch (IOException e) {
            throw new ResultsError("cannot read claims manifest " + manifest + ": " + e.getMessage(), e);
        }
        if (root == null || !root.path("claims").isArray()) {
            throw new ResultsError("claims manifest " + manifest + ": expected an object with a 'claims' array");
        }
        Path abs = manifest.toAbsolutePath().normalize();
        Path base = abs.getParent().getParent() != null ? abs.getParent().getParent() : abs.getParent();
        List<Row> rows = new ArrayList<>();
        for (JsonNode c : root.path("claims")) {
            rows.add(evaluate(c, base, Map.of()));
        }
        return rows;
    }

    /**
     * Evaluates one claim of a manifest; {@code override} maps a claim id to records that replace the manifest's
     * (a live rerun's fresh records).
     */
    public static Row evaluate(JsonNode c, Path base, Map<String, List<Path>> override) {
        String id = c.path("id").asText("?");
        String kind = c.path("kind").asText("");
        String claim = c.path("claim").asText("");
        String command = c.path("command").asText("");
        List<String> recordNames = new ArrayList<>();
        List<Path> records = new ArrayList<>();
        if (override.containsKey(id)) {
            for (Path p : override.get(id)) {
                records.add(p);
                recordNames.add(p.toString() + " (live)");
            }
        } else {
            for (JsonNode r : c.path("records")) {
                records.add(base.resolve(r.asText()));
                recordNames.add(r.asText());
            }
        }
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (!Files.exists(records.get(i))) {
                missing.add(recordNames.get(i));
            }
        }
        if (records.isEmpty() || missing.size() == records.size()) {
            return new Row(id, claim, "—", Verdict.NO_RECORD, "missing: " + String.join(", ", missing.isEmpty()
                    ? List.of("(none listed)") : missing), recordNames, command);
        }
        List<Path> present = records.stream().filter(Files::exists).toList();
        Result r = switch (kind) {
            case "stability" -> stability(present, c.path("star").asText("star"), c.path("baseline").asText("small-fc"));
            case "meta-training" -> metaTraining(records, c.path("star").asText(), c.path("baseline").asText(),
                    c.path("window").asInt(200));
            case "horizon" -> horizon(readCells(present), c.path("optimizer").asText("star"),
                    c.path("baseline").asText(""));
            case "win-rate" -> c.path("perRecord").asBoolean(false)
                    ? winRatePerRecord(present.stream().map(PaperClaims::readTree).toList(),
                            present.stream().map(p -> p.getFileName().toString()).toList(),
                            c.path("a").asText("star"), c.path("b").asText("small-fc"),
                            c.path("outOfDistributionOnly").asBoolean(true))
                    : winRate(readCells(present), c.path("a").asText("star"), c.path("b").asText("small-fc"),
                            c.path("outOfDistributionOnly").asBoolean(true));
            case "cost" -> cost(present, c.path("a").asText("star"), c.path("b").asText("small-fc"));
            default -> throw new ResultsError("claims manifest: claim " + id + " has unknown kind '" + kind
                    + "'; known: " + String.join(", ", RULES.keySet()));
        };
        if (missing.isEmpty()) {
            return new Row(id, claim, r.measured, r.verdict, r.why, recordNames, command);
        }
        Verdict verdict = r.verdict == Verdict.HOLDS ? Verdict.INCONCLUSIVE : r.verdict;
        String why = (r.verdict == Verdict.HOLDS ? "would hold on the records present (" + r.why + "), but "
                : r.why + "; ")
                + missing.size() + " of " + records.size() + " records missing: " + String.join(", ", missing);
        return new Row(id, claim, r.measured, verdict, why, recordNames, command);
    }

    record Result(String measured, Verdict verdict, String why) {}

    private static List<CellRecord> readCells(List<Path> paths) {
        List<CellRecord> cells = new ArrayList<>();
        for (Path p : paths) {
            cells.addAll(readTree(p));
        }
        return cells;
    }

    /** The cells of a results file, or of every results file in a folder tree (one run directory per leaf). */
    static List<CellRecord> readTree(Path p) {
        if (!Files.isDirectory(p)) {
            return ResultStore.readCells(p);
        }
        List<Path> dirs;
        try (Stream<Path> s = Files.walk(p, 6)) {
            dirs = s.filter(f -> f.getFileName().toString().equals(ResultStore.FILE_NAME)
                    || f.getFileName().toString().equals(ResultStore.FILE_NAME + ".gz")).map(Path::getParent)
                    .distinct().sorted().toList();
        } catch (IOException e) {
            throw new ResultsError("cannot list " + p + ": " + e.getMessage(), e);
        }
        if (dirs.isEmpty()) {
            throw new ResultsError(p + ": no results files below it");
        }
        List<CellRecord> cells = new ArrayList<>();
        for (Path d : dirs) {
            cells.addAll(ResultStore.readCells(d));
        }
        return cells;
    }

    // ------------------------------------------------------------------ stability

    static Result stability(List<Path> files, String star, String baseline) {
        List<StabilityRecord> recs = new ArrayList<>();
        for (Path p : files) {
            recs.addAll(StabilityStore.read(StabilityStore.find(p)).records());
        }
        return stabilityOf(recs, star, baseline);
    }

    /** Unstable curvatures per optimizer base name (the name before any '('). */
    static Result stabilityOf(List<StabilityRecord> recs, String star, String baseline) {
        int[] sc = unstable(recs, star);
        int[] bc = unstable(recs, baseline);
        if (sc[1] == 0 || bc[1] == 0) {
            return new Result("—", Verdict.NO_RECORD, "no stability records for " + (sc[1] == 0 ? star : baseline));
        }
        String m = String.format(Locale.ROOT, "unstable curvatures: %s %d/%d, %s %d/%d", star, sc[0], sc[1], baseline,
                bc[0], bc[1]);
        if (sc[0] > 0) {
            return new Result(m, Verdict.DOES_NOT_HOLD, star + " is unstable at some curvature");
        }
        if (bc[0] > 0) {
            return new Result(m, Verdict.HOLDS, star + " stable everywhere, " + baseline + " is not");
        }
        return new Result(m, Verdict.INCONCLUSIVE, "both stable on every curvature tried");
    }

    private static int[] unstable(List<StabilityRecord> recs, String name) {
        int bad = 0;
        int all = 0;
        for (StabilityRecord r : recs) {
            if (!base(r.optimizer()).equals(name)) {
                continue;
            }
            all++;
            if (!(r.radius() <= 1 + r.tolerance()) || r.burnInDiverged()) {
                bad++;
            }
        }
        return new int[] {bad, all};
    }

    static String base(String optimizer) {
        int i = optimizer.indexOf('(');
        return i < 0 ? optimizer : optimizer.substring(0, i);
    }

    // ------------------------------------------------------------------ meta-training

    /** A snapshot's file name: ARM-sS-outerN.safetensors (groups: arm, meta-seed, outer step). */
    static final Pattern SNAPSHOT = Pattern.compile("([A-Za-z0-9_.-]+?)-s(\\d+)-outer(\\d+)\\.safetensors");

    /**
     * @param paths the runs folder ({@code ARM/seedS/*.safetensors.jsonl} below it), then evaluation folders (searched
     *     for results files at any depth; missing ones are skipped)
     */
    static Result metaTraining(List<Path> paths, String star, String baseline, int window) {
        Map<String, Map<Integer, MetaLog>> logs = new TreeMap<>();
        List<CellRecord> evalCells = new ArrayList<>();
        Path runs = paths.get(0);
        for (String arm : List.of(star, baseline)) {
            Path armDir = runs.resolve(arm);
            if (!Files.isDirectory(armDir)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(armDir, 2)) {
                for (Path log : s.filter(f -> JsonLines.plainName(f).endsWith(".safetensors.jsonl")).sorted().toList()) {
                    String dir = log.getParent().getFileName().toString();
                    if (dir.startsWith("seed")) {
                        logs.computeIfAbsent(arm, k -> new TreeMap<>()).put(Integer.parseInt(dir.substring(4)),
                                MetaLog.read(log));
                    }
                }
            } catch (IOException e) {
                throw new ResultsError("cannot list " + armDir + ": " + e.getMessage(), e);
            }
        }
        for (Path p : paths.subList(1, paths.size())) {
            if (Files.exists(p)) {
                evalCells.addAll(readTree(p));
            }
        }
        Map<Integer, MetaLog> sl = logs.getOrDefault(star, Map.of());
        Map<Integer, MetaLog> bl = logs.getOrDefault(baseline, Map.of());
        if (sl.isEmpty() || bl.isEmpty()) {
            return new Result("—", Verdict.NO_RECORD, "no meta-training log of " + (sl.isEmpty() ? star : baseline));
        }
        long common = Long.MAX_VALUE;
        for (Map<Integer, MetaLog> m : List.of(sl, bl)) {
            for (MetaLog l : m.values()) {
                common = Math.min(common, l.outerStep()[l.size() - 1]);
            }
        }
        Map<String, Map<Integer, Double>> evalValues = heldOut(evalCells);
        long evalStep = commonSnapshot(evalCells, star, baseline, sl.keySet(), bl.keySet());
        String measure;
        double[] sv;
        double[] bv;
        if (evalStep > 0) {
            sv = valuesAt(evalValues, star, evalStep, sl.keySet());
            bv = valuesAt(evalValues, baseline, evalStep, bl.keySet());
            measure = "held-out mean training loss of the outer-step-" + evalStep + " snapshots";
        } else {
            sv = windowMeans(sl, common, window);
            bv = windowMeans(bl, common, window);
            measure = "mean meta-loss of outer steps " + Math.max(1, common - window + 1) + "-" + common
                    + " (no held-out evaluation recorded yet)";
        }
        String m = String.format(Locale.ROOT, "%s: %s %s vs %s %s", measure, star, spread(sv), baseline, spread(bv));
        return rangeVerdict(m, sv, bv, star);
    }

    /** Per "ARM-sS@outer" the mean over evaluation seeds of each cell's mean training loss over the whole run. */
    static Map<String, Map<Integer, Double>> heldOut(List<CellRecord> cells) {
        Map<String, List<Double>> acc = new TreeMap<>();
        for (CellRecord c : cells) {
            Matcher mm = SNAPSHOT.matcher(c.optimizer());
            if (!mm.find()) {
                continue;
            }
            String key = mm.group(1) + "@" + Long.parseLong(mm.group(3)) + "#" + mm.group(2);
            double v = c.outcome() == Outcome.completed ? CellMetrics.meanTrainLoss(c) : Double.POSITIVE_INFINITY;
            acc.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
        }
        Map<String, Map<Integer, Double>> out = new TreeMap<>();
        for (Map.Entry<String, List<Double>> e : acc.entrySet()) {
            String k = e.getKey();
            int hash = k.indexOf('#');
            double mean = e.getValue().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            out.computeIfAbsent(k.substring(0, hash), x -> new TreeMap<>()).put(Integer.parseInt(k.substring(hash + 1)), mean);
        }
        return out;
    }

    /** The largest snapshot step evaluated for every meta-seed of both arms, or 0. */
    private static long commonSnapshot(List<CellRecord> cells, String star, String baseline,
            java.util.Set<Integer> ss, java.util.Set<Integer> bs) {
        Map<Long, java.util.Set<String>> seen = new TreeMap<>();
        for (CellRecord c : cells) {
            Matcher mm = SNAPSHOT.matcher(c.optimizer());
            if (mm.find()) {
                seen.computeIfAbsent(Long.parseLong(mm.group(3)), k -> new java.util.HashSet<>())
                        .add(mm.group(1) + "#" + Integer.parseInt(mm.group(2)));
            }
        }
        long best = 0;
        for (Map.Entry<Long, java.util.Set<String>> e : seen.entrySet()) {
            boolean all = true;
            for (int s : ss) {
                all &= e.getValue().contains(star + "#" + s);
            }
            for (int s : bs) {
                all &= e.getValue().contains(baseline + "#" + s);
            }
            if (all) {
                best = Math.max(best, e.getKey());
            }
        }
        return best;
    }

    private static double[] valuesAt(Map<String, Map<Integer, Double>> v, String arm, long step,
            java.util.Set<Integer> seeds) {
        Map<Integer, Double> m = v.getOrDefault(arm + "@" + step, Map.of());
        return seeds.stream().mapToDouble(s -> m.getOrDefault(s, Double.NaN)).toArray();
    }

    private static double[] windowMeans(Map<Integer, MetaLog> logs, long upTo, int window) {
        double[] out = new double[logs.size()];
        int i = 0;
        for (MetaLog l : logs.values()) {
            int end = 0;
            while (end < l.size() && l.outerStep()[end] <= upTo) {
                end++;
            }
            out[i++] = l.meanMetaLoss(end - window, end);
        }
        return out;
    }

    /**
     * Median [min, max] (n); a held-out value of a snapshot some of whose evaluation runs did not complete is +inf and
     * prints as "fail" (as in lobench meta-report), with a note saying what it means.
     */
    static String spread(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        if (s.length == 0) {
            return "—";
        }
        String note = Double.isInfinite(s[s.length - 1])
                ? "; fail: an evaluation run diverged or failed, as in lobench meta-report" : "";
        if (s.length == 1) {
            return num(s[0]) + " (n=1" + note + ")";
        }
        // meta-report's median: a run that did not complete counts as the worst (Stats would drop it)
        return num(HeldOutCurves.median(s)) + " [" + num(s[0]) + ", " + num(s[s.length - 1]) + "] (n=" + s.length
                + note + ")";
    }

    private static String num(double x) {
        return Double.isInfinite(x) ? HeldOutCurves.format(x) : String.format(Locale.ROOT, "%.4g", x);
    }

    /** Lower is better: the "meta-training" rule. */
    static Result rangeVerdict(String measured, double[] star, double[] base, String starName) {
        if (star.length < 3 || base.length < 3) {
            return new Result(measured, Verdict.INCONCLUSIVE, "fewer than 3 meta-seeds per arm ("
                    + star.length + " vs " + base.length + ")");
        }
        double sMax = Arrays.stream(star).max().orElseThrow();
        double sMin = Arrays.stream(star).min().orElseThrow();
        double bMax = Arrays.stream(base).max().orElseThrow();
        double bMin = Arrays.stream(base).min().orElseThrow();
        if (sMax < bMin) {
            return new Result(measured, Verdict.HOLDS, "every " + starName + " meta-seed is better");
        }
        if (sMin > bMax) {
            return new Result(measured, Verdict.DOES_NOT_HOLD, "every " + starName + " meta-seed is worse");
        }
        return new Result(measured, Verdict.INCONCLUSIVE, "the meta-seed ranges overlap");
    }

    // ------------------------------------------------------------------ horizon

    /**
     * {@link #horizon(List, String)}, and with a {@code baseline} (may be empty) its completed / total cells in the same
     * records added to the measured text for context; the verdict is the optimizer's alone.
     */
    static Result horizon(List<CellRecord> cells, String optimizer, String baseline) {
        Result r = horizon(cells, optimizer);
        if (baseline.isEmpty() || r.verdict() == Verdict.NO_RECORD) {
            return r;
        }
        Result b = horizon(cells, baseline);
        if (b.verdict() == Verdict.NO_RECORD) {
            return new Result(r.measured() + "; no " + baseline + " cells", r.verdict(), r.why());
        }
        return new Result(r.measured() + "; " + b.measured(), r.verdict(), r.why());
    }

    static Result horizon(List<CellRecord> cells, String optimizer) {
        int done = 0;
        int all = 0;
        List<String> failed = new ArrayList<>();
        List<Double> finals = new ArrayList<>();
        int steps = 0;
        for (CellRecord c : cells) {
            if (!base(c.optimizer()).equals(optimizer) && !c.optimizer().equals(optimizer)) {
                continue;
            }
            all++;
            steps = Math.max(steps, c.steps());
            if (c.outcome() == Outcome.completed) {
                done++;
                finals.add(CellMetrics.finalTrainLoss(c));
            } else {
                failed.add(c.task() + " seed " + c.seed() + " " + c.outcome() + " at step " + LossCurve.stepsRun(c));
            }
        }
        if (all == 0) {
            return new Result("—", Verdict.NO_RECORD, "no cell of " + optimizer);
        }
        String m = String.format(Locale.ROOT, "%s completed %d/%d cells of %d steps; final train loss %s", optimizer,
                done, all, steps, spread(finals.stream().mapToDouble(Double::doubleValue).toArray()));
        if (done < all) {
            return new Result(m, Verdict.DOES_NOT_HOLD, String.join("; ", failed.subList(0, Math.min(3, failed.size()))));
        }
        if (all < 3) {
            return new Result(m, Verdict.INCONCLUSIVE, "fewer than 3 cells");
        }
        return new Result(m, Verdict.HOLDS, String.format(Locale.ROOT, "every %s cell completed (%d/%d)", optimizer,
                done, all));
    }

    // ------------------------------------------------------------------ win rate

    static Result winRate(List<CellRecord> cells, String a, String b, boolean oodOnly) {
        Names n = names(cells, a, b);
        if (n.problem() != null) {
            return new Result("—", Verdict.NO_RECORD, n.problem());
        }
        WinRate.Result r = winRateOf(cells, n, oodOnly);
        if (r.pairs() == 0) {
            return new Result("—", Verdict.NO_RECORD, "no task has cells of both " + a + " and " + b);
        }
        String m = String.format(Locale.ROOT, "win rate of %s over %s on %d%s tasks: %s (%d wins, %d ties, %d losses)",
                a, b, r.tasks(), oodOnly ? " out-of-distribution" : "", ci(r), r.wins(), r.ties(), r.losses());
        if (r.ciLow() > 0.5) {
            return new Result(m, Verdict.HOLDS, "CI above 0.5");
        }
        if (r.ciHigh() < 0.5) {
            return new Result(m, Verdict.DOES_NOT_HOLD, "CI below 0.5");
        }
        return new Result(m, Verdict.INCONCLUSIVE, "CI contains 0.5");
    }

    /**
     * The win rate of a over b in each record separately (one record per meta-seed: each holds one variant of a and one
     * of b, for example {@code star(weights=...-s1-outer002000.safetensors)}), and a verdict over meta-seeds: with at
     * least 3, holds when every CI is above 0.5, does not hold when every one is below 0.5.
     */
    static Result winRatePerRecord(List<List<CellRecord>> records, List<String> labels, String a, String b,
            boolean oodOnly) {
        List<String> parts = new ArrayList<>();
        List<String> noData = new ArrayList<>();
        double[] rates = new double[records.size()];
        int above = 0;
        int below = 0;
        int used = 0;
        int tasks = 0;
        for (int i = 0; i < records.size(); i++) {
            Names n = names(records.get(i), a, b);
            WinRate.Result r = n.problem() == null ? winRateOf(records.get(i), n, oodOnly) : null;
            if (r == null || r.pairs() == 0) {
                noData.add(labels.get(i) + " (" + (n.problem() != null ? n.problem() : "no task with cells of both")
                        + ")");
                continue;
            }
            rates[used++] = r.rate();
            tasks = Math.max(tasks, r.tasks());
            above += r.ciLow() > 0.5 ? 1 : 0;
            below += r.ciHigh() < 0.5 ? 1 : 0;
            parts.add(String.format(Locale.ROOT, "%s %s (%d/%d/%d)", labels.get(i), ci(r), r.wins(), r.ties(),
                    r.losses()));
        }
        if (used == 0) {
            return new Result("—", Verdict.NO_RECORD, String.join("; ", noData));
        }
        double[] got = Arrays.copyOf(rates, used);
        Arrays.sort(got);
        String m = String.format(Locale.ROOT, "win rate of %s over %s on %d%s tasks, per meta-seed record (wins/ties/"
                + "losses): %s; median %.2f over %d meta-seeds", a, b, tasks, oodOnly ? " out-of-distribution" : "",
                String.join("; ", parts), HeldOutCurves.median(got), used);
        if (!noData.isEmpty()) {
            return new Result(m, Verdict.INCONCLUSIVE, "a record has no comparison: " + String.join("; ", noData));
        }
        if (used < 3 && (above == used || below == used)) {
            return new Result(m, Verdict.INCONCLUSIVE, "fewer than 3 meta-seeds");
        }
        if (below == used) {
            return new Result(m, Verdict.DOES_NOT_HOLD, "CI below 0.5 for every meta-seed");
        }
        if (above == used) {
            return new Result(m, Verdict.HOLDS, "CI above 0.5 for every meta-seed");
        }
        return new Result(m, Verdict.INCONCLUSIVE, String.format(Locale.ROOT, "CI above 0.5 for %d, below for %d, "
                + "containing 0.5 for %d of %d meta-seeds", above, below, used - above - below, used));
    }

    /** The exact optimizer names of a and b in some cells, or why they cannot be told apart. */
    record Names(String a, String b, String problem) {}

    static Names names(List<CellRecord> cells, String a, String b) {
        String na = exactName(cells, a);
        String nb = exactName(cells, b);
        String problem = na == null ? "several variants of " + a + " in one record; name one in the manifest"
                : nb == null ? "several variants of " + b + " in one record; name one in the manifest" : null;
        return new Names(na, nb, problem);
    }

    /** {@code name} itself when a cell has exactly that optimizer, else the one variant of it, else null (several). */
    private static String exactName(List<CellRecord> cells, String name) {
        java.util.Set<String> variants = new java.util.TreeSet<>();
        for (CellRecord c : cells) {
            if (c.optimizer().equals(name)) {
                return name;
            }
            if (base(c.optimizer()).equals(name)) {
                variants.add(c.optimizer());
            }
        }
        return variants.size() > 1 ? null : variants.isEmpty() ? name : variants.iterator().next();
    }

    private static WinRate.Result winRateOf(List<CellRecord> cells, Names n, boolean oodOnly) {
        // out of distribution for both: a task is left out when any cell of a or of b is in its meta-training set
        java.util.Set<String> inSet = new java.util.HashSet<>();
        for (CellRecord c : cells) {
            if (c.inMetaTrainingSet() && (c.optimizer().equals(n.a()) || c.optimizer().equals(n.b()))) {
                inSet.add(c.task());
            }
        }
        List<CellRecord> use = oodOnly ? cells.stream().filter(c -> !inSet.contains(c.task())).toList() : cells;
        return WinRate.compute(use, n.a(), n.b(), WinRate.DEFAULT_MARGIN, Bootstrap.DEFAULT_SEED);
    }

    private static String ci(WinRate.Result r) {
        return String.format(Locale.ROOT, "%.2f [%.2f, %.2f]", r.rate(), r.ciLow(), r.ciHigh());
    }

    // ------------------------------------------------------------------ cost

    static Result cost(List<Path> files, String a, String b) {
        List<OverheadRecord> recs = new ArrayList<>();
        for (Path p : files) {
            recs.addAll(OverheadStore.read(p).records());
        }
        return costOf(recs, a, b);
    }

    static Result costOf(List<OverheadRecord> recs, String a, String b) {
        OverheadRecord ra = null;
        OverheadRecord rb = null;
        for (OverheadRecord r : recs) {
            if (!"optimizer-only".equals(r.kind()) || !Double.isFinite(r.medianMs())) {
                continue;
            }
            if (base(r.optimizer()).equals(a) && (ra == null || r.numParams() > ra.numParams())) {
                ra = r;
            }
            if (base(r.optimizer()).equals(b) && (rb == null || r.numParams() > rb.numParams())) {
                rb = r;
            }
        }
        if (ra == null || rb == null || ra.numParams() != rb.numParams()) {
            return new Result("—", Verdict.NO_RECORD, "no optimizer-only timing of both at one size");
        }
        double ratio = ra.medianMs() / rb.medianMs();
        String m = String.format(Locale.ROOT, "optimizer-only step at %d parameters: %s %.3f ms, %s %.3f ms, ratio %.2f "
                + "(%d threads)", ra.numParams(), a, ra.medianMs(), b, rb.medianMs(), ratio, ra.threads());
        return ratio >= 0.8 && ratio <= 1.25 ? new Result(m, Verdict.HOLDS, "within [0.8, 1.25]")
                : new Result(m, Verdict.DOES_NOT_HOLD, "outside [0.8, 1.25]");
    }

    // ------------------------------------------------------------------ rendering

    public static String markdown(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        TextTable t = new TextTable().compactRule().left("Claim").left("Paper").left("lobench measured")
                .left("Verdict").left("Why").left("Records").left("Command");
        for (Row r : rows) {
            t.row(r.id(), r.claim(), r.measured(), "**" + r.verdict().text() + "**", r.why(),
                    String.join(", ", r.records()), "`" + r.command() + "`");
        }
        sb.append(t.markdown());
        sb.append("\nVerdict rules:\n");
        for (Map.Entry<String, String> e : RULES.entrySet()) {
            sb.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        sb.append("- any kind: ").append(PARTIAL_RULE).append('\n');
        return sb.toString();
    }

    public static String html(List<Row> rows) {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>lobench: the "
                + "paper's claims</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                + "td,th{border:1px solid #999;padding:4px 8px;vertical-align:top}</style></head><body>\n"
                + "<h1>A Closer Look at Learned Optimization: claims against lobench's records</h1>\n<table>\n"
                + "<tr><th>Claim</th><th>Paper</th><th>lobench measured</th><th>Verdict</th><th>Why</th><th>Records</th>"
                + "<th>Command</th></tr>\n");
        for (Row r : rows) {
            sb.append("<tr><td>").append(h(r.id())).append("</td><td>").append(h(r.claim())).append("</td><td>")
                    .append(h(r.measured())).append("</td><td><b>").append(h(r.verdict().text())).append("</b></td><td>")
                    .append(h(r.why())).append("</td><td>").append(h(String.join(", ", r.records())))
                    .append("</td><td><code>").append(h(r.command())).append("</code></td></tr>\n");
        }
        sb.append("</table>\n<h2>Verdict rules</h2>\n<ul>\n");
        for (Map.Entry<String, String> e : RULES.entrySet()) {
            sb.append("<li><b>").append(h(e.getKey())).append("</b>: ").append(h(e.getValue())).append("</li>\n");
        }
        sb.append("<li><b>any kind</b>: ").append(h(PARTIAL_RULE)).append("</li>\n");
        return sb.append("</ul>\n</body></html>\n").toString();
    }

    private static String h(String s) {
        return TextTable.html(s);
    }
}
