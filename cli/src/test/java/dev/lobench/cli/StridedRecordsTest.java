package dev.lobench.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lobench.results.CellMetrics;
import dev.lobench.results.CellRecord;
import dev.lobench.results.NormalisedLoss;
import dev.lobench.results.Outcome;
import dev.lobench.results.ResultStore;
import dev.lobench.tasks.data.IdxFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --loss-every K}: the same runs recorded per step (K = 1) and as block means (K = 5) train the same, give
 * the same final train losses and outcomes, and report, compare, export curves and the CI gate agree on them; a
 * results directory and a merge hold one K. The runs are real (a tiny Fashion-MNIST-shaped data set made here, and
 * the noisy quadratic with an SGD learning rate that diverges); every expected value is computed here from the
 * per-step record.
 */
class StridedRecordsTest {
    static final int STEPS = 200;
    static final int K = 5;
    @TempDir
    static Path dir;
    static Path one;
    static Path five;

    @BeforeAll
    static void runBoth() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        IdxFiles.fashionMnistShaped(data);
        one = dir.resolve("k1");
        five = dir.resolve("k5");
        for (Path out : List.of(one, five)) {
            List<String> args = new ArrayList<>(List.of("run", "--task", "fmnist8-mlp32,quadratic-d100-k100",
                    "--optimizer", "adam,sgdm,sgd:lr=1000", "--seeds", "2", "--steps", String.valueOf(STEPS),
                    "--eval-every", "50", "--data-dir", data.toString(), "--no-fetch", "--out", out.toString()));
            if (out == five) {
                args.addAll(List.of("--loss-every", String.valueOf(K)));
            }
            GateCommandsTest.Out r = GateCommandsTest.exec(args.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
        }
    }

    private static Map<String, CellRecord> byCell(Path run) {
        Map<String, CellRecord> m = new HashMap<>();
        for (CellRecord c : ResultStore.readCells(run)) {
            m.put(c.task() + " " + c.optimizer() + " " + c.seed(), c);
        }
        return m;
    }

    /** Block means of steps [from, to) of {@code l}, blocks of K from {@code from}. */
    private static List<Double> blocks(float[] l, int from, int to) {
        List<Double> out = new ArrayList<>();
        for (int s = from; s < to; s += K) {
            double sum = 0;
            int e = Math.min(s + K, to);
            for (int t = s; t < e; t++) {
                sum += l[t];
            }
            out.add(sum / (e - s));
        }
        return out;
    }

    @Test
    void sameTrainingSameFinalLossesAndOutcomesAndTheArrayIsTheBlockMeans() throws IOException {
        Map<String, CellRecord> a = byCell(one);
        Map<String, CellRecord> b = byCell(five);
        assertEquals(12, a.size());
        assertEquals(a.keySet(), b.keySet());
        int diverged = 0;
        for (String k : a.keySet()) {
            CellRecord x = a.get(k);
            CellRecord y = b.get(k);
            assertEquals(x.outcome(), y.outcome(), k);
            assertEquals(x.outcomeDetail(), y.outcomeDetail(), k);
            assertEquals(x.initialLoss(), y.initialLoss(), 1e-6 * Math.abs(x.initialLoss()), k);
            assertEquals(null, x.lossEvery(), k);
            assertEquals(K, y.lossEvery(), k);
            int n = x.trainLoss().length;
            assertEquals(n, y.stepsRun(), k);
            List<Double> expected = x.outcome() == Outcome.completed ? blocks(x.trainLoss(), 0, n)
                    : blocks(x.trainLoss(), 0, n - 1);
            if (x.outcome() != Outcome.completed) {
                diverged++;
                expected.add((double) x.trainLoss()[n - 1]);   // the step that stopped it, alone
                double last = NormalisedLoss.finalLoss(y);
                if (Float.isFinite(x.trainLoss()[n - 1])) {
                    assertEquals(NormalisedLoss.finalLoss(x), last, 0.0, k);
                } else {
                    assertEquals(Double.isFinite(NormalisedLoss.finalLoss(x)), Double.isFinite(last), k);
                }
            }
            assertEquals(expected.size(), y.trainLoss().length, k);
            for (int i = 0; i < expected.size(); i++) {
                double e = expected.get(i);
                if (Double.isFinite(e)) {
                    assertEquals(e, y.trainLoss()[i], 1e-5 * Math.max(1, Math.abs(e)), k + " entry " + i);
                } else {
                    assertFalse(Float.isFinite(y.trainLoss()[i]), k + " entry " + i);
                }
            }
            if (x.outcome() == Outcome.completed) {
                double f1 = CellMetrics.finalTrainLoss(x);
                assertEquals(f1, CellMetrics.finalTrainLoss(y), 1e-5 * Math.abs(f1), k);
            }
            assertEquals(x.evals().size(), y.evals().size(), k);
        }
        assertEquals(4, diverged, "sgd at lr 1000 diverges on both tasks and seeds");
        // a default run's cell lines are those of before: no new field
        for (String line : Files.readAllLines(one.resolve("results.jsonl"))) {
            assertFalse(line.contains("lossEvery") || line.contains("stepsRun"), line);
        }
        JsonNode header = new ObjectMapper().readTree(Files.readAllLines(five.resolve("results.jsonl")).get(0));
        assertEquals(K, header.at("/extra/plan/arguments/--loss-every").asInt());
        assertTrue(Files.size(five.resolve("results.jsonl")) < Files.size(one.resolve("results.jsonl")));
        RecordSchemas.assertFileValid(five.resolve("results.jsonl"));
    }

    @Test
    void reportCompareAndCiAgree() throws IOException {
        ObjectMapper om = new ObjectMapper();
        JsonNode r1 = om.readTree(GateCommandsTest.exec("report", one.toString(), "--format", "json").out());
        JsonNode r5 = om.readTree(GateCommandsTest.exec("report", five.toString(), "--format", "json").out());
        assertEquals(r1.get("rows").size(), r5.get("rows").size());
        int compared = 0;
        for (int i = 0; i < r1.get("rows").size(); i++) {
            JsonNode x = r1.get("rows").get(i);
            JsonNode y = r5.get("rows").get(i);
            assertEquals(x.get("task"), y.get("task"));
            assertEquals(x.get("optimizer"), y.get("optimizer"));
            for (var it = x.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (f.startsWith("trainLoss") || f.startsWith("testLoss") || f.startsWith("testAcc")
                        || f.equals("completed") || f.equals("diverged") || f.equals("seeds")) {
                    JsonNode u = x.get(f);
                    JsonNode v = y.get(f);
                    if (u.isNumber()) {
                        assertEquals(u.asDouble(), v.asDouble(), 1e-5 * Math.max(1e-3, Math.abs(u.asDouble())),
                                x.get("task") + " " + x.get("optimizer") + " " + f);
                        compared++;
                    } else {
                        assertEquals(u, v, f);
                    }
                }
            }
        }
        assertTrue(compared >= 12, "compared " + compared + " numbers");
        // the per-step run against the strided one: every delta is a tie
        GateCommandsTest.Out c = GateCommandsTest.exec("compare", "--baseline", one.toString(), "--candidate",
                five.toString(), "--format", "json");
        assertEquals(0, c.code(), c.err());
        assertFalse(c.out().contains("a_better") || c.out().contains("b_better"), c.out());
        assertTrue(c.out().contains("\"tie\""), c.out());
        // the CI gate: a baseline recorded from the per-step run passes the strided run
        Path baseline = dir.resolve("baseline.json");
        GateCommandsTest.Out b = GateCommandsTest.exec("ci", "baseline", "-o", baseline.toString(), one.toString());
        assertEquals(0, b.code(), b.err());
        GateCommandsTest.Out g = GateCommandsTest.exec("ci", "check", "--baseline", baseline.toString(),
                "--overhead-tolerance", "1000", five.toString());
        assertEquals(0, g.code(), g.out() + g.err());
    }

    @Test
    void exportCurvesPlacesBlockMeansAtTheirLastStep() throws IOException {
        Path c1 = dir.resolve("c1.csv");
        Path c5 = dir.resolve("c5.csv");
        assertEquals(0, GateCommandsTest.exec("export", "curves", one.toString(), "-o", c1.toString()).code());
        assertEquals(0, GateCommandsTest.exec("export", "curves", five.toString(), "-o", c5.toString()).code());
        Map<String, Map<Integer, Double>> per = trainRows(c1);
        Map<String, Map<Integer, Double>> str = trainRows(c5);
        assertEquals(per.keySet(), str.keySet());
        for (String cell : per.keySet()) {
            Map<Integer, Double> p = per.get(cell);
            Map<Integer, Double> s = str.get(cell);
            if (p.size() != STEPS) {
                continue;   // a diverged cell: its layout is checked on the records
            }
            assertEquals(STEPS / K, s.size(), cell);
            for (int end = K - 1; end < STEPS; end += K) {
                double sum = 0;
                for (int t = end - K + 1; t <= end; t++) {
                    sum += p.get(t);
                }
                assertEquals(sum / K, s.get(end), 1e-5 * Math.abs(sum / K), cell + " step " + end);
            }
        }
    }

    /** cell (task, optimizer, seed) -> step -> train_loss, from the rows with a training loss. */
    private static Map<String, Map<Integer, Double>> trainRows(Path csv) throws IOException {
        Map<String, Map<Integer, Double>> m = new HashMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            String cell = f[0] + " " + f[1] + " " + f[2];
            Map<Integer, Double> steps = m.computeIfAbsent(cell, x -> new HashMap<>());
            if (!f[4].isEmpty()) {
                steps.put(Integer.parseInt(f[3]), Double.parseDouble(f[4]));
            }
        }
        return m;
    }

    @Test
    void resumeAndMergeRefuseToMixStrides() {
        GateCommandsTest.Out r = GateCommandsTest.exec("run", "--task", "fmnist8-mlp32,quadratic-d100-k100",
                "--optimizer", "adam,sgdm,sgd:lr=1000", "--seeds", "2", "--steps", String.valueOf(STEPS),
                "--eval-every", "50", "--no-fetch", "--loss-every", "10", "--resume", one.toString());
        assertOneLine(r, "one results directory holds one lossEvery");
        assertTrue(r.err().contains("every 1 step(s)") && r.err().contains("this run every 10"), r.err());
        GateCommandsTest.Out m = GateCommandsTest.exec("merge", one.toString(), five.toString(), "--out",
                dir.resolve("merged").toString());
        assertOneLine(m, "different strides");
        assertFalse(Files.exists(dir.resolve("merged").resolve("results.jsonl")));
        GateCommandsTest.Out bad = GateCommandsTest.exec("run", "--task", "quadratic-d100-k100", "--loss-every", "0",
                "--out", dir.resolve("zero").toString());
        assertOneLine(bad, "--loss-every must be >= 1");
    }

    @Test
    void mergeLossEveryRestridesAPerStepRecordIntoWhatTheStridedRunRecorded() throws IOException {
        Path out = dir.resolve("restrided");
        GateCommandsTest.Out m = GateCommandsTest.exec("merge", one.toString(), "--loss-every", String.valueOf(K),
                "--out", out.toString());
        assertEquals(0, m.code(), m.err());
        Map<String, CellRecord> ran = byCell(five);
        Map<String, CellRecord> derived = byCell(out);
        Map<String, CellRecord> perStep = byCell(one);
        assertEquals(ran.keySet(), derived.keySet());
        boolean someStopped = false;
        for (Map.Entry<String, CellRecord> e : derived.entrySet()) {
            CellRecord d = e.getValue();
            CellRecord r = ran.get(e.getKey());
            // the same training, recorded at K by the run and derived at K by merge: the same entries and layout
            assertArrayEquals(r.trainLoss(), d.trainLoss(), e.getKey());
            assertEquals(r.lossEvery(), d.lossEvery(), e.getKey());
            assertEquals(r.stepsRun(), d.stepsRun(), e.getKey());
            assertEquals(r.outcome(), d.outcome(), e.getKey());
            someStopped |= d.outcome() != Outcome.completed;
            // another record of the per-step cell: a derived key, pointing back to it
            CellRecord p = perStep.get(e.getKey());
            assertEquals(p.cellKey(), d.meta().get("restridedFrom"), e.getKey());
            assertTrue(!p.cellKey().equals(d.cellKey()), e.getKey());
            assertEquals(CellMetrics.finalTrainLoss(p), CellMetrics.finalTrainLoss(d),
                    1e-6 * Math.max(1, Math.abs(CellMetrics.finalTrainLoss(p))), e.getKey());
        }
        assertTrue(someStopped, "the diverging SGD cells exercise a record that stopped early");
        String header = Files.readAllLines(out.resolve("results.jsonl")).get(0);
        assertTrue(header.contains("\"restrided\":{\"lossEvery\":" + K), header);
        // a strided input restrided at another K is refused; the output directory keeps nothing
        GateCommandsTest.Out bad = GateCommandsTest.exec("merge", five.toString(), "--loss-every", "10", "--out",
                dir.resolve("re-re").toString());
        assertOneLine(bad, "only per-step cells can be restrided");
        assertFalse(Files.exists(dir.resolve("re-re").resolve("results.jsonl")));
        assertOneLine(GateCommandsTest.exec("merge", one.toString(), "--loss-every", "0", "--out",
                dir.resolve("zero-merge").toString()), "--loss-every must be >= 1");
    }

    private static void assertOneLine(GateCommandsTest.Out r, String fragment) {
        assertEquals(2, r.code(), r.out() + r.err());
        String[] lines = r.err().strip().split("\\R");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("lobench: ") && lines[0].contains(fragment), r.err());
    }

}
