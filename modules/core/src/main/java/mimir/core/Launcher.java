package mimir.core;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import mimir.core.config.ComponentSettings;
import mimir.core.config.ConfigException;
import mimir.core.config.ConfigLoader;
import mimir.core.config.ConfigRegistryImpl;
import mimir.core.config.HelpPrinter;
import mimir.core.config.LoadedConfig;
import mimir.core.graph.CoreGraph;
import mimir.core.graph.DaggerCoreGraph;
import mimir.core.logging.JulBridge;
import mimir.core.logging.LogfmtLoggerFinder;
import mimir.core.modules.ModuleCatalog;
import mimir.core.modules.ModuleDefinition;
import mimir.core.modules.ModuleGraphReport;
import mimir.core.modules.ModuleResolver;
import mimir.core.modules.ServiceManager;
import mimir.core.kv.KvConfig;
import mimir.core.objstore.StorageConfig;
import mimir.core.plugins.PluginLoader;
import mimir.core.plugins.PluginRegistry;
import mimir.core.plugins.PluginStatus;
import mimir.core.plugins.ProviderInfo;
import mimir.core.runtimeconfig.RuntimeConfigManager;
import mimir.core.server.ServerConfig;
import mimir.spi.ComponentProvider;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.Setting;
import mimir.spi.limits.LimitsSettings;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.kv.KvStoreProvider;
import mimir.spi.objstore.ObjectStoreProvider;
import mimir.spi.objstore.StorageScope;
import mimir.spi.service.Service;

/**
 * One run of {@code bin/mimir}: find providers, read flags and YAML, answer the one-shot commands
 * ({@code -help}, {@code -version}, {@code -modules}, {@code -modules.graph}), or resolve the target,
 * build the root graph and the modules, start their services and wait until the process is told to
 * stop or a service fails.
 */
public final class Launcher {
    private static final System.Logger LOG = System.getLogger(Launcher.class.getName());

    private final Path pluginDir;
    /**
     * {@code -Dmimir.settings.dump=<file>}: write the table of every installed component's settings
     * ({@link ComponentSettings#render}) to the file and exit; the build keeps the table from mimir-all.
     */
    public static final String SETTINGS_DUMP_PROPERTY = "mimir.settings.dump";

    private final String image;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private volatile ServiceManager serviceManager;
    private volatile Running running;

    /** What a started process exposes to tests. */
    public record Running(CoreGraph graph, ServiceManager services) {}

    /**
     * @param image the name of the image this process runs from (its {@code IMAGE} file), or empty if
     *              unknown; errors for a target the image lacks name the images that have it
     */
    public Launcher(Path pluginDir, String image, PrintStream out, PrintStream err, Map<String, String> env) {
        this.pluginDir = requireNonNull(pluginDir, "pluginDir is null");
        this.image = requireNonNull(image, "image is null");
        this.out = requireNonNull(out, "out is null");
        this.err = requireNonNull(err, "err is null");
        this.env = Map.copyOf(env);
    }

    /** The started process, once {@link #run} has started every service; null before. */
    public Running running() {
        return running;
    }

    /** Asks a running process to stop, as SIGTERM does. */
    public void stop() {
        ServiceManager manager = serviceManager;
        if (manager != null) {
            manager.stopAll();
        }
    }

    /**
     * Runs to completion.
     *
     * @return the process exit code: 0 after a requested stop or a one-shot command, 1 on bad
     *         configuration, an unavailable target or a failed service
     */
    public int run(List<String> args) throws InterruptedException {
        // Storage plugins the configuration does not use are not loaded (their module layers cost start-up
        // time and memory): the configuration is read with the plugins chosen so far, and read again
        // with more when it names a backend, or a backend's setting, of a plugin not loaded yet. Plugin
        // folders of other names (not storage backends) are always loaded; -help and -modules load all.
        Set<String> wanted = new TreeSet<>(List.of("filesystem"));
        boolean all = false;
        PluginRegistry plugins;
        StorageConfig storage;
        KvConfig kv;
        ConfigRegistryImpl registry;
        LoadedConfig loadedConfig;
        while (true) {
            Set<String> chosen = Set.copyOf(wanted);
            boolean loadAll = all;
            plugins = PluginLoader.load(pluginDir, folder -> loadAll || chosen.contains(folder) || !StorageConfig.BACKEND_NAMES.contains(folder),
                    "the configuration names no backend or setting of it (storage plugins loaded: " + String.join(", ", chosen) + ")");
            List<ComponentProvider> components = plugins.components().stream().map(p -> (ComponentProvider) p.provider()).toList();
            storage = new StorageConfig(plugins.objectStores().stream().map(p -> (ObjectStoreProvider) p.provider()).toList(), pluginDir);
            kv = new KvConfig(plugins.kvStores().stream().map(p -> (KvStoreProvider) p.provider()).toList());
            registry = new ConfigRegistryImpl();
            try {
                LauncherSettings.register(registry);
                BucketValidation.register(registry);
                ServerConfig.register(registry);
                RuntimeConfigManager.registerSettings(registry);
                LimitsSettings.register(registry);
                storage.register(registry);
                kv.register(registry);
                List<Setting<?>> coreSettings = registry.settings();
                Map<String, List<Setting<?>>> byComponent = new LinkedHashMap<>();
                for (ComponentProvider component : components) {
                    List<Setting<?>> own = byComponent.computeIfAbsent(component.name(), name -> new ArrayList<>());
                    ConfigRegistryImpl target = registry;
                    component.registerConfig(new ConfigRegistry() {
                        @Override
                        public <T> Setting<T> register(Setting<T> setting) {
                            own.add(setting);
                            return target.register(setting);
                        }
                    });
                }
                String dump = System.getProperty(SETTINGS_DUMP_PROPERTY, "");
                if (!dump.isEmpty()) {
                    Files.writeString(Path.of(dump), ComponentSettings.render(byComponent, coreSettings));
                    return 0;
                }
                List<String> ignored = new ArrayList<>();
                loadedConfig = ConfigLoader.load(args, registry, env, ComponentSettings.load().without(byComponent.keySet()), ignored);
                if (!ignored.isEmpty() && !all) {
                    LOG.log(Level.INFO, "ignoring settings of components not in " + (image.isEmpty() ? "this image" : "this image (" + image + ")")
                            + ": " + String.join(", ", ignored));
                }
            }
            catch (IOException e) {
                err.println("error: cannot write -D" + SETTINGS_DUMP_PROPERTY + ": " + e.getMessage());
                return 1;
            }
            catch (ConfigException | IllegalArgumentException e) {
                Optional<String> backend = storage.unknownSettingBackend(e.getMessage());
                if (!all && backend.isPresent() && !wanted.contains(backend.get())) {
                    wanted.add(backend.get());
                    continue;
                }
                err.println("error loading config: " + e.getMessage() + storage.unknownSettingHint(e.getMessage()).map(h -> ": " + h).orElse(""));
                err.println("Run with -help to get a list of available parameters");
                return 1;
            }
            if (all) {
                break;
            }
            if (loadedConfig.get(LauncherSettings.HELP) || loadedConfig.get(LauncherSettings.HELP_ALL) || loadedConfig.get(LauncherSettings.MODULES)) {
                all = true;
                continue;
            }
            storage.bind(loadedConfig);
            Set<String> backends = storage.configuredBackends();
            if (wanted.containsAll(backends)) {
                break;
            }
            wanted.addAll(backends);
        }
        final LoadedConfig config = loadedConfig;
        for (PluginStatus status : plugins.plugins()) {
            if (status.loaded()) {
                LOG.log(Level.INFO, "plugin loaded plugin=" + status.folder() + " style=" + status.style() + " modules=" + status.modules().size());
            }
            else if (status.skipped()) {
                LOG.log(Level.INFO, "plugin not loaded plugin=" + status.folder() + " reason=\"" + status.reason() + "\"");
            }
        }
        if (config.get(LauncherSettings.HELP) || config.get(LauncherSettings.HELP_ALL)) {
            HelpPrinter.print(out, registry.settings(), config.get(LauncherSettings.HELP_ALL));
            return 0;
        }
        BuildInfo buildInfo = BuildInfo.current();
        if (config.get(LauncherSettings.VERSION)) {
            out.print(buildInfo.versionText());
            return 0;
        }
        Level logLevel = switch (config.get(ServerConfig.LOG_LEVEL)) {
            case "debug" -> Level.DEBUG;
            case "warn" -> Level.WARNING;
            case "error" -> Level.ERROR;
            default -> Level.INFO;
        };
        LogfmtLoggerFinder.setThreshold(logLevel);
        JulBridge.install(logLevel);
        storage.bind(config);
        kv.bind(config);

        CoreGraph graph;
        try {
            graph = DaggerCoreGraph.factory().create(config, storage, kv, Clock.systemUTC());
            storage.bindMetrics(graph.prometheusRegistry());
            kv.bindMetrics(graph.prometheusRegistry());
            kv.registerPages(graph.httpRoutes());
            graph.serverConfig();
        }
        catch (IllegalArgumentException e) {
            err.println("error: invalid configuration: " + e.getMessage());
            return 1;
        }
        List<String> requested = config.get(LauncherSettings.TARGET);
        ModuleGraphReport[] reportHolder = new ModuleGraphReport[1];
        CoreHttpApi api = new CoreHttpApi(graph, buildInfo, () -> serviceManager, () -> reportHolder[0].withServices(serviceManager));
        Map<String, ModuleDefinition> installed = new LinkedHashMap<>(new CoreModules(graph, api).definitions());
        for (ProviderInfo info : plugins.components()) {
            ComponentProvider component = (ComponentProvider) info.provider();
            if (installed.containsKey(component.name())) {
                err.println("error: module " + component.name() + " is provided twice (" + info.moduleName() + " in " + info.layer()
                        + " and " + installed.get(component.name()).origin().moduleName() + ")");
                return 1;
            }
            // A component of another image whose jar this image carries as a library of one of its own (the
            // backend's ruler writes and reads through distributor-service and queryable, which live in the
            // distributor's and querier's jars) runs only as that library here: not a target of this image.
            boolean targetable = component.userVisible() && ModuleCatalog.isComponentOf(image, component.name());
            installed.put(component.name(), new ModuleDefinition(component.name(), component.dependencies(), targetable, info,
                    component.storageScopes(), "", () -> component.create(graph, config)));
        }

        if (config.get(LauncherSettings.MODULES)) {
            out.print(ModuleResolver.modulesListing(installed));
            return 0;
        }

        String graphFormat = config.get(LauncherSettings.MODULES_GRAPH);
        if (config.get(BucketValidation.ENABLED)) {
            return bucketValidation(config, storage, plugins, graphFormat);
        }
        ModuleResolver.Resolution resolution = ModuleResolver.resolve(requested, installed, image);
        List<Map<String, Object>> storageReport = new ArrayList<>();
        List<String> storageProblems = new ArrayList<>();
        storageReport(neededScopes(resolution), "target " + String.join(",", requested), storage, plugins, storageReport, storageProblems);
        if (!storageProblems.isEmpty()) {
            List<String> problems = new ArrayList<>(resolution.problems());
            problems.addAll(storageProblems);
            resolution = new ModuleResolver.Resolution(resolution.targets(), resolution.modules(), problems);
        }
        ModuleResolver.Resolution resolved = resolution;
        reportHolder[0] = new ModuleGraphReport(image, requested, resolved, plugins, storageReport, null);

        if (!graphFormat.isEmpty()) {
            out.print(reportHolder[0].render(graphFormat));
            return 0;
        }
        if (!resolved.ok()) {
            for (String problem : resolved.problems()) {
                err.println("error: " + problem);
            }
            err.println("Run with -modules to list the available targets, or -modules.graph -target=" + String.join(",", requested)
                    + " to see the module graph");
            return 1;
        }
        return startAndWait(graph, resolved, plugins, storageReport, requested);
    }

    private int startAndWait(CoreGraph graph, ModuleResolver.Resolution resolution, PluginRegistry plugins,
            List<Map<String, Object>> storageReport, List<String> requested) throws InterruptedException {
        Map<String, List<Service>> servicesByModule = new LinkedHashMap<>();
        graph.localInstanceRegistry().setModules(resolution.modules().stream().map(ModuleDefinition::name).collect(java.util.stream.Collectors.toSet()));
        for (ModuleDefinition module : resolution.modules()) {
            try {
                servicesByModule.put(module.name(), List.copyOf(module.factory().create()));
            }
            catch (Exception | LinkageError e) {
                LOG.log(Level.ERROR, "module initialisation failed module=" + module.name(), e);
                err.println("error initialising module " + module.name() + ": " + e.getMessage());
                return 1;
            }
        }
        ServiceManager manager = new ServiceManager(servicesByModule, graph.serverConfig().gracefulShutdownTimeout());
        serviceManager = manager;
        LOG.log(Level.INFO, "starting mimir version=" + BuildInfo.current().version() + (image.isEmpty() ? "" : " image=" + image)
                + " target=" + String.join(",", requested)
                + " modules=" + resolution.modules().size());
        try {
            manager.startAll();
        }
        catch (ServiceManager.ServiceFailedException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        graph.grpcServer().setServing(true);
        running = new Running(graph, manager);
        LOG.log(Level.INFO, "mimir started target=" + String.join(",", requested));
        Throwable failure = manager.awaitTermination();
        if (failure != null) {
            err.println("error: " + failure.getMessage());
            return 1;
        }
        LOG.log(Level.INFO, "mimir stopped");
        return 0;
    }

    /** One report entry per scope (scope, backend, provider) and one problem per scope whose backend is not installed. */
    private static void storageReport(Set<StorageScope> scopes, String who, StorageConfig storage, PluginRegistry plugins,
            List<Map<String, Object>> report, List<String> problems) {
        for (StorageScope scope : scopes) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("scope", scope.flagPrefix());
            String backend = storage.backend(scope);
            entry.put("backend", backend);
            plugins.objectStores().stream().filter(p -> p.name().equals(backend)).findFirst()
                    .ifPresent(p -> entry.put("provider", p.moduleName() + " (" + p.layer() + ")"));
            storage.missingBackend(scope).ifPresent(problem -> problems.add(who + " needs storage backend " + backend + " for "
                    + scope.flagPrefix() + ": " + problem));
            report.add(entry);
        }
    }

    /** {@code -bucket-validation}: no target is resolved or started; only the chosen storage scope is opened. */
    private int bucketValidation(LoadedConfig config, StorageConfig storage, PluginRegistry plugins, String graphFormat) {
        StorageScope scope = BucketValidation.scope(config);
        List<Map<String, Object>> storageReport = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        storageReport(Set.of(scope), "-bucket-validation", storage, plugins, storageReport, problems);
        if (!graphFormat.isEmpty()) {
            ModuleGraphReport report = new ModuleGraphReport(image, List.of("bucket-validation"),
                    new ModuleResolver.Resolution(List.of(), List.of(), problems), plugins, storageReport, null);
            out.print(report.render(graphFormat));
            return 0;
        }
        String invalid = BucketValidation.invalidFlags(config);
        if (invalid != null) {
            err.println("error: invalid configuration: " + invalid);
            return 1;
        }
        if (!problems.isEmpty()) {
            problems.forEach(problem -> err.println("error: " + problem));
            err.println("Run with -modules.graph -bucket-validation to see the installed plugins and storage backends");
            return 1;
        }
        try (ObjectStore store = storage.open(scope, "bucket-validation")) {
            BucketValidation.run(store, config, "-" + scope.flagPrefix(), out);
            return 0;
        }
        catch (BucketValidation.ValidationException e) {
            err.println("error: bucket validation failed: " + e.getMessage());
            return 1;
        }
        catch (IOException | RuntimeException e) {
            err.println("error: cannot open " + scope.flagPrefix() + ": " + e.getMessage());
            return 1;
        }
    }

    private static Set<StorageScope> neededScopes(ModuleResolver.Resolution resolution) {
        Set<StorageScope> scopes = new LinkedHashSet<>();
        resolution.modules().forEach(m -> scopes.addAll(m.storageScopes()));
        return scopes;
    }
}
