package dev.lobench.results;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per optimizer (and noise, dim): the curvature range it is predicted stable on and the range its runs completed on.
 * "Stable range" = the smallest and largest curvature of the grid with radius <= 1 + tolerance (with the number of
 * such grid points, since the set need not be an interval); likewise for completed runs; "agree" = grid points where
 * prediction and run agree (stable and completed, or unstable and diverged).
 */
public final class StabilitySummary {
    private StabilitySummary() {}

    public record Row(String optimizer, double noise, int dim, int points, int predictedStable, double stableMin,
                      double stableMax, int completed, double completedMin, double completedMax, int agree) {}

    public static List<Row> rows(List<StabilityRecord> records) {
        Map<String, List<StabilityRecord>> groups = new LinkedHashMap<>();
        for (StabilityRecord r : records) {
            groups.computeIfAbsent(r.optimizer() + "\u0000" + r.noise() + "\u0000" + r.dim(), k -> new ArrayList<>())
                    .add(r);
        }
        List<Row> out = new ArrayList<>();
        for (List<StabilityRecord> g : groups.values()) {
            int ps = 0;
            int done = 0;
            int agree = 0;
            double sMin = Double.NaN;
            double sMax = Double.NaN;
            double cMin = Double.NaN;
            double cMax = Double.NaN;
            for (StabilityRecord r : g) {
                if (r.predictedStable()) {
                    ps++;
                    sMin = Double.isNaN(sMin) ? r.curvature() : Math.min(sMin, r.curvature());
                    sMax = Double.isNaN(sMax) ? r.curvature() : Math.max(sMax, r.curvature());
                }
                if (!r.diverged()) {
                    done++;
                    cMin = Double.isNaN(cMin) ? r.curvature() : Math.min(cMin, r.curvature());
                    cMax = Double.isNaN(cMax) ? r.curvature() : Math.max(cMax, r.curvature());
                }
                if (r.agrees()) {
                    agree++;
                }
            }
            StabilityRecord f = g.get(0);
            out.add(new Row(f.optimizer(), f.noise(), f.dim(), g.size(), ps, sMin, sMax, done, cMin, cMax, agree));
        }
        return out;
    }
}
