package dev.lobench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/github-actions/lobench.yml parses as YAML, has the shape of a workflow, and every {@code ./lobench} command
 * line in its steps names commands and options that exist (picocli parse; nothing is run).
 */
class WorkflowExampleTest {
    private static final Path WORKFLOW = Path.of("examples", "github-actions", "lobench.yml");

    @Test
    void everyLobenchCommandOfTheWorkflowParses() throws Exception {
        Path root = SelfContainedDocsTest.repositoryRoot();
        JsonNode wf = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(root.resolve(WORKFLOW)));
        assertTrue(wf.has("on") && wf.has("jobs"), "a workflow has 'on' and 'jobs'");
        List<String> commands = new ArrayList<>();
        List<String> uses = new ArrayList<>();
        for (JsonNode job : wf.get("jobs")) {
            assertTrue(job.path("runs-on").asText().startsWith("ubuntu-"), "a Debian-family runner");
            for (JsonNode step : job.get("steps")) {
                if (step.has("uses")) {
                    uses.add(step.get("uses").asText());
                }
                if (step.has("run")) {
                    commands.addAll(lobenchCommands(step.get("run").asText()));
                }
            }
        }
        assertTrue(uses.contains("actions/setup-java@v4") && uses.contains("actions/upload-artifact@v4"), uses.toString());
        for (String c : commands) {
            List<String> words = words(c);
            assertDoesNotThrow(() -> Main.commandLine().parseArgs(words.toArray(String[]::new)), c);
        }
        // data fetch, data --verify, run, report, ci check, and the confirmation's run and ci check
        assertEquals(7, commands.size(), commands.toString());
        assertTrue(commands.stream().anyMatch(c -> c.startsWith("ci check --baseline ci/baselines/smoke.json --junit ")),
                commands.toString());
        assertTrue(Files.isRegularFile(root.resolve("ci/baselines/smoke.json")));
    }

    /** The arguments after each "./lobench" of a shell script: continuations joined, cut at | > || && and comments. */
    static List<String> lobenchCommands(String script) {
        List<String> out = new ArrayList<>();
        for (String line : script.replaceAll("\\s*\\\\\\n\\s*", " ").split("\\n")) {
            String l = line.replaceAll("(^|\\s)#.*$", "");
            int at = l.indexOf("./lobench ");
            while (at >= 0) {
                String rest = l.substring(at + "./lobench ".length());
                String cmd = rest.split("\\s*(\\|\\||&&|\\||>|;)\\s*")[0].trim();
                out.add(cmd);
                at = l.indexOf("./lobench ", at + 1);
            }
        }
        return out;
    }

    /** Shell words of a command line: double quotes removed, $VARIABLES left as text (a path is a path). */
    static List<String> words(String cmd) {
        List<String> w = new ArrayList<>();
        for (String s : cmd.trim().split("\\s+")) {
            w.add(s.replace("\"", ""));
        }
        return w;
    }

    @Test
    void theExtractionFindsCommandsAndRefusesUnknownOptions() {
        List<String> c = lobenchCommands("x=1\n./lobench run --suite smoke -o \"$T/s\" | tee t.md  # comment\n"
                + "./lobench ci check --baseline b.json \\\n  --junit j.xml \"$T/s\" || gate=$?\n"
                + "# ./lobench commented out\n");
        assertEquals(List.of("run --suite smoke -o \"$T/s\"", "ci check --baseline b.json --junit j.xml \"$T/s\""), c);
        assertEquals(List.of("run", "--suite", "smoke", "-o", "$T/s"), words(c.get(0)));
        // the check in the test above can fail: an option that does not exist does not parse
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(picocli.CommandLine.ParameterException.class,
                () -> Main.commandLine().parseArgs("ci", "check", "--baseline", "b.json", "--markdown", "s.md", "r"))
                .getMessage().contains("--markdown"));
    }
}
