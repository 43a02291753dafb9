package mimir.alertmanager;

import java.io.IOException;
import java.util.List;

import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.StorageScope;
import mimir.spi.service.Service;

/** The {@code alertmanager} module: Mimir's multi-tenant Alertmanager (not in {@code all}; {@code -target=all,alertmanager}). */
public final class AlertmanagerProvider implements ComponentProvider {
    @Override
    public String name() {
        return "alertmanager";
    }

    @Override
    public List<String> dependencies() {
        return List.of("api", "overrides", "runtime-config", "vault");
    }

    @Override
    public List<StorageScope> storageScopes() {
        return List.of(StorageScope.ALERTMANAGER);
    }

    @Override
    public void registerConfig(ConfigRegistry registry) {
        AlertmanagerConfig.register(registry);
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) throws IOException {
        return List.of(create(core, AlertmanagerConfig.from(config), core.objectStores().open(StorageScope.ALERTMANAGER, "alertmanager")));
    }

    /** Builds the Alertmanager over a store and registers its routes. */
    static MultitenantAlertmanager create(CoreServices core, AlertmanagerConfig config, ObjectStore store) {
        AlertmanagerGraph graph = DaggerAlertmanagerGraph.factory().create(core, config, store);
        graph.api().register(core.httpRoutes());
        if (config.enableApi()) {
            graph.configApi().register(core.httpRoutes());
        }
        return graph.alertmanager();
    }
}
