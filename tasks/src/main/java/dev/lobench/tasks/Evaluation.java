package dev.lobench.tasks;

/**
 * Held-out evaluation of a task instance. {@code accuracy} is NaN for tasks without a notion of accuracy;
 * {@code bitsPerByte} is NaN except for byte-level language models.
 */
public record Evaluation(double loss, double accuracy, double bitsPerByte) {
    public static Evaluation ofLoss(double loss) {
        return new Evaluation(loss, Double.NaN, Double.NaN);
    }
}
