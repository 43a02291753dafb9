package mimir.core;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mimir.core.graph.CoreGraph;
import mimir.core.modules.ModuleCatalog;
import mimir.core.modules.ModuleDefinition;
import mimir.core.plugins.ProviderInfo;
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;

/**
 * The modules {@code mimir.core} implements itself, with Mimir's names and dependencies:
 * {@code server} (HTTP and gRPC servers), {@code api} (the endpoints every process serves),
 * {@code runtime-config}, {@code overrides}, and the internal modules that have no service in this
 * build ({@code activity-tracker}, {@code sanity-check}, {@code usage-stats}, {@code vault},
 * {@code memberlist-kv}); diagnostics say why for each.
 */
final class CoreModules {
    private final CoreGraph graph;
    private final CoreHttpApi api;
    private final ProviderInfo origin;

    CoreModules(CoreGraph graph, CoreHttpApi api) {
        this.graph = requireNonNull(graph, "graph is null");
        this.api = requireNonNull(api, "api is null");
        this.origin = coreOrigin(this);
    }

    /** Describes {@code mimir.core} itself as the provider of its modules. */
    static ProviderInfo coreOrigin(Object anyCoreObject) {
        Module module = CoreModules.class.getModule();
        String version = module.getDescriptor() == null ? "" : module.getDescriptor().rawVersion().orElse("");
        String location = "";
        var source = CoreModules.class.getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation() != null) {
            location = source.getLocation().getPath();
        }
        return new ProviderInfo("core", "mimir.core", CoreModules.class.getName(), module.isNamed() ? module.getName() : "unnamed",
                version, "boot", location, anyCoreObject);
    }

    /** The definitions, by name. */
    Map<String, ModuleDefinition> definitions() {
        Map<String, ModuleDefinition> definitions = new LinkedHashMap<>();
        none(definitions, "activity-tracker", "no service: the query activity log (-activity-tracker.filepath) is not built yet");
        none(definitions, "sanity-check", "no service: start-up storage checks happen when a component opens its store");
        none(definitions, "usage-stats", "no service: anonymous usage reporting is not built (nothing is sent anywhere)");
        none(definitions, "vault", "no service: Vault secrets (-vault.enabled) are not supported");
        add(definitions, "server", false, "", () -> List.of(new ServerService()));
        add(definitions, "api", false, "", () -> {
            api.registerCommonRoutes();
            return List.of();
        });
        add(definitions, "runtime-config", false, "", () -> {
            api.registerRuntimeConfigRoutes();
            return List.of(new RuntimeConfigService());
        });
        add(definitions, "overrides", false, "", () -> {
            api.registerOverridesRoutes();
            return List.of();
        });
        add(definitions, "memberlist-kv", false,
                "no service of its own: the memberlist KV store (-memberlist.*) starts with the first ring that opens it and stops with the last", List::of);
        return definitions;
    }

    private void none(Map<String, ModuleDefinition> definitions, String name, String note) {
        add(definitions, name, false, note, List::of);
    }

    private void add(Map<String, ModuleDefinition> definitions, String name, boolean userVisible, String note, ModuleDefinition.Factory factory) {
        definitions.put(name, new ModuleDefinition(name, ModuleCatalog.MIMIR_DEPENDENCIES.get(name), userVisible, origin, List.of(), note, factory));
    }

    /** The HTTP and gRPC servers: started first, stopped last. */
    private final class ServerService implements Service {
        @Override
        public String name() {
            return "server";
        }

        @Override
        public void start(ServiceContext context) throws Exception {
            graph.httpServer().start();
            try {
                graph.grpcServer().start();
            }
            catch (Exception e) {
                graph.httpServer().stop();
                throw e;
            }
        }

        @Override
        public void stop() throws Exception {
            try {
                graph.grpcServer().stop();
            }
            finally {
                graph.httpServer().stop();
            }
        }
    }

    /** Loads {@code -runtime-config.file} and reloads it every period. */
    private final class RuntimeConfigService implements Service {
        @Override
        public String name() {
            return "runtime-config";
        }

        @Override
        public void start(ServiceContext context) throws Exception {
            graph.runtimeConfigManager().start();
        }

        @Override
        public void stop() throws InterruptedException {
            graph.runtimeConfigManager().stop();
        }
    }
}
