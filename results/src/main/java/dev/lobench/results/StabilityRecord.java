package dev.lobench.results;

/**
 * One line of a {@code stability.jsonl} file written by {@code lobench stability}: an optimizer at one curvature h of
 * the noisy quadratic {@code 1/2 h |phi - xi|^2} in {@code dim} coordinates, with both the linear prediction (spectral
 * radius of the joint (phi, state) map) and the empirical outcome of a long noisy run.
 *
 * @param type always {@value #TYPE}
 * @param optimizer canonical optimizer spec
 * @param identity optimizer identity (name plus weights hash for learned optimizers)
 * @param curvature h
 * @param dim coordinates, each with curvature h
 * @param noise target-noise standard deviation s
 * @param radius median spectral radius of the scaled finite-difference Jacobian over the probes
 * @param radiusMin smallest radius over the probes
 * @param radiusMax largest radius over the probes
 * @param eigenvalues eigenvalues [re, im] of the median probe's Jacobian
 * @param stateSize length of z = (phi, state)
 * @param linearisedAtStep noisy updates before the first probe (the burn-in, or less when it diverged)
 * @param burnInDiverged whether the burn-in diverged
 * @param tolerance the "stable" threshold is radius <= 1 + tolerance
 * @param predictedStable radius <= 1 + tolerance
 * @param steps horizon of the empirical run
 * @param outcome {@code completed} or {@code diverged} (non-finite loss, or noise-free loss > 10x the expected initial
 *     training loss: see dev.lobench.bench.stability.StabilityRunner#empirical)
 * @param detail why it diverged (null when completed)
 * @param divergedAtStep step of divergence (-1 when completed)
 * @param initialLoss expected initial training loss 1/2 h (|phi0|^2 + dim s^2), the divergence reference
 * @param finalLoss noise-free loss 1/2 h |phi|^2 at the end of the run (at divergence when diverged)
 * @param meanTrainLoss mean noisy training loss over the last 10% of the steps run
 * @param noiseFloor expected noise contribution to the training loss, 1/2 s^2 h dim
 */
public record StabilityRecord(String type, String optimizer, String identity, double curvature, int dim, double noise,
                              double radius, double radiusMin, double radiusMax, double[][] eigenvalues,
                              int stateSize, long linearisedAtStep, boolean burnInDiverged, double tolerance,
                              boolean predictedStable, int steps, String outcome, String detail, int divergedAtStep,
                              double initialLoss, double finalLoss, double meanTrainLoss, double noiseFloor) {
    public static final String TYPE = "stability";
    public static final String HEADER_TYPE = "stability-header";
    public static final String FILE = "stability.jsonl";

    public boolean diverged() {
        return "diverged".equals(outcome);
    }

    /** Whether the prediction and the empirical run agree (stable and completed, or unstable and diverged). */
    public boolean agrees() {
        return predictedStable != diverged();
    }
}
