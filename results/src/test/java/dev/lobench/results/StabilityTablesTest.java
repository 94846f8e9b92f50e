package dev.lobench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stability records in every report format: each format's own table syntax, and CSV that reads back. */
class StabilityTablesTest {
    private static StabilityRecord rec(String opt, double h, double radius, boolean diverged, double finalLoss) {
        return new StabilityRecord(StabilityRecord.TYPE, opt, opt, h, 1, 1.0, radius, radius * 0.9, radius * 1.1,
                new double[0][], 2, 1000, false, 1e-3, radius <= 1.001, 2000, diverged ? "diverged" : "completed",
                null, diverged ? 17 : -1, 1.0, finalLoss, Double.NaN, h / 2);
    }

    private static List<StabilityRecord> records() {
        List<StabilityRecord> l = new ArrayList<>();
        for (String opt : new String[] {"sgd(lr=0.1,momentum=0.9)", "a_b|c"}) {
            l.add(rec(opt, 0.01, 0.99, false, 1e-4));
            l.add(rec(opt, 100, 9.0, true, Double.POSITIVE_INFINITY));
        }
        return l;
    }

    @Test
    void csvReadsBackAsTheRecords() {
        List<StabilityRecord> rs = records();
        List<List<String>> rows = TextTableTest.parseCsv(StabilityTables.render(rs, FullReport.Format.CSV));
        assertEquals(List.of(StabilityTables.CSV_HEADER.split(",")), rows.get(0));
        assertEquals(rs.size() + 1, rows.size());
        for (int i = 0; i < rs.size(); i++) {
            StabilityRecord r = rs.get(i);
            List<String> f = rows.get(i + 1);
            assertEquals(r.optimizer(), f.get(0));
            assertEquals(r.curvature(), Double.parseDouble(f.get(1)));
            assertEquals(r.radiusMax(), Double.parseDouble(f.get(4)));
            assertEquals(Boolean.toString(r.predictedStable()), f.get(5));
            assertEquals(r.outcome(), f.get(6));
            assertEquals(r.finalLoss(), Double.parseDouble(f.get(8)));
            assertEquals("", f.get(9)); // NaN mean train loss: empty
        }
    }

    @Test
    void latexIsLatexThroughout() {
        String tex = StabilityTables.render(records(), FullReport.Format.LATEX);
        assertFalse(tex.contains("###") || tex.contains("| ---") || tex.contains("|---"), tex);
        // one tabular per optimizer, one for the summary
        assertEquals(3, tex.split("\\\\begin\\{tabular\\}", -1).length - 1);
        assertTrue(tex.contains("a\\_b\\textbar{}c"), tex);
        for (String line : tex.split("\n")) {
            assertFalse(line.startsWith("|"), line);
            if (line.contains(" & ")) {
                assertTrue(line.endsWith(" \\\\"), line);
            }
        }
    }

    @Test
    void markdownAndLatexShowTheSameCells() {
        List<StabilityRecord> rs = records();
        String md = StabilityTables.render(rs, FullReport.Format.MARKDOWN);
        String tex = StabilityTables.render(rs, FullReport.Format.LATEX);
        for (StabilityRecord r : rs) {
            String radius = String.format(java.util.Locale.ROOT, "%.4f", r.radius());
            assertTrue(md.contains("| " + radius + " |") && tex.contains(" & " + radius + " & "), radius);
        }
        assertTrue(md.contains("diverged@17") && tex.contains("diverged@17"));
        assertEquals(2, md.split("\n### ", -1).length - 1 + (md.startsWith("### ") ? 1 : 0) - 1);
    }
}
