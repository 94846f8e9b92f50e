package dev.lobench.bench;

import dev.lobench.tasks.Task;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;

/**
 * One cell of a suite: a task, an optimizer spec, a seed and a step budget. {@code evalEvery} is the test-set
 * evaluation period (evaluations also happen at step 0 and at the end).
 */
public record CellSpec(Task task, String optimizer, long seed, int steps, int evalEvery, String optimizerIdentity) {

    public CellSpec(Task task, String optimizer, long seed, int steps, int evalEvery) {
        this(task, optimizer, seed, steps, evalEvery, optimizer);
    }

    public String label() {
        return task.name() + " " + optimizer + " seed " + seed;
    }

    /**
     * Stable key: a hash of the task definition, the optimizer identity (its spec, plus the SHA-256 of learned
     * weights when there are any), the seed, the steps and the lobench version. Resume skips cells whose key
     * already has a record.
     */
    public String key(String lobenchVersion) {
        String text = task.family() + "|" + task.name() + "|" + new TreeMap<>(task.parameters()) + "|"
                + optimizerIdentity + "|" + seed + "|" + steps + "|" + evalEvery + "|" + lobenchVersion;
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
