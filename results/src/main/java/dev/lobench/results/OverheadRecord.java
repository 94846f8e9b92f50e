package dev.lobench.results;

/**
 * One per-step cost measurement of an overhead run ({@code lobench overhead}): one (task, optimizer, kind) JMH
 * benchmark. {@code type} is always {@code "overhead"}. Times are in milliseconds per step (SampleTime mode: the
 * median is the 50th percentile of the sampled step times; {@code errorMs} is the half-width of the 99.9% confidence
 * interval of the mean, as JMH reports it).
 *
 * @param kind {@link #OPTIMIZER_ONLY} (fixed random gradients, parameters updated in place), {@link #FULL_STEP}
 *     (batch + forward + backward + update) or {@link #CALIBRATION} (machine calibration, see
 *     {@link OverheadComparability})
 * @param task task name, {@code synthetic-<size>} for the optimizer-only synthetic shapes, or the calibration name
 * @param optimizer base optimizer name ({@code adam}, {@code star}): what ratios and joins key on
 * @param optimizerSpec the canonical spec that was measured, e.g. {@code star(weights=init:0)}
 * @param threads libtorch intra-op threads and fused-kernel threads of the measurement
 * @param stateBytes optimizer state bytes ({@code OptState.bytes()}), excluding parameters and learned weights
 * @param weightBytes the learned optimizer's own weights (theta size x 4 bytes); 0 for hand-designed optimizers
 * @param status {@code ok} or {@code error} (then {@code detail} says why and the times are NaN)
 */
public record OverheadRecord(
        String type,
        int schemaVersion,
        String kind,
        String task,
        String optimizer,
        String optimizerSpec,
        String device,
        int threads,
        long numParams,
        double medianMs,
        double meanMs,
        double errorMs,
        long samples,
        int forks,
        long stateBytes,
        long weightBytes,
        String status,
        String detail) {
    /**
     * The schema version of an overhead file (its header and records): 1. The results schema moved to 2 for cells
     * ({@link Schema#VERSION}); overhead records did not change.
     */
    public static final int SCHEMA_VERSION = 1;

    public static final String TYPE = "overhead";
    public static final String OPTIMIZER_ONLY = "optimizer-only";
    public static final String FULL_STEP = "full-step";
    public static final String CALIBRATION = "calibration";

    /** Optimizer-state bytes per parameter (Adam: 8). NaN without parameters. */
    public double stateBytesPerParam() {
        return numParams > 0 ? (double) stateBytes / numParams : Double.NaN;
    }

    /** Error of the mean relative to the mean (0.02 = 2%). */
    public double relativeError() {
        return meanMs > 0 ? errorMs / meanMs : Double.NaN;
    }

    public boolean ok() {
        return "ok".equals(status) && Double.isFinite(medianMs);
    }

    /** The base name of an optimizer spec: {@code adam(lr=0.001)} and {@code adam:lr=1e-3} give {@code adam}. */
    public static String baseName(String spec) {
        String s = spec.strip();
        int cut = s.length();
        int paren = s.indexOf('(');
        int colon = s.indexOf(':');
        if (paren >= 0) {
            cut = Math.min(cut, paren);
        }
        if (colon >= 0) {
            cut = Math.min(cut, colon);
        }
        return s.substring(0, cut).strip().toLowerCase(java.util.Locale.ROOT);
    }
}
