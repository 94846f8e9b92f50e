package dev.lobench.tasks.family;

/**
 * One axis along which a task differs from the meta-training task (an MLP on Fashion-MNIST, see
 * docs/learned-optimizers.md section 3), e.g. {@code OodInfo("data", "fortunes-de", "fortunes-en")}.
 *
 * @param axis     what differs: {@code architecture}, {@code data}, {@code size}, {@code loss-landscape}, ...
 * @param value    this task's value on that axis
 * @param baseline the meta-training task's value (or the family's in-distribution value) on that axis
 */
public record OodInfo(String axis, String value, String baseline) {
}
