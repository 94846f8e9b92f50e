package dev.lobench.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verdict rules of `lobench reproduce` on small synthetic records. */
class PaperClaimsTest {
    @TempDir
    Path dir;

    static StabilityRecord stab(String opt, double h, double radius) {
        return new StabilityRecord(StabilityRecord.TYPE, opt, opt, h, 1, 1.0, radius, radius, radius,
                new double[][] {{radius, 0}}, 1, 1000, false, 1e-3, radius <= 1.001, 2000, "completed", null, -1, 1, 1,
                1, 0.5);
    }

    @Test
    void stabilityVerdicts() {
        List<StabilityRecord> both = List.of(stab("star", 1, 0.99), stab("small-fc(weights=x)", 1, 0.98));
        assertEquals(PaperClaims.Verdict.INCONCLUSIVE, PaperClaims.stabilityOf(both, "star", "small-fc").verdict());
        List<StabilityRecord> holds = List.of(stab("star", 1, 0.99), stab("small-fc", 1, 1.3));
        PaperClaims.Result r = PaperClaims.stabilityOf(holds, "star", "small-fc");
        assertEquals(PaperClaims.Verdict.HOLDS, r.verdict());
        assertTrue(r.measured().contains("star 0/1, small-fc 1/1"), r.measured());
        List<StabilityRecord> fails = List.of(stab("star", 1, 1.01), stab("small-fc", 1, 1.3));
        assertEquals(PaperClaims.Verdict.DOES_NOT_HOLD, PaperClaims.stabilityOf(fails, "star", "small-fc").verdict());
        assertEquals(PaperClaims.Verdict.NO_RECORD, PaperClaims.stabilityOf(List.of(stab("star", 1, 1)), "star",
                "small-fc").verdict());
    }

    @Test
    void rangeRuleNeedsThreeSeedsAndSeparatedRanges() {
        assertEquals(PaperClaims.Verdict.INCONCLUSIVE, PaperClaims.rangeVerdict("m", new double[] {0.1, 0.2},
                new double[] {0.5, 0.6, 0.7}, "star").verdict());
        assertEquals(PaperClaims.Verdict.HOLDS, PaperClaims.rangeVerdict("m", new double[] {0.1, 0.2, 0.3},
                new double[] {0.5, 0.6, 0.7}, "star").verdict());
        assertEquals(PaperClaims.Verdict.DOES_NOT_HOLD, PaperClaims.rangeVerdict("m", new double[] {0.8, 0.9, 1.0},
                new double[] {0.5, 0.6, 0.7}, "star").verdict());
        assertEquals(PaperClaims.Verdict.INCONCLUSIVE, PaperClaims.rangeVerdict("m", new double[] {0.1, 0.2, 0.55},
                new double[] {0.5, 0.6, 0.7}, "star").verdict());
    }

    /** One meta-seed's record: star and small-fc variants on 4 tasks x 3 seeds; star wins where {@code starWins}. */
    private static List<CellRecord> metaSeedRecord(int k, boolean starWins, boolean secondStarVariant) {
        List<CellRecord> cells = new ArrayList<>();
        String star = "star(weights=/w/star-s" + k + "-outer002000.safetensors)";
        String fc = "small-fc(weights=/w/small-fc-s" + k + "-outer002000.safetensors)";
        for (String task : List.of("A", "B", "C", "D")) {
            for (int seed = 0; seed < 3; seed++) {
                float ls = starWins ? 0.5f : 1.0f;
                float lf = starWins ? 1.0f : 0.5f;
                cells.add(TestCells.cell(task, star, seed, 2, Outcome.completed, new float[] {ls, ls}, List.of(),
                        TestCells.timing(1, 0.5)));
                cells.add(TestCells.cell(task, fc, seed, 2, Outcome.completed, new float[] {lf, lf}, List.of(),
                        TestCells.timing(1, 0.5)));
                if (secondStarVariant) {
                    cells.add(TestCells.cell(task, "star(weights=/w/other.safetensors)", seed, 2, Outcome.completed,
                            new float[] {ls, ls}, List.of(), TestCells.timing(1, 0.5)));
                }
            }
        }
        return cells;
    }

    @Test
    void winRatePerMetaSeedRecord() {
        List<String> labels = List.of("g-s0", "g-s1", "g-s2");
        List<List<CellRecord>> wins = List.of(metaSeedRecord(0, true, false), metaSeedRecord(1, true, false),
                metaSeedRecord(2, true, false));
        PaperClaims.Result all = PaperClaims.winRatePerRecord(wins, labels, "star", "small-fc", true);
        assertEquals(PaperClaims.Verdict.HOLDS, all.verdict(), all.measured());
        assertTrue(all.measured().contains("g-s1 1.00 [1.00, 1.00] (12/0/0)"), all.measured());
        assertTrue(all.measured().contains("median 1.00 over 3 meta-seeds"), all.measured());

        List<List<CellRecord>> losses = List.of(metaSeedRecord(0, false, false), metaSeedRecord(1, false, false),
                metaSeedRecord(2, false, false));
        assertEquals(PaperClaims.Verdict.DOES_NOT_HOLD,
                PaperClaims.winRatePerRecord(losses, labels, "star", "small-fc", true).verdict());
        // every meta-seed agrees, but two are too few either way
        PaperClaims.Result two = PaperClaims.winRatePerRecord(wins.subList(0, 2), labels.subList(0, 2), "star",
                "small-fc", true);
        assertEquals(PaperClaims.Verdict.INCONCLUSIVE, two.verdict());
        assertEquals("fewer than 3 meta-seeds", two.why());
        assertEquals(PaperClaims.Verdict.INCONCLUSIVE, PaperClaims.winRatePerRecord(losses.subList(0, 2),
                labels.subList(0, 2), "star", "small-fc", true).verdict());
        // meta-seeds disagree
        PaperClaims.Result mixed = PaperClaims.winRatePerRecord(List.of(wins.get(0), wins.get(1), losses.get(2)), labels,
                "star", "small-fc", true);
        assertEquals(PaperClaims.Verdict.INCONCLUSIVE, mixed.verdict());
        assertTrue(mixed.why().contains("above 0.5 for 2, below for 1"), mixed.why());
        assertTrue(mixed.measured().contains("median 1.00"), mixed.measured());
        // a record holding two star variants cannot be compared, and says so
        PaperClaims.Result amb = PaperClaims.winRatePerRecord(List.of(wins.get(0), wins.get(1),
                metaSeedRecord(2, true, true)), labels, "star", "small-fc", true);
        assertEquals(PaperClaims.Verdict.INCONCLUSIVE, amb.verdict());
        assertTrue(amb.why().contains("g-s2 (several variants of star"), amb.why());
        // the single-record kind matches a record's one variant by its base name, as before exact names
        assertEquals(PaperClaims.Verdict.HOLDS, PaperClaims.winRate(wins.get(0), "star", "small-fc", true).verdict());
        assertEquals(PaperClaims.Verdict.NO_RECORD,
                PaperClaims.winRate(metaSeedRecord(0, true, true), "star", "small-fc", true).verdict());
        assertEquals(PaperClaims.Verdict.HOLDS, PaperClaims.winRate(metaSeedRecord(0, true, true),
                "star(weights=/w/star-s0-outer002000.safetensors)", "small-fc", true).verdict());
    }

    @Test
    void horizonFailsOnAnyDivergence() {
        float[] l = {2f, 1f, 0.5f};
        List<CellRecord> ok = List.of(TestCells.cell("T", "star", 0, 3, Outcome.completed, l, List.of(), TestCells.timing(1, 0.5)),
                TestCells.cell("T", "star", 1, 3, Outcome.completed, l, List.of(), TestCells.timing(1, 0.5)),
                TestCells.cell("T", "star", 2, 3, Outcome.completed, l, List.of(), TestCells.timing(1, 0.5)),
                TestCells.cell("T", "small-fc", 0, 3, Outcome.diverged, new float[] {2f}, List.of(), TestCells.timing(1, 0.5)));
        assertEquals(PaperClaims.Verdict.HOLDS, PaperClaims.horizon(ok, "star").verdict());
        assertEquals(PaperClaims.Verdict.DOES_NOT_HOLD, PaperClaims.horizon(ok, "small-fc").verdict());
        assertEquals(PaperClaims.Verdict.INCONCLUSIVE, PaperClaims.horizon(ok.subList(0, 2), "star").verdict());
        assertEquals(PaperClaims.Verdict.NO_RECORD, PaperClaims.horizon(ok, "adam").verdict());
        // a baseline is context: its cells are counted in the measured text, the verdict stays star's
        PaperClaims.Result withBase = PaperClaims.horizon(ok, "star", "small-fc");
        assertEquals(PaperClaims.Verdict.HOLDS, withBase.verdict());
        assertTrue(withBase.measured().contains("star completed 3/3"), withBase.measured());
        assertTrue(withBase.measured().contains("small-fc completed 0/1"), withBase.measured());
        assertEquals("every star cell completed (3/3)", withBase.why());
        assertTrue(PaperClaims.horizon(ok, "star", "velo-style").measured().endsWith("; no velo-style cells"));
        assertEquals(PaperClaims.horizon(ok, "star").measured(), PaperClaims.horizon(ok, "star", "").measured());
    }

    @Test
    void costRuleComparesTheLargestCommonSize() {
        OverheadRecord a = overhead("star", 100_000, 1.2);
        OverheadRecord b = overhead("small-fc", 100_000, 1.0);
        OverheadRecord small = overhead("star", 1000, 9.0);
        assertEquals(PaperClaims.Verdict.HOLDS, PaperClaims.costOf(List.of(a, b, small), "star", "small-fc").verdict());
        assertEquals(PaperClaims.Verdict.DOES_NOT_HOLD, PaperClaims.costOf(List.of(overhead("star", 100_000, 1.3), b),
                "star", "small-fc").verdict());
    }

    static OverheadRecord overhead(String opt, long n, double ms) {
        return new OverheadRecord(OverheadRecord.TYPE, 1, OverheadRecord.OPTIMIZER_ONLY, "synthetic", opt, opt, "cpu", 2,
                n, ms, ms, 0.01, 100, 1, 0, 0, "ok", null);
    }

    @Test
    void heldOutValuesComeFromSnapshotNamesAndMissingRecordsAreNamed() throws IOException {
        // two meta-training logs per arm and held-out cells of their outer-100 snapshots; seed 1's logs in camelCase
        // (as lobench writes them now), the others with the snake_case keys of older lobench versions
        for (String arm : List.of("star-zero", "small-fc")) {
            for (int s = 0; s < 3; s++) {
                Path d = Files.createDirectories(dir.resolve("runs").resolve(arm).resolve("seed" + s));
                StringBuilder sb = new StringBuilder();
                for (int k = 1; k <= 100; k++) {
                    sb.append(s == 1 ? "{\"outerStep\":" : "{\"outer_step\":").append(k)
                            .append(s == 1 ? ",\"metaLoss\":" : ",\"meta_loss\":")
                            .append(arm.equals("star-zero") ? 0.4 : 0.6).append("}\n");
                }
                Files.writeString(d.resolve(arm + "-s" + s + ".safetensors.jsonl"), sb.toString());
            }
        }
        List<CellRecord> cells = new ArrayList<>();
        for (String arm : List.of("star-zero", "small-fc")) {
            for (int s = 0; s < 3; s++) {
                String opt = (arm.startsWith("star") ? "star" : "small-fc") + "(weights=/x/" + arm + "-s" + s
                        + "-outer000100.safetensors)";
                float v = arm.equals("star-zero") ? 0.3f + 0.01f * s : 0.5f + 0.01f * s;
                cells.add(TestCells.cell("T", opt, 0, 2, Outcome.completed, new float[] {v, v}, List.of(), TestCells.timing(1, 0.5)));
            }
        }
        Map<String, Map<Integer, Double>> v = PaperClaims.heldOut(cells);
        assertEquals(0.31, v.get("star-zero@100").get(1), 1e-6);
        // meta-loss only (no evaluation folder given): star 0.4 vs small-fc 0.6 on 3 seeds each
        PaperClaims.Result r = PaperClaims.metaTraining(List.of(dir.resolve("runs")), "star-zero", "small-fc", 200);
        assertEquals(PaperClaims.Verdict.HOLDS, r.verdict(), r.measured());
        assertTrue(r.measured().contains("meta-loss"), r.measured());

        ObjectMapper om = new ObjectMapper();
        var claim = om.readTree("{\"id\":\"C3\",\"kind\":\"horizon\",\"claim\":\"x\",\"records\":[\"nowhere/h10x\"]}");
        PaperClaims.Row row = PaperClaims.evaluate(claim, dir, Map.of());
        assertEquals(PaperClaims.Verdict.NO_RECORD, row.verdict());
        assertTrue(row.why().contains("nowhere/h10x"), row.why());
        var bad = om.readTree("{\"id\":\"C9\",\"kind\":\"vibes\",\"records\":[\"runs\"]}");
        assertThrows(ResultsError.class, () -> PaperClaims.evaluate(bad, dir, Map.of()));
    }

    @Test
    void aClaimWithMissingRecordsCannotHold() throws IOException {
        float[] l = {2f, 1f, 0.5f};
        List<CellRecord> three = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            three.add(TestCells.cell("T", "star", s, 3, Outcome.completed, l, List.of(), TestCells.timing(1, 0.5)));
        }
        HeldOutCurvesTest.write(dir.resolve("h/a"), three, true);
        ObjectMapper om = new ObjectMapper();
        var complete = om.readTree("{\"id\":\"C3\",\"kind\":\"horizon\",\"claim\":\"x\",\"records\":[\"h/a\"]}");
        assertEquals(PaperClaims.Verdict.HOLDS, PaperClaims.evaluate(complete, dir, Map.of()).verdict());
        var partial = om.readTree("{\"id\":\"C3\",\"kind\":\"horizon\",\"claim\":\"x\",\"records\":[\"h/a\",\"h/b\"]}");
        PaperClaims.Row row = PaperClaims.evaluate(partial, dir, Map.of());
        assertEquals(PaperClaims.Verdict.INCONCLUSIVE, row.verdict());
        assertTrue(row.why().contains("1 of 2 records missing: h/b"), row.why());
        assertEquals(PaperClaims.evaluate(complete, dir, Map.of()).measured(), row.measured());
        // a divergence among the records present still contradicts the claim
        HeldOutCurvesTest.write(dir.resolve("h/c"), List.of(TestCells.cell("T", "star", 0, 3, Outcome.diverged,
                new float[] {2f}, List.of(), TestCells.timing(1, 0.5))), true);
        var failing = om.readTree("{\"id\":\"C3\",\"kind\":\"horizon\",\"claim\":\"x\",\"records\":[\"h/a\",\"h/c\",\"h/b\"]}");
        assertEquals(PaperClaims.Verdict.DOES_NOT_HOLD, PaperClaims.evaluate(failing, dir, Map.of()).verdict());
        assertTrue(PaperClaims.markdown(List.of(row)).contains("- any kind: " + PaperClaims.PARTIAL_RULE));
    }

    @Test
    void aSpreadNamesRunsThatDidNotComplete() {
        assertEquals("0.5000 [0.2500, 2.000] (n=3)", PaperClaims.spread(new double[] {2, 0.25, 0.5}));
        String s = PaperClaims.spread(new double[] {2.304, Double.POSITIVE_INFINITY});
        assertTrue(s.startsWith("fail [2.304, fail] (n=2; fail: an evaluation run"), s);
        assertTrue(PaperClaims.spread(new double[] {Double.POSITIVE_INFINITY, 0.3, 0.4}).startsWith("0.4000 [0.3000, fail] (n=3; "));
        assertEquals("0.1000 (n=1)", PaperClaims.spread(new double[] {0.1}));
    }

    @Test
    void markdownEscapesCells() {
        String md = PaperClaims.markdown(List.of(new PaperClaims.Row("C1", "a | b", "<x>", PaperClaims.Verdict.HOLDS,
                "w", List.of("r"), "c")));
        assertTrue(md.contains("a \\| b") && md.contains("&lt;x&gt;") && md.contains("**holds**"), md);
        String html = PaperClaims.html(List.of(new PaperClaims.Row("C1", "a<b", "m", PaperClaims.Verdict.NO_RECORD,
                "w", List.of("r"), "c")));
        assertTrue(html.contains("a&lt;b") && html.contains("no record"), html);
    }
}
