package dev.lobench.results;

/**
 * Wall time of a run, split into forward+backward (data included) and optimizer update. Medians are over
 * steps after the first {@code warmupSteps}.
 */
public record Timing(
        double wallSeconds,
        double forwardBackwardSeconds,
        double updateSeconds,
        double evalSeconds,
        double medianStepMs,
        double medianForwardBackwardMs,
        double medianUpdateMs,
        int warmupSteps) {}
