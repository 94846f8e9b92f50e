package dev.lobench.results;

/** One held-out evaluation during a run. NaN fields are written as null. */
public record EvalPoint(int step, double testLoss, double testAccuracy, double bitsPerByte) {}
