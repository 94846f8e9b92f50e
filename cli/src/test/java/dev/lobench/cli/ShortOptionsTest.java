package dev.lobench.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The short options (-o for --out, -t for --task/--tasks) parse to the same values as their long forms in every
 * command that has them, and no command gains a short option without a case here. Parsing only (picocli's
 * parseArgs): no command is run.
 */
class ShortOptionsTest {

    /** The short names lobench uses and the long names each may stand for, the same in every command. */
    private static final Map<String, Set<String>> SHORT = Map.of(
            "-h", Set.of("--help"),
            "-V", Set.of("--version"),
            "-o", Set.of("--out"),
            "-t", Set.of("--task", "--tasks"));

    /** Per command (qualified name without "lobench"): a long-form command line that parses. */
    private static final Map<String, List<String>> CASES = new LinkedHashMap<>();

    static {
        CASES.put("run", List.of("run", "--task", "fmnist8-mlp32,quadratic-d100-k100", "--optimizer", "adam", "--seeds",
                "2", "--out", "runs/a"));
        CASES.put("ci baseline", List.of("ci", "baseline", "runs/a", "--out", "ci/baselines/x.json"));
        CASES.put("conformance", List.of("conformance", "--optimizer", "star", "--trace", "t.json", "--out", "o.json"));
        CASES.put("lopt import", List.of("lopt", "import", "velo", "velo.safetensors", "--out", "v.safetensors"));
        CASES.put("merge", List.of("merge", "runs/s1", "runs/s2", "--out", "runs/m"));
        CASES.put("export curves", List.of("export", "curves", "runs/a", "runs/b.jsonl.gz", "--out", "curves.csv"));
        CASES.put("meta-train", List.of("meta-train", "--arch", "star", "--task", "fmnist8-mlp32,fmnist-mlp128x128",
                "--outer-steps", "10", "--out", "star.safetensors"));
        CASES.put("meta-bench", List.of("meta-bench", "--task", "fmnist-mlp128x128", "--steps", "5"));
        CASES.put("overhead", List.of("overhead", "--tasks", "fmnist8-mlp32,synthetic-10k", "--quick", "--out",
                "runs/o"));
        CASES.put("stability", List.of("stability", "--optimizer", "sgd,adam", "--out", "runs/s"));
    }

    @Test
    void shortAndLongFormsParseToTheSameValues() {
        for (Map.Entry<String, List<String>> c : CASES.entrySet()) {
            List<String> longForm = c.getValue();
            CommandSpec spec = leaf(Main.commandLine().parseArgs(longForm.toArray(String[]::new))).commandSpec();
            List<String> shortForm = new ArrayList<>();
            for (String a : longForm) {
                OptionSpec o = a.startsWith("--") ? spec.findOption(a) : null;
                shortForm.add(o != null && !o.shortestName().equals(a) ? o.shortestName() : a);
            }
            assertNotEquals(longForm, shortForm, c.getKey() + ": the case uses no option that has a short name");
            assertEquals(parsedValues(longForm), parsedValues(shortForm), c.getKey() + ": " + shortForm);
        }
    }

    @Test
    void attachedShortValuesParseToo() {
        // POSIX style: -oDIR and -tA,B are the same as -o DIR and -t A,B
        assertEquals(parsedValues(List.of("run", "--task", "a,b", "--out", "runs/x")),
                parsedValues(List.of("run", "-ta,b", "-oruns/x")));
    }

    @Test
    void everyShortOptionHasACaseAndOneMeaning() {
        Map<String, List<String>> found = new TreeMap<>();
        walk(Main.commandLine(), "", found);
        for (Map.Entry<String, List<String>> e : found.entrySet()) {
            String command = e.getKey().substring(0, e.getKey().indexOf('|'));
            String shortName = e.getKey().substring(e.getKey().indexOf('|') + 1);
            Set<String> allowed = SHORT.get(shortName);
            if (allowed == null) {
                fail("lobench " + command + ": short option " + shortName + " " + e.getValue()
                        + " is not one of " + SHORT.keySet() + "; add it to SHORT (one meaning in every command)");
            }
            for (String longName : e.getValue()) {
                assertTrue(allowed.contains(longName), "lobench " + command + ": " + shortName + " stands for "
                        + longName + ", elsewhere for " + allowed);
            }
            if (!shortName.equals("-h") && !shortName.equals("-V")) {
                List<String> c = CASES.get(command);
                assertTrue(c != null && e.getValue().stream().anyMatch(c::contains),
                        "lobench " + command + ": " + shortName + " has no case in CASES");
            }
        }
        assertTrue(found.keySet().stream().anyMatch(k -> k.endsWith("|-o")), found.toString());
    }

    /** "command|-x" -> the long names of the options with short name -x in that command, over the whole tree. */
    private static void walk(CommandLine cl, String prefix, Map<String, List<String>> found) {
        String name = prefix.isEmpty() ? "" : prefix;
        for (OptionSpec o : cl.getCommandSpec().options()) {
            List<String> names = Arrays.asList(o.names());
            String shortName = names.stream().filter(n -> !n.startsWith("--")).findFirst().orElse(null);
            if (shortName != null) {
                String longName = names.stream().filter(n -> n.startsWith("--")).findFirst().orElse("(none)");
                found.computeIfAbsent((name.isEmpty() ? "lobench" : name) + "|" + shortName, k -> new ArrayList<>())
                        .add(longName);
            }
        }
        for (Map.Entry<String, CommandLine> s : cl.getSubcommands().entrySet()) {
            walk(s.getValue(), (prefix.isEmpty() ? "" : prefix + " ") + s.getKey(), found);
        }
    }

    private static ParseResult leaf(ParseResult r) {
        while (r.subcommand() != null) {
            r = r.subcommand();
        }
        return r;
    }

    /** Every option's and positional parameter's value after parsing {@code args}, keyed by longest name. */
    private static Map<String, String> parsedValues(List<String> args) {
        ParseResult r = leaf(Main.commandLine().parseArgs(args.toArray(String[]::new)));
        Map<String, String> v = new TreeMap<>();
        for (OptionSpec o : r.commandSpec().options()) {
            v.put(o.longestName(), deepString(o.getValue()));
        }
        for (PositionalParamSpec p : r.commandSpec().positionalParameters()) {
            v.put("#" + p.index(), deepString(p.getValue()));
        }
        v.put("(command)", r.commandSpec().qualifiedName());
        return v;
    }

    private static String deepString(Object o) {
        return o instanceof Object[] a ? Arrays.deepToString(a) : Objects.toString(o);
    }
}
