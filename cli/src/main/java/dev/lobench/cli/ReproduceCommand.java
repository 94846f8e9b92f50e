package dev.lobench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lobench.results.PaperClaims;
import dev.lobench.tasks.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"Print the claims of 'A Closer Look at Learned Optimization' (Harrison, Metz, Sohl-Dickstein 2022) "
                + "against lobench's committed records: claim, measured value with its spread over meta-seeds, verdict "
                + "by a stated rule, and the records and command behind it.",
            "--live C1,C5 reruns the cheap claims (C1 stability on the noisy quadratic, C5 per-step cost) now and uses "
                + "the fresh records for them."})
final class ReproduceCommand implements Callable<Integer> {
    static final List<String> LIVE = List.of("C1", "C5");

    @Option(names = "--manifest", paramLabel = "FILE",
            description = "Claims manifest (default: experiments/paper-claims.json of this lobench checkout).")
    Path manifest;

    @Option(names = "--format", defaultValue = "md", description = "md or html (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write the table as a self-contained HTML file.")
    Path html;

    @Option(names = "--live", split = ",", paramLabel = "ID",
            description = "Rerun these claims now instead of reading their records: C1 (about a minute), C5 (a few minutes).")
    List<String> live = new ArrayList<>();

    @Option(names = "--live-dir", paramLabel = "DIR",
            description = "Where live reruns write their records (default: lobench-runs/<timestamp>-reproduce).")
    Path liveDir;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("md") && !format.equals("html")) {
            throw new UserError("--format must be md or html, got '" + format + "'");
        }
        Path m = manifest != null ? manifest : defaultManifest();
        if (!Files.isRegularFile(m)) {
            throw new UserError("claims manifest " + m + ": no such file" + (manifest == null
                    ? " (run from a lobench checkout or pass --manifest)" : ""));
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(m, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UserError("claims manifest " + m + ": not valid JSON (" + e.getMessage().split("\n")[0] + ")");
        }
        if (root == null || !root.path("claims").isArray()) {
            throw new UserError("claims manifest " + m + ": expected an object with a 'claims' array");
        }
        for (String id : live) {
            if (!LIVE.contains(id.toUpperCase(Locale.ROOT))) {
                throw new UserError("--live: only " + String.join(", ", LIVE) + " can be rerun live, got '" + id + "'");
            }
        }
        Map<String, List<Path>> override = new LinkedHashMap<>();
        if (!live.isEmpty()) {
            Path dir = liveDir != null ? liveDir : Path.of("lobench-runs",
                    java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                            + "-reproduce");
            for (String id : live) {
                String u = id.toUpperCase(Locale.ROOT);
                Path out = dir.resolve(u.toLowerCase(Locale.ROOT));
                String[] args = u.equals("C1")
                        ? new String[] {"stability", "--optimizer", "sgd,adam,star,small-fc", "--out", out.toString()}
                        : new String[] {"overhead", "--quick", "--tasks", "synthetic-100k", "--optimizers",
                            "adam,star,small-fc", "--out", out.toString()};
                System.err.println("lobench reproduce: rerunning " + u + ": lobench " + String.join(" ", args));
                int rc = Main.commandLine().execute(args);
                if (rc != 0) {
                    System.err.println("lobench reproduce: the live rerun of " + u + " failed (exit " + rc + ")");
                    return rc;
                }
                override.put(u, List.of(out));
            }
        }
        Path abs = m.toAbsolutePath().normalize();
        Path base = abs.getParent().getParent() != null ? abs.getParent().getParent() : abs.getParent();
        List<PaperClaims.Row> rows = new ArrayList<>();
        for (JsonNode c : root.path("claims")) {
            rows.add(PaperClaims.evaluate(c, base, override));
        }
        System.out.print(format.equals("html") ? PaperClaims.html(rows) : PaperClaims.markdown(rows));
        if (html != null) {
            Path parent = html.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(html, PaperClaims.html(rows), StandardCharsets.UTF_8);
            System.err.println("html: " + html.toAbsolutePath());
        }
        return 0;
    }

    static Path defaultManifest() {
        String home = System.getProperty("lobench.home");
        Path root = home != null ? Path.of(home) : Path.of("");
        return root.resolve("experiments").resolve("paper-claims.json");
    }
}
