package mimir.distributor;

import java.util.List;
import java.util.function.Function;

import mimir.distributor.client.DistributorClient;
import mimir.ingester.client.IngesterClient;
import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.service.Service;

/**
 * The {@code distributor} module. Of Mimir's dependencies (distributor-service: ingester-ring, overrides,
 * ...) it names those that exist here.
 */
public final class DistributorProvider implements ComponentProvider {
    static final Function<String, IngesterClient> REMOTE_PENDING = address -> {
        throw new IllegalStateException("ingester " + address + " runs in another process; the gRPC ingester client is not wired yet");
    };

    @Override
    public String name() {
        return "distributor";
    }

    @Override
    public List<String> dependencies() {
        return List.of("api", "ingester-ring", "overrides", "runtime-config", "memberlist-kv", "vault");
    }

    @Override
    public void registerConfig(ConfigRegistry registry) {
        DistributorConfig.register(registry);
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) {
        DistributorGraph graph = DaggerDistributorGraph.factory().create(core, DistributorConfig.from(config), REMOTE_PENDING);
        graph.httpApi().register(core.httpRoutes());
        graph.otlpApi().register(core.httpRoutes());
        core.localInstances().register(DistributorClient.class, graph.distributor());
        return List.of(graph.distributor());
    }
}
