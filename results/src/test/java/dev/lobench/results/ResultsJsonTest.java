package dev.lobench.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The non-finite rule of {@link ResultsJson} for {@code double[]} and {@code double[][]}: written null, read NaN. */
class ResultsJsonTest {

    @Test
    void nonFiniteDoubleArrayEntriesAreWrittenAsNullAndReadAsNaN() throws Exception {
        String json = ResultsJson.mapper().writeValueAsString(new double[][] {{1.5, Double.NaN},
            {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}});
        assertEquals("[[1.5,null],[null,null]]", json);
        double[][] back = ResultsJson.mapper().readValue(json, double[][].class);
        assertEquals(1.5, back[0][0]);
        assertTrue(Double.isNaN(back[0][1]) && Double.isNaN(back[1][0]) && Double.isNaN(back[1][1]));
        // the strings an older writer produced are still read
        assertArrayEquals(new double[] {Double.NaN, Double.POSITIVE_INFINITY, 2.0},
                ResultsJson.mapper().readValue("[\"NaN\", \"Infinity\", 2]", double[].class));
    }

    @Test
    void stabilityRecordWithNonFiniteEigenvaluesRoundTrips(@TempDir Path dir) throws Exception {
        // the burn-in diverged and the Jacobian was not finite: Eigen gives NaN eigenvalues
        StabilityRecord r = new StabilityRecord(StabilityRecord.TYPE, "sgd(lr=10)", "sgd(lr=10)", 30, 1, 1,
                Double.NaN, Double.NaN, Double.NaN, new double[][] {{Double.NaN, Double.NaN}}, 1, 3, true, 1e-3, false,
                20, "diverged", "non-finite loss after step 2", 2, 1.5, Double.NaN, Double.NaN, 0.5 * 30);
        Path f = dir.resolve(StabilityRecord.FILE);
        StabilityStore.write(f, Map.of("curvatures", new double[] {30}), List.of(r));
        String line = Files.readAllLines(f).get(1);
        assertTrue(line.contains("\"eigenvalues\":[[null,null]]"), line);
        assertFalse(line.contains("NaN"), line);
        StabilityRecord back = StabilityStore.read(f).records().get(0);
        assertEquals(1, back.eigenvalues().length);
        assertTrue(Double.isNaN(back.eigenvalues()[0][0]) && Double.isNaN(back.eigenvalues()[0][1]));
        assertTrue(Double.isNaN(back.radius()));
        assertEquals(2, back.divergedAtStep());
    }
}
