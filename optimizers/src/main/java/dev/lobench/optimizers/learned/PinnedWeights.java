package dev.lobench.optimizers.learned;

import dev.lobench.tasks.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The SHA-256 of every shipped weights file, over the whole file (safetensors header with its provenance
 * metadata, and the data), pinned in the code: a shipped file whose bytes differ in any way, provenance included,
 * is refused. The {@code data_sha256} inside a file only covers the data section and cannot catch an edited header.
 *
 * <p>Shipping new weights: replace the file under {@code optimizers/src/main/resources/lobench/weights/} and put
 * its {@code sha256sum} on its line here (one line per file).
 */
public final class PinnedWeights {
    /** File name -> hex SHA-256 of the whole file. */
    public static final Map<String, String> SHA256 = Map.of(
            "star.safetensors", "c453eb28a15bbdb3efb05253cde4760282094b22bb492e73fecac0b1c18c346f",
            "small-fc.safetensors", "a79dae0b4cc5394488b1ba53d78802da1524363a2749a424bee178d4a0651257",
            "star-mlp128-o400.safetensors", "d89183baca8256875d28cda3b1a0b4b07727ab4dadb4f28526c983f659d53e0a",
            "small-fc-mlp128-o400.safetensors", "e3b273cb06719d6b68a85e5a74a5657aebcf0cb3e90ad96595325ae95e7770fe",
            "velo-style.safetensors", "510da9a7c2984a44494082d395732f9cff0a6f0a0a0ff3ba6a14f9cf56a4af1c",
            "star-fmnist8-v1.safetensors", "f18726938b11641bde7af207d54bad7dc78c199c87221fbc841dd4967ae4bd8d",
            "small-fc-fmnist8-v1.safetensors", "5cf2f24300ed73572bf1ecf9393a7fdb31b271d016bb8f41cb5f8c9dfe8b479a");

    private PinnedWeights() {}

    /**
     * The bytes of shipped weights {@code name} (resource {@code /lobench/weights/<name>.safetensors}) after
     * checking them against the pinned SHA-256; null when no such resource ships.
     *
     * @throws UserError when the file's SHA-256 is not the pinned one, or the file is not pinned
     */
    public static byte[] read(String name) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new UserError("invalid learned optimizer weights name '" + name + "'");
        }
        String res = LearnedOptimizers.shippedResource(name);
        byte[] bytes;
        try (InputStream in = PinnedWeights.class.getResourceAsStream(res)) {
            if (in == null) {
                return null;
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UserError("cannot read shipped weights " + res + ": " + dev.lobench.tasks.IoReason.of(e), e);
        }
        check(name + ".safetensors", bytes);
        return bytes;
    }

    /** Checks {@code bytes} against the pinned SHA-256 of shipped file {@code fileName}. */
    static void check(String fileName, byte[] bytes) {
        String pinned = SHA256.get(fileName);
        String actual = ThetaFiles.sha256(bytes);
        if (pinned == null) {
            throw new UserError("shipped weights " + fileName + " are not pinned by SHA-256 (" + actual
                    + "); add the file's line to PinnedWeights.SHA256");
        }
        if (!pinned.equalsIgnoreCase(actual)) {
            throw new UserError("shipped weights " + fileName + " were changed: their SHA-256 is " + actual
                    + ", lobench pins " + pinned + " (if these are new weights, update PinnedWeights.SHA256)");
        }
    }
}
