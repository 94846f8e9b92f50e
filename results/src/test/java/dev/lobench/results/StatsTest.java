package dev.lobench.results;

import static dev.lobench.results.TestCells.cell;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void quartilesByLinearInterpolation() {
        Stats s = Stats.of(4, 1, 3, 2);
        // sorted {1,2,3,4}: Q1 at h = 3*0.25 = 0.75 -> 1 + 0.75*1 = 1.75; median h = 1.5 -> 2.5; Q3 h = 2.25 -> 3.25
        assertEquals(4, s.n());
        assertEquals(1.75, s.q1(), 1e-12);
        assertEquals(2.5, s.median(), 1e-12);
        assertEquals(3.25, s.q3(), 1e-12);
        // mean 2.5; squared deviations 2.25+0.25+0.25+2.25 = 5; /3
        assertEquals(2.5, s.mean(), 1e-12);
        assertEquals(Math.sqrt(5.0 / 3), s.std(), 1e-12);
    }

    @Test
    void nonFiniteValuesAreDroppedAndEmptyIsNaN() {
        Stats s = Stats.of(Double.NaN, 2, Double.POSITIVE_INFINITY);
        assertEquals(1, s.n());
        assertEquals(2.0, s.median());
        assertTrue(Double.isNaN(s.std()));
        Stats e = Stats.of();
        assertEquals(0, e.n());
        assertTrue(Double.isNaN(e.median()) && Double.isNaN(e.mean()));
    }

    @Test
    void finalTrainLossTailLength() {
        assertEquals(0, CellMetrics.tailLength(0));
        assertEquals(1, CellMetrics.tailLength(5)); // 10% = 0.5 -> at least 1
        assertEquals(3, CellMetrics.tailLength(30));
        assertEquals(19, CellMetrics.tailLength(199));
        assertEquals(20, CellMetrics.tailLength(300)); // 10% = 30 -> capped at 20

        float[] curve = new float[300];
        for (int i = 0; i < 300; i++) {
            curve[i] = i;
        }
        CellRecord c = cell("t", "o", 0, 300, Outcome.completed, curve, List.of(), null);
        // mean of 280..299 = (280 + 299) / 2 = 289.5
        assertEquals(289.5, CellMetrics.finalTrainLoss(c), 1e-9);
        CellRecord none = cell("t", "o", 0, 300, Outcome.error, new float[0], List.of(), null);
        assertTrue(Double.isNaN(CellMetrics.finalTrainLoss(none)));
        assertTrue(Double.isNaN(CellMetrics.finalTestLoss(none)));
    }
}
