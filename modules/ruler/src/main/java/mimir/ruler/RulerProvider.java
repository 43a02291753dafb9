package mimir.ruler;

import java.io.IOException;
import java.util.List;

import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.StorageScope;
import mimir.spi.service.Service;

/**
 * The {@code ruler} module: recording and alerting rules per tenant, in Mimir's internal mode: it
 * evaluates through the {@code queryable} module and writes through the {@code distributor-service}
 * module of its own process (as Mimir's ruler depends on distributor-service and store-queryable), which
 * reach the ingesters and store-gateways of the rings over gRPC when they run elsewhere
 * ({@code -target=backend}). Of Mimir's other dependencies it names those that exist here.
 */
public final class RulerProvider implements ComponentProvider {
    @Override
    public String name() {
        return "ruler";
    }

    @Override
    public List<String> dependencies() {
        return List.of("api", "distributor-service", "queryable", "overrides", "runtime-config", "vault");
    }

    @Override
    public List<StorageScope> storageScopes() {
        return List.of(StorageScope.RULER);
    }

    @Override
    public void registerConfig(ConfigRegistry registry) {
        RulerConfig.register(registry);
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) throws IOException {
        return List.of(create(core, RulerConfig.from(config), core.objectStores().open(StorageScope.RULER, "ruler")));
    }

    /** Builds the ruler over a rule store and registers its routes. */
    static Ruler create(CoreServices core, RulerConfig config, ObjectStore store) {
        RulerGraph graph = DaggerRulerGraph.factory().create(core, config, store);
        graph.prometheusApi().register(core.httpRoutes());
        if (config.enableApi()) {
            graph.configApi().register(core.httpRoutes());
        }
        return graph.ruler();
    }
}
