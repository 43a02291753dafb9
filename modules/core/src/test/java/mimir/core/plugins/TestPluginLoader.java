package mimir.core.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import mimir.spi.objstore.ObjectStoreProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds real plugin jars with the JDK's javac (a module-layer plugin with a module-info, and a
 * classpath-style plugin with a services file) and loads them the way the launcher does.
 */
class TestPluginLoader {
    private static final String PROVIDER_SOURCE = """
            package fake;

            import java.util.List;
            import mimir.spi.config.ConfigValues;
            import mimir.spi.config.Setting;
            import mimir.spi.objstore.ObjectStore;
            import mimir.spi.objstore.ObjectStoreProvider;
            import mimir.spi.objstore.StorageScope;

            public final class FakeProvider implements ObjectStoreProvider {
                public String name() { return "NAME"; }
                public List<Setting<?>> settings(StorageScope scope) { return List.of(); }
                public ObjectStore open(StorageScope scope, ConfigValues values) { throw new UnsupportedOperationException(); }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void loadsModuleLayerAndClasspathPluginsAndRejectsBrokenFolders() throws Exception {
        Path plugins = dir.resolve("plugins");
        Path layered = plugins.resolve("layered");
        Files.createDirectories(layered);
        buildJar(layered.resolve("fake-layered.jar"), "layered", true);

        Path classpath = plugins.resolve("classic");
        Files.createDirectories(classpath);
        buildJar(classpath.resolve("fake-classic.jar"), "classic", false);
        Files.writeString(classpath.resolve(PluginLoader.CLASSPATH_MARKER), "");

        Files.createDirectories(plugins.resolve("empty"));
        Path nothing = plugins.resolve("nothing");
        Files.createDirectories(nothing);
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(nothing.resolve("nothing.jar")))) {
            jar.putNextEntry(new JarEntry("readme.txt"));
            jar.write("no classes".getBytes(StandardCharsets.UTF_8));
        }

        PluginRegistry registry = PluginLoader.load(plugins);

        ProviderInfo layeredInfo = registry.objectStores().stream().filter(p -> p.name().equals("layered")).findFirst().orElseThrow();
        assertThat(layeredInfo.layer()).isEqualTo("plugin:layered");
        assertThat(layeredInfo.moduleName()).isEqualTo("fake.plugin.layered");
        assertThat(layeredInfo.location()).endsWith("fake-layered.jar");
        assertThat(layeredInfo.provider().getClass().getModule().getLayer()).isNotEqualTo(ModuleLayer.boot());

        ProviderInfo classicInfo = registry.objectStores().stream().filter(p -> p.name().equals("classic")).findFirst().orElseThrow();
        assertThat(classicInfo.layer()).isEqualTo("plugin:classic");
        assertThat(classicInfo.moduleName()).isEqualTo("unnamed");
        assertThat(classicInfo.provider()).isInstanceOf(ObjectStoreProvider.class);

        assertThat(registry.plugins()).extracting(s -> s.folder() + " " + s.style() + " " + s.loaded() + " " + s.reason()).containsExactly(
                "classic classpath true 1 provider(s)",
                "empty module-layer false no jars in " + plugins.resolve("empty"),
                "layered module-layer true 1 provider(s)",
                "nothing module-layer false provides no ComponentProvider, ObjectStoreProvider, KvStoreProvider");
    }

    @Test
    void missingPluginDirectoryIsNotAnError() {
        PluginRegistry registry = PluginLoader.load(dir.resolve("absent"));
        assertThat(registry.plugins()).isEmpty();
    }

    /** Compiles FakeProvider named {@code name}, as a module (with module-info) or plain, into a jar. */
    private void buildJar(Path jarFile, String name, boolean asModule) throws Exception {
        Path src = dir.resolve("src-" + name);
        Path classes = dir.resolve("classes-" + name);
        Files.createDirectories(src.resolve("fake"));
        Files.writeString(src.resolve("fake/FakeProvider.java"), PROVIDER_SOURCE.replace("NAME", name));
        List<String> command = new ArrayList<>(List.of(javac(), "-d", classes.toString()));
        if (asModule) {
            Files.writeString(src.resolve("module-info.java"), "module fake.plugin." + name + " { requires mimir.spi; "
                    + "provides mimir.spi.objstore.ObjectStoreProvider with fake.FakeProvider; }");
            command.addAll(List.of("--module-path", spiLocation(), src.resolve("module-info.java").toString()));
        }
        else {
            command.addAll(List.of("-cp", spiLocation()));
        }
        command.add(src.resolve("fake/FakeProvider.java").toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(jarFile)); Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                jar.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, jar);
            }
            if (!asModule) {
                jar.putNextEntry(new JarEntry("META-INF/services/mimir.spi.objstore.ObjectStoreProvider"));
                write(jar, "fake.FakeProvider\n");
            }
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The SPI and what it requires transitively (Micrometer), as a module path. */
    private static String spiLocation() throws Exception {
        return location(ObjectStoreProvider.class) + java.io.File.pathSeparator + location(io.micrometer.core.instrument.MeterRegistry.class)
                + java.io.File.pathSeparator + location(com.google.re2j.Pattern.class);
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static String javac() {
        return Path.of(System.getProperty("java.home"), "bin", "javac").toString();
    }
}
