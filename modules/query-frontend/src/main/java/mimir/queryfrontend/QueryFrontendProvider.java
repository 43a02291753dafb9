package mimir.queryfrontend;

import java.util.List;

import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.service.Service;

/**
 * The {@code query-frontend} module. Registers the Prometheus API routes under
 * {@code -http.prometheus-http-prefix}; at start it connects to the query-scheduler at
 * {@code -query-frontend.scheduler-address}, or takes the one of this process when that is empty (and
 * fails, saying so, when there is none).
 */
public final class QueryFrontendProvider implements ComponentProvider {
    @Override
    public String name() {
        return "query-frontend";
    }

    @Override
    public List<String> dependencies() {
        return List.of("api", "overrides", "runtime-config", "vault");
    }

    @Override
    public void registerConfig(ConfigRegistry registry) {
        QueryFrontendConfig.register(registry);
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) {
        QueryFrontend frontend = DaggerQueryFrontendGraph.factory().create(core, QueryFrontendConfig.from(config)).frontend();
        frontend.registerRoutes(core.httpRoutes());
        return List.of(frontend);
    }
}
