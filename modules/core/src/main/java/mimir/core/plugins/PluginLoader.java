package mimir.core.plugins;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

import mimir.spi.ComponentProvider;
import mimir.spi.kv.KvStoreProvider;
import mimir.spi.objstore.ObjectStoreProvider;

/**
 * Finds providers of the SPIs in the boot layer ({@code lib/}) and in each folder of the plugin
 * directory.
 *
 * <p>A plugin folder holding a file named {@code CLASSPATH} is loaded classpath-style: all its jars in
 * one {@link URLClassLoader} whose parent is the core's loader, so split packages (as in the GCS
 * client's dependencies) are legal. Any other folder becomes a child {@link ModuleLayer} of the boot
 * layer with one class loader, every module in it a root. A folder is rejected, with the reason
 * recorded and logged, if it holds a module the boot layer already has (automatic modules would read
 * both copies), if its modules do not resolve, or if it provides nothing.
 */
public final class PluginLoader {
    private static final System.Logger LOG = System.getLogger(PluginLoader.class.getName());
    /** The marker file that makes a plugin folder classpath-style. */
    public static final String CLASSPATH_MARKER = "CLASSPATH";

    /** An SPI whose providers are collected, with how a provider names itself. */
    private record Spi<S>(Class<S> type, Function<S, String> naming) {
        String label() {
            return type.getSimpleName();
        }
    }

    /** Every SPI the loader collects; a new SPI kind is one more entry here. */
    private static final List<Spi<?>> SPIS = List.of(
            new Spi<>(ComponentProvider.class, ComponentProvider::name),
            new Spi<>(ObjectStoreProvider.class, ObjectStoreProvider::name),
            new Spi<>(KvStoreProvider.class, KvStoreProvider::name));

    private PluginLoader() {}

    /** Loads the boot layer's providers and then every plugin folder under {@code pluginDir} (if it exists). */
    public static PluginRegistry load(Path pluginDir) {
        return load(pluginDir, folder -> true, "");
    }

    /**
     * Loads the boot layer's providers and the plugin folders {@code selected} accepts (by folder name);
     * the others are listed as not loaded, with {@code skipReason}.
     */
    public static PluginRegistry load(Path pluginDir, java.util.function.Predicate<String> selected, String skipReason) {
        requireNonNull(pluginDir, "pluginDir is null");
        requireNonNull(selected, "selected is null");
        requireNonNull(skipReason, "skipReason is null");
        List<ProviderInfo> providers = new ArrayList<>();
        List<PluginStatus> plugins = new ArrayList<>();
        for (Spi<?> spi : SPIS) {
            collect(spi, type -> ServiceLoader.load(ModuleLayer.boot(), type), "boot", providers, p -> true);
        }
        // Unnamed-module runs (tests, IDEs) find providers on the class path.
        if (!PluginLoader.class.getModule().isNamed()) {
            for (Spi<?> spi : SPIS) {
                collect(spi, ServiceLoader::load, "classpath", providers, p -> !p.getClass().getModule().isNamed());
            }
        }
        if (Files.isDirectory(pluginDir)) {
            try (Stream<Path> folders = Files.list(pluginDir)) {
                for (Path folder : folders.filter(Files::isDirectory).sorted().toList()) {
                    String name = folder.getFileName().toString();
                    if (selected.test(name)) {
                        plugins.add(loadFolder(folder, providers));
                    }
                    else {
                        String style = Files.exists(folder.resolve(CLASSPATH_MARKER)) ? "classpath" : "module-layer";
                        plugins.add(new PluginStatus(name, style, false, true, skipReason, List.of()));
                    }
                }
            }
            catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot list plugin directory dir=" + pluginDir, e);
            }
        }
        return new PluginRegistry(pluginDir, providers, plugins);
    }

    private static PluginStatus loadFolder(Path folder, List<ProviderInfo> providers) {
        String name = folder.getFileName().toString();
        String layerName = "plugin:" + name;
        if (Files.exists(folder.resolve(CLASSPATH_MARKER))) {
            return loadClasspathStyle(folder, name, layerName, providers);
        }
        ModuleFinder finder = ModuleFinder.of(folder);
        Set<ModuleReference> references;
        try {
            references = finder.findAll();
        }
        catch (RuntimeException e) {
            return rejected(name, "module-layer", "cannot read modules: " + e.getMessage(), List.of());
        }
        List<String> moduleNames = references.stream().map(r -> r.descriptor().name()).sorted().toList();
        if (moduleNames.isEmpty()) {
            return rejected(name, "module-layer", "no jars in " + folder, List.of());
        }
        Set<String> duplicates = new TreeSet<>();
        for (String moduleName : moduleNames) {
            if (ModuleLayer.boot().findModule(moduleName).isPresent()) {
                duplicates.add(moduleName);
            }
        }
        if (!duplicates.isEmpty()) {
            return rejected(name, "module-layer", "holds modules the boot layer (lib/) already has: " + String.join(", ", duplicates), moduleNames);
        }
        ModuleLayer layer;
        try {
            ModuleLayer boot = ModuleLayer.boot();
            Configuration configuration = boot.configuration().resolveAndBind(finder, ModuleFinder.of(), Set.copyOf(moduleNames));
            ModuleLayer.Controller controller = ModuleLayer.defineModulesWithOneLoader(configuration, List.of(boot), PluginLoader.class.getClassLoader());
            layer = controller.layer();
            // Plugins bring native libraries (Netty, compression); grant them what --enable-native-access grants lib/.
            layer.modules().forEach(controller::enableNativeAccess);
        }
        catch (RuntimeException | LinkageError e) {
            return rejected(name, "module-layer", "modules do not resolve: " + e.getMessage(), moduleNames);
        }
        int before = providers.size();
        for (Spi<?> spi : SPIS) {
            collect(spi, type -> ServiceLoader.load(layer, type), layerName, providers, p -> p.getClass().getModule().getLayer() == layer);
        }
        return finish(name, "module-layer", providers.size() - before, moduleNames);
    }

    private static PluginStatus loadClasspathStyle(Path folder, String name, String layerName, List<ProviderInfo> providers) {
        List<URL> jars = new ArrayList<>();
        List<String> jarNames = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                jars.add(jar.toUri().toURL());
                jarNames.add(jar.getFileName().toString());
            }
        }
        catch (IOException e) {
            return rejected(name, "classpath", "cannot list jars: " + e.getMessage(), List.of());
        }
        if (jars.isEmpty()) {
            return rejected(name, "classpath", "no jars in " + folder, List.of());
        }
        // Never closed: the plugin's classes live as long as the process.
        URLClassLoader loader = new URLClassLoader("plugin-" + name, jars.toArray(URL[]::new), PluginLoader.class.getClassLoader());
        int before = providers.size();
        try {
            for (Spi<?> spi : SPIS) {
                collect(spi, type -> ServiceLoader.load(type, loader), layerName, providers, p -> p.getClass().getClassLoader() == loader);
            }
        }
        catch (java.util.ServiceConfigurationError | LinkageError e) {
            return rejected(name, "classpath", "providers cannot be loaded: " + e.getMessage(), jarNames);
        }
        return finish(name, "classpath", providers.size() - before, jarNames);
    }

    private static PluginStatus finish(String name, String style, int found, List<String> modules) {
        if (found == 0) {
            return rejected(name, style, "provides no " + String.join(", ", SPIS.stream().map(Spi::label).toList()), modules);
        }
        return new PluginStatus(name, style, true, false, found + " provider(s)", modules);
    }

    private static PluginStatus rejected(String name, String style, String reason, List<String> modules) {
        LOG.log(System.Logger.Level.WARNING, "plugin rejected plugin=" + name + " reason=\"" + reason.replace('"', '\'') + "\"");
        return new PluginStatus(name, style, false, false, reason, modules);
    }

    private static <S> void collect(Spi<S> spi, Function<Class<S>, ServiceLoader<S>> loading, String layer, List<ProviderInfo> out,
            java.util.function.Predicate<Object> accept) {
        for (S provider : loading.apply(spi.type())) {
            if (accept.test(provider)) {
                out.add(ProviderInfo.of(spi.label(), spi.naming().apply(provider), provider, layer));
            }
        }
    }
}
