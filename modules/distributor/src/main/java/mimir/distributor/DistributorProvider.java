package mimir.distributor;

import java.util.List;

import mimir.distributor.client.DistributorClient;
import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.service.Service;

/**
 * The {@code distributor} module. Of Mimir's dependencies it names those that exist here; the ring
 * and memberlist modules come with the distributed write path.
 */
public final class DistributorProvider implements ComponentProvider {
    @Override
    public String name() {
        return "distributor";
    }

    @Override
    public List<String> dependencies() {
        return List.of("api", "overrides", "runtime-config", "vault");
    }

    @Override
    public void registerConfig(ConfigRegistry registry) {
        DistributorConfig.register(registry);
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) {
        DistributorGraph graph = DaggerDistributorGraph.factory().create(core, DistributorConfig.from(config));
        graph.httpApi().register(core.httpRoutes());
        graph.otlpApi().register(core.httpRoutes());
        core.localInstances().register(DistributorClient.class, graph.distributor());
        return List.of(graph.distributor());
    }
}
