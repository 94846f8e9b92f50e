package dev.lobench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module graph {@code tasks <- optimizers <- meta, bench; bench -> results <- ci <- cli; cli -> meta}
 * (docs/architecture.md) and the absence of import cycles between packages, checked on the main sources and the
 * module poms. A reference is any {@code dev.lobench.x.y.Type} in code (imports and fully qualified names; comments
 * and string literals are left out), so a cycle cannot hide behind a fully qualified name.
 */
class ArchitectureTest {
    /** Modules and the lobench modules each may declare in its pom. */
    static final Map<String, Set<String>> POM_DEPENDENCIES = Map.of(
            "tasks", Set.of(),
            "optimizers", Set.of("tasks"),
            "meta", Set.of("optimizers", "tasks"),
            "results", Set.of(),
            "bench", Set.of("optimizers", "results"),
            "ci", Set.of("results"),
            "cli", Set.of("bench", "ci", "meta"));

    private static final Pattern REF = Pattern.compile("\\bdev\\.lobench(?:\\.[a-z_][a-z0-9_]*)+(?:\\.[A-Z]\\w*)?");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");
    private static final Pattern MODULE = Pattern.compile("<module>([a-z]+)</module>");
    private static final Pattern DEP = Pattern.compile(
            "<dependency>\\s*(?:<!--(?:(?!-->).)*-->\\s*)?<groupId>dev\\.lobench</groupId>\\s*"
                    + "<artifactId>lobench-([a-z]+)</artifactId>(.*?)</dependency>", Pattern.DOTALL);

    /** Package -> lobench packages its main sources refer to (other than itself). */
    static Map<String, Set<String>> packageGraph(Path root) throws IOException {
        Map<String, Set<String>> g = new TreeMap<>();
        for (String module : POM_DEPENDENCIES.keySet()) {
            Path src = root.resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(src)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String code = stripCommentsAndStrings(Files.readString(f));
                    Matcher pm = PACKAGE.matcher(code);
                    if (!pm.find()) {
                        throw new IllegalStateException(f + ": no package declaration");
                    }
                    String pkg = pm.group(1);
                    Set<String> refs = g.computeIfAbsent(pkg, k -> new TreeSet<>());
                    Matcher m = REF.matcher(code);
                    while (m.find()) {
                        String q = packageOf(m.group());
                        if (!q.equals(pkg) && !m.group().equals(pkg)) {
                            refs.add(q);
                        }
                    }
                }
            }
        }
        return g;
    }

    /** {@code dev.lobench.a.b} of {@code dev.lobench.a.b.Type} (or of a package name itself). */
    static String packageOf(String ref) {
        StringBuilder sb = new StringBuilder();
        for (String part : ref.split("\\.")) {
            if (Character.isUpperCase(part.charAt(0))) {
                break;
            }
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(part);
        }
        return sb.toString();
    }

    static String moduleOf(String pkg) {
        String[] parts = pkg.split("\\.");
        return parts.length > 2 ? parts[2] : "";
    }

    /** Replaces comments and string/char literals by spaces (keeps line structure irrelevant here). */
    static String stripCommentsAndStrings(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                while (i < n && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && s.charAt(i) != c) {
                    i += s.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
                out.append("\"\"");
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Allowed module edges: the transitive closure of {@link #POM_DEPENDENCIES}. */
    static Map<String, Set<String>> allowedModuleEdges() {
        Map<String, Set<String>> closure = new HashMap<>();
        for (String m : POM_DEPENDENCIES.keySet()) {
            Set<String> seen = new TreeSet<>();
            Deque<String> todo = new ArrayDeque<>(POM_DEPENDENCIES.get(m));
            while (!todo.isEmpty()) {
                String d = todo.pop();
                if (seen.add(d)) {
                    todo.addAll(POM_DEPENDENCIES.get(d));
                }
            }
            closure.put(m, seen);
        }
        return closure;
    }

    /** "a -> b (module x -> y)" for every package reference crossing modules outside the allowed graph. */
    static List<String> moduleViolations(Map<String, Set<String>> g) {
        Map<String, Set<String>> allowed = allowedModuleEdges();
        List<String> bad = new ArrayList<>();
        g.forEach((p, refs) -> {
            String mp = moduleOf(p);
            for (String q : refs) {
                String mq = moduleOf(q);
                if (!mp.equals(mq) && !allowed.getOrDefault(mp, Set.of()).contains(mq)) {
                    bad.add(p + " -> " + q + " (module " + mp + " -> " + mq + ")");
                }
            }
        });
        return bad;
    }

    /** Strongly connected components of more than one package (Tarjan), each sorted. */
    static List<Set<String>> cycles(Map<String, Set<String>> g) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new java.util.HashSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = {0};
        Set<String> nodes = new TreeSet<>(g.keySet());
        g.values().forEach(nodes::addAll);
        for (String v : nodes) {
            if (!index.containsKey(v)) {
                strongConnect(v, g, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void strongConnect(String v, Map<String, Set<String>> g, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : g.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                strongConnect(w, g, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> comp = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                comp.add(w);
            } while (!w.equals(v));
            if (comp.size() > 1) {
                out.add(comp);
            }
        }
    }

    /** The edges inside a cycle, for a readable failure message. */
    static String describe(Set<String> cycle, Map<String, Set<String>> g) {
        StringBuilder sb = new StringBuilder();
        for (String p : cycle) {
            for (String q : g.getOrDefault(p, Set.of())) {
                if (cycle.contains(q)) {
                    sb.append("\n  ").append(p).append(" -> ").append(q);
                }
            }
        }
        return sb.toString();
    }

    /**
     * Each module's pom declares exactly its lobench dependencies of the graph; a test-scoped one (the test helpers of
     * another module, {@code <type>test-jar</type>}) may only name a module it already depends on.
     */
    @Test
    void pomDependenciesFollowTheModuleGraph() throws IOException {
        Path root = SelfContainedDocsTest.repositoryRoot();
        Map<String, Set<String>> allowed = allowedModuleEdges();
        for (Map.Entry<String, Set<String>> e : POM_DEPENDENCIES.entrySet()) {
            String pom = Files.readString(root.resolve(e.getKey()).resolve("pom.xml"));
            Set<String> declared = new TreeSet<>();
            Set<String> testOnly = new TreeSet<>();
            Matcher m = DEP.matcher(pom);
            while (m.find()) {
                (m.group(2).contains("<scope>test</scope>") ? testOnly : declared).add(m.group(1));
            }
            assertEquals(new TreeSet<>(e.getValue()), declared, e.getKey() + "/pom.xml lobench dependencies");
            assertTrue(allowed.get(e.getKey()).containsAll(testOnly),
                    e.getKey() + "/pom.xml test dependencies " + testOnly + " outside " + allowed.get(e.getKey()));
        }
    }

    @Test
    void everyModuleOfTheBuildIsInTheGraph() throws IOException {
        String pom = Files.readString(SelfContainedDocsTest.repositoryRoot().resolve("pom.xml"));
        Set<String> modules = new TreeSet<>();
        Matcher m = MODULE.matcher(pom);
        while (m.find()) {
            modules.add(m.group(1));
        }
        assertEquals(new TreeSet<>(POM_DEPENDENCIES.keySet()), modules, "pom.xml <modules>");
    }

    @Test
    void sourcesFollowTheModuleGraphAndHaveNoPackageCycle() throws IOException {
        Map<String, Set<String>> g = packageGraph(SelfContainedDocsTest.repositoryRoot());
        assertTrue(g.keySet().containsAll(Set.of("dev.lobench.tasks", "dev.lobench.optimizers.learned",
                "dev.lobench.meta", "dev.lobench.cli")), g.keySet().toString());
        assertEquals(List.of(), moduleViolations(g), "module edges outside " + POM_DEPENDENCIES);
        List<String> bad = new ArrayList<>();
        for (Set<String> c : cycles(g)) {
            bad.add("package cycle " + c + describe(c, g));
        }
        assertEquals(List.of(), bad);
    }

    @Test
    void theChecksFindACycleAFullyQualifiedReferenceAndAForbiddenEdge() {
        String a = "package dev.lobench.optimizers;\n/* dev.lobench.bench.Ignored in a comment */\n"
                + "class A { Object x = dev.lobench.optimizers.learned.B.make(); String s = \"dev.lobench.ci.C\"; }";
        String code = stripCommentsAndStrings(a);
        Matcher m = REF.matcher(code);
        List<String> refs = new ArrayList<>();
        while (m.find()) {
            refs.add(packageOf(m.group()));
        }
        assertEquals(List.of("dev.lobench.optimizers", "dev.lobench.optimizers.learned"), refs);

        Map<String, Set<String>> g = new TreeMap<>();
        g.put("dev.lobench.optimizers", Set.of("dev.lobench.optimizers.learned", "dev.lobench.tasks"));
        g.put("dev.lobench.optimizers.learned", Set.of("dev.lobench.optimizers", "dev.lobench.results"));
        g.put("dev.lobench.results", Set.of());
        g.put("dev.lobench.tasks", Set.of());
        assertEquals(List.of(Set.of("dev.lobench.optimizers", "dev.lobench.optimizers.learned")), cycles(g));
        assertEquals(List.of("dev.lobench.optimizers.learned -> dev.lobench.results (module optimizers -> results)"),
                moduleViolations(g));
    }
}
