package mimir.querier;

import java.util.List;

import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.service.Service;

/** The {@code querier} module: PromQL over the tenant's data, the Prometheus API (unless the query-frontend runs here) and querier workers. */
public final class QuerierProvider implements ComponentProvider {
    @Override
    public String name() {
        return "querier";
    }

    @Override
    public List<String> dependencies() {
        return List.of("api", "overrides", "runtime-config", "vault");
    }

    @Override
    public void registerConfig(ConfigRegistry registry) {
        QuerierConfig.register(registry);
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) {
        return List.of(create(core, QuerierConfig.from(config)));
    }

    /** Builds the querier from a config record and registers its routes. */
    static Querier create(CoreServices core, QuerierConfig config) {
        Querier querier = DaggerQuerierGraph.factory().create(core, config).querier();
        querier.registerRoutes();
        return querier;
    }
}
