package dev.lobench.optimizers;

import dev.lobench.tasks.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plug-ins compiled and jarred at test time, so they are loaded from the jar and not from the test class path. */
class PluginsTest {

    private static String pluginSource(String pkg, String optimizerName) {
        return "package " + pkg + ";\n"
                + "import dev.lobench.optimizers.*;\n"
                + "import java.util.*;\n"
                + "public final class P implements OptimizerPlugin {\n"
                + "  public List<Definition> optimizers() {\n"
                + "    Map<String, String> d = new LinkedHashMap<>(); d.put(\"lr\", \"0.5\"); d.put(\"wd\", \"0\");\n"
                + "    return List.of(new Definition(\"" + optimizerName + "\", \"test plug-in\", d,\n"
                + "        hp -> new Sgd(hp.canonicalName(), hp.positive(\"lr\"), 0, 0, hp.nonNegative(\"wd\"), false,\n"
                + "                      Schedule.constant())));\n"
                + "  }\n"
                + "}\n";
    }

    /** Compiles {@code pkg.P} and writes a jar with it and, if {@code withService}, its services file. */
    private static Path pluginJar(Path dir, String pkg, String optimizerName, boolean withService) throws IOException {
        Path src = dir.resolve("src/" + pkg + "/P.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, pluginSource(pkg, optimizerName));
        Path classes = dir.resolve("classes-" + pkg);
        Files.createDirectories(classes);
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, err, err, "-cp", cp, "-d", classes.toString(), src.toString());
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        Path jar = dir.resolve(pkg + ".jar");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                jos.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                jos.write(Files.readAllBytes(f));
                jos.closeEntry();
            }
            if (withService) {
                jos.putNextEntry(new JarEntry("META-INF/services/" + OptimizerPlugin.class.getName()));
                jos.write((pkg + ".P\n").getBytes(StandardCharsets.UTF_8));
                jos.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void loadsAPluginJarIntoTheRegistry(@TempDir Path dir) throws IOException {
        Path jar = pluginJar(dir, "plugone", "plug-sgd", true);
        assertFalse(OptimizerRegistry.names().contains("plug-sgd"));
        assertEquals(List.of("plug-sgd"), Plugins.load(List.of(jar), "--plugins"));
        Optimizer o = OptimizerRegistry.create("plug-sgd:lr=0.25,wd=0.1");
        assertEquals("plug-sgd(lr=0.25,wd=0.1)", o.name());
        assertTrue(o instanceof Sgd);
        assertEquals("plugin plugone.jar", OptimizerRegistry.origin("plug-sgd").orElseThrow());
        assertTrue(OptimizerRegistry.origin("adam").isEmpty());
        assertTrue(OptimizerRegistry.withLearningRate().contains("plug-sgd"));
        assertTrue(Plugins.loaded().contains(jar.toAbsolutePath().normalize()));
        assertTrue(System.getProperty(Plugins.PROPERTY).contains("plugone.jar"));
        // the same jar again (e.g. from --plugins and LOBENCH_PLUGINS) is not registered twice
        assertEquals(List.of(), Plugins.load(List.of(jar), "--plugins"));
        // bad spec values are the registry's usual one-line errors
        UserError e = assertThrows(UserError.class, () -> OptimizerRegistry.create("plug-sgd:lr=-1"));
        assertTrue(e.getMessage().contains("lr must be"), e.getMessage());
    }

    @Test
    void aDirectoryStandsForItsJars(@TempDir Path dir) throws IOException {
        Path jarDir = dir.resolve("plugins");
        Files.createDirectories(jarDir);
        Path jar = pluginJar(dir, "plugdir", "plug-dir-sgd", true);
        Files.move(jar, jarDir.resolve(jar.getFileName()));
        assertEquals(List.of("plug-dir-sgd"), Plugins.load(List.of(jarDir), "--plugins"));
        assertTrue(OptimizerRegistry.names().contains("plug-dir-sgd"));
    }

    @Test
    void refusesTakenNamesMissingFilesAndJarsWithoutAPlugin(@TempDir Path dir) throws IOException {
        Path clash = pluginJar(dir, "plugclash", "adam", true);
        UserError e = assertThrows(UserError.class, () -> Plugins.load(List.of(clash), "--plugins"));
        assertTrue(e.getMessage().contains("'adam' is already taken by a built-in optimizer"), e.getMessage());

        Path none = pluginJar(dir, "plugnone", "plug-none", false);
        e = assertThrows(UserError.class, () -> Plugins.load(List.of(none), "--plugins"));
        assertTrue(e.getMessage().contains("declares no optimizer plug-in"), e.getMessage());
        assertFalse(OptimizerRegistry.names().contains("plug-none"));

        e = assertThrows(UserError.class, () -> Plugins.load(List.of(dir.resolve("missing.jar")), "--plugins"));
        assertTrue(e.getMessage().startsWith("--plugins: ") && e.getMessage().contains("does not exist"),
                e.getMessage());
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        e = assertThrows(UserError.class, () -> Plugins.load(List.of(empty), "--plugins"));
        assertTrue(e.getMessage().contains("holds no .jar"), e.getMessage());
    }
}
