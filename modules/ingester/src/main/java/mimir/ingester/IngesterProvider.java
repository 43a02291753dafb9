package mimir.ingester;

import java.util.List;
import java.util.Optional;

import mimir.ingester.client.IngesterClient;
import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.StorageScope;
import mimir.spi.service.Service;

/**
 * The {@code ingester} module. Mimir's ingester depends on ingester-service (ring, partitions ring,
 * overrides, runtime-config, memberlist-kv), api, active-groups-cleanup-service and vault; until the
 * ring exists here it depends on the modules that do: api, overrides, runtime-config and vault. Registers
 * the in-process {@link IngesterClient} for components of this process and the {@code cortex.Ingester}
 * gRPC service for those of others.
 */
public final class IngesterProvider implements ComponentProvider {
    @Override
    public String name() {
        return "ingester";
    }

    @Override
    public List<String> dependencies() {
        return List.of("api", "overrides", "runtime-config", "vault");
    }

    @Override
    public List<StorageScope> storageScopes() {
        return List.of(StorageScope.BLOCKS);
    }

    @Override
    public void registerConfig(ConfigRegistry registry) {
        IngesterConfig.register(registry);
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) throws Exception {
        IngesterConfig ingesterConfig = IngesterConfig.from(config);
        ObjectStore store = core.objectStores().open(StorageScope.BLOCKS, "ingester");
        IngesterGraph graph = DaggerIngesterGraph.factory().create(core, ingesterConfig, Optional.of(store));
        Ingester ingester = graph.ingester();
        graph.httpApi().register(core.httpRoutes());
        core.localInstances().register(IngesterClient.class, ingester);
        core.grpcServices().add(new IngesterGrpcService(ingester));
        return List.of(ingester);
    }
}
