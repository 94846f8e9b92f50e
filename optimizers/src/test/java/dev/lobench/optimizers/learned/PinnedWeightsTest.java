package dev.lobench.optimizers.learned;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lobench.tasks.UserError;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Issue 14 item 15: the whole shipped file is pinned, so an edited provenance byte is caught. */
class PinnedWeightsTest {

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = PinnedWeightsTest.class.getResourceAsStream(LearnedOptimizers.shippedResource(name))) {
            return in.readAllBytes();
        }
    }

    @Test
    void everyShippedFileIsPinnedAndMatches() throws Exception {
        Set<String> shipped = new TreeSet<>();
        try (Stream<Path> s = Files.list(Path.of("src/main/resources/lobench/weights"))) {
            s.forEach(p -> shipped.add(p.getFileName().toString()));
        }
        assertEquals(new TreeSet<>(PinnedWeights.SHA256.keySet()), shipped);
        for (String f : shipped) {
            assertEquals(PinnedWeights.SHA256.get(f), ThetaFiles.sha256(Files.readAllBytes(
                    Path.of("src/main/resources/lobench/weights", f))), f);
        }
        assertEquals(PinnedWeights.SHA256.get("star.safetensors"), LearnedOptimizers.shippedInfo("star").sha256());
    }

    @Test
    void aChangedProvenanceByteIsDetected() throws Exception {
        byte[] b = resource("star");
        String text = new String(b, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("lobench meta-train");
        assertTrue(at > 0);
        b[at + "lobench meta-trai".length()] = 'X';
        // the data section is untouched: the file's own data_sha256 check passes ...
        ThetaFiles.parse(b, "edited");
        // ... the pinned whole-file SHA-256 does not
        UserError e = assertThrows(UserError.class, () -> PinnedWeights.check("star.safetensors", b));
        assertTrue(e.getMessage().contains("star.safetensors were changed"), e.getMessage());
        assertThrows(UserError.class, () -> PinnedWeights.check("other.safetensors", resource("star")));
    }
}
