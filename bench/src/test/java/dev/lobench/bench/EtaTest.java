package dev.lobench.bench;

import dev.lobench.tasks.TaskRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EtaTest {
    private static final double EPS = 1e-9;

    @Test
    void remainingCellsWeighByTheirCalibratedCostScaledByTheMeasuredSpeed() {
        // an MLP cell estimated at 10 s, then a CNN cell of the same steps estimated at 90 s
        Eta eta = new Eta(new double[] {10, 90}, new int[] {100, 100}, true);
        assertEquals(100, eta.remainingSeconds(0, 0, 0), EPS, "nothing measured yet: the calibrated estimate");
        // half of the first cell in 10 s: this machine runs at half the calibrated speed
        assertEquals(2 * (5 + 90), eta.remainingSeconds(0, 50, 10), EPS);
        eta.finish(0);
        // the first cell took 20 s for 10 s of estimate: the CNN cell needs 180 s, not the 20 s of equal steps
        assertEquals(180, eta.remainingSeconds(20), EPS);
        assertEquals(180, eta.remainingSeconds(1, 0, 20), EPS);
        // half of the CNN cell 65 s later: 10 + 45 s of estimate done in 85 s
        assertEquals(45 * 85 / 55.0, eta.remainingSeconds(1, 50, 85), EPS);
        assertEquals(0.55, eta.fractionDone(1, 50), EPS);
        eta.finish(1);
        assertEquals(0, eta.remainingSeconds(200), EPS);
        assertTrue(eta.allSettled());
    }

    @Test
    void theSpeedIsMeasuredFromTheFirstStepOn() {
        Eta eta = new Eta(new double[] {10, 10}, new int[] {100, 100}, true);
        // 5 s of start-up (data, JIT) before the first step is seen: not a measure of the speed
        assertEquals(19.9, eta.remainingSeconds(0, 1, 5), EPS, "no speed yet: the calibrated estimate");
        // 50 more steps (5 s of estimate) in 5 s: the calibrated speed, so 10 s of the second cell and 4.9 s are left
        assertEquals(14.9, eta.remainingSeconds(0, 51, 10), EPS);
        eta.finish(0);
        assertEquals(10 * (15 - 5) / 9.9, eta.remainingSeconds(15), EPS);
    }

    @Test
    void skippedCellsAreNeitherDoneNorLeft() {
        Eta eta = new Eta(new double[] {50, 10, 40}, new int[] {10, 10, 10}, true);
        eta.skip(0);
        assertFalse(eta.allSettled());
        assertEquals(50, eta.remainingSeconds(1, 0, 0), EPS);
        assertEquals(0.5, eta.fractionDone(1, 0), EPS, "the bar counts the resumed cells");
        // the second cell took 5 s (twice the calibrated speed): 40 s of estimate left -> 20 s
        eta.finish(1);
        assertEquals(20, eta.remainingSeconds(5), EPS);
    }

    @Test
    void withoutCalibrationEveryStepCostsTheSameAndNothingIsKnownBeforeTheFirstStep() {
        Eta eta = Eta.of(List.of(cell("quadratic-d100-k100", 100), cell("quadratic-d100-k100", 300)), null);
        assertEquals(100, eta.cost(0), EPS);
        assertEquals(300, eta.cost(1), EPS);
        assertTrue(Double.isNaN(eta.remainingSeconds(0, 0, 0)));
        assertEquals((400 - 10) / 10.0, eta.remainingSeconds(0, 10, 1), EPS, "10 steps a second");
    }

    @Test
    void costsComeFromTheCalibrationAndUncoveredCellsCostTheMeanPerStep(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("calibration.json");
        // quadratic: 1 ms a step, fmnist8-mlp32: 9 ms a step; evaluations 0 ms; adam's update free
        Files.writeString(file, "{\"machine\": \"" + Calibration.machineKey().replace("\"", "\\\"") + "\", \"tasks\": {"
                + "\"quadratic-d100-k100\": {\"fbMs\": 1, \"evalMs\": 0},"
                + "\"fmnist8-mlp32\": {\"fbMs\": 9, \"evalMs\": 0}}, \"optimizers\": {\"adam\": 0}}");
        Calibration cal = Calibration.load(file);
        Eta eta = Eta.of(List.of(cell("quadratic-d100-k100", 100), cell("fmnist8-mlp32", 100)), cal);
        assertEquals(0.1, eta.cost(0), EPS);
        assertEquals(0.9, eta.cost(1), EPS);
        assertEquals(1.0, eta.remainingSeconds(0, 0, 0), EPS, "every cell calibrated: seconds as estimated");

        Eta partial = Eta.of(List.of(cell("quadratic-d100-k100", 100), cell("fmnist8-mlp32", 100),
                cell("fmnist-cnn16x32", 200)), cal);
        assertEquals(200 * (1.0 / 200), partial.cost(2), EPS, "uncovered: its steps at the covered mean per step");
        assertTrue(Double.isNaN(partial.remainingSeconds(0, 0, 0)), "not every cell calibrated: no estimate yet");
        assertEquals((0.05 + 0.9 + 1.0) * 2, partial.remainingSeconds(0, 50, 0.1), EPS);
    }

    private static CellSpec cell(String task, int steps) {
        return new CellSpec(TaskRegistry.get(task), "adam", 0, steps, 0);
    }
}
