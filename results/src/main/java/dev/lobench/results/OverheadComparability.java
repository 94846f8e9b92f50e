package dev.lobench.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * When timings from two runs may be compared. Every overhead run stores calibration benchmarks (a fixed-size matmul
 * and an Adam step on 100k parameters, see the bench module's CalibrationBenchmark). Two overhead runs are
 * <b>incomparable</b> when any of these holds:
 * <ul>
 *   <li>the CPU models differ, or the thread counts differ, or the devices differ;</li>
 *   <li>a calibration benchmark is missing from either run;</li>
 *   <li>a calibration benchmark's median differs by more than {@link #MAX_CALIBRATION_RATIO} (slower / faster &gt;
 *       1.25, i.e. more than 25%): the same machine under a different load, allocator or JVM setting.</li>
 * </ul>
 * A quality run and an overhead run are "the same machine" when CPU model and thread count agree (quality runs carry
 * no calibration).
 */
public final class OverheadComparability {
    public static final double MAX_CALIBRATION_RATIO = 1.25;

    private OverheadComparability() {}

    /** Reasons the two overhead runs' timings are incomparable; empty when they are comparable. */
    public static List<String> incomparable(OverheadRun a, OverheadRun b) {
        List<String> why = new ArrayList<>(differentMachine(a.header(), b.header()));
        String devA = device(a);
        String devB = device(b);
        if (!devA.equals(devB)) {
            why.add("device " + devA + " vs " + devB);
        }
        List<OverheadRecord> ca = a.calibration();
        List<OverheadRecord> cb = b.calibration();
        if (ca.isEmpty() || cb.isEmpty()) {
            why.add("calibration missing in " + (ca.isEmpty() ? a.path() : b.path()));
            return why;
        }
        for (OverheadRecord x : ca) {
            Optional<OverheadRecord> y = cb.stream().filter(r -> r.optimizer().equals(x.optimizer())).findFirst();
            if (y.isEmpty() || !x.ok() || !y.get().ok()) {
                why.add("calibration " + x.optimizer() + " missing or failed in one run");
                continue;
            }
            double r = calibrationRatio(x.medianMs(), y.get().medianMs());
            if (r > MAX_CALIBRATION_RATIO) {
                why.add(String.format(Locale.ROOT, "calibration %s %.4g ms vs %.4g ms (x%.2f > %.2f)", x.optimizer(),
                        x.medianMs(), y.get().medianMs(), r, MAX_CALIBRATION_RATIO));
            }
        }
        return why;
    }

    /** slower / faster (>= 1). */
    public static double calibrationRatio(double msA, double msB) {
        return Math.max(msA, msB) / Math.min(msA, msB);
    }

    /** CPU model / thread count differences between two run headers; empty when they agree. */
    public static List<String> differentMachine(RunHeader a, RunHeader b) {
        List<String> why = new ArrayList<>();
        if (!Objects.equals(a.cpuModel(), b.cpuModel())) {
            why.add("CPU '" + a.cpuModel() + "' vs '" + b.cpuModel() + "'");
        }
        if (a.threads() != b.threads()) {
            why.add("threads " + a.threads() + " vs " + b.threads());
        }
        return why;
    }

    private static String device(OverheadRun r) {
        Object d = r.header().extra() == null ? null : r.header().extra().get("device");
        return d == null ? "cpu" : d.toString();
    }
}
