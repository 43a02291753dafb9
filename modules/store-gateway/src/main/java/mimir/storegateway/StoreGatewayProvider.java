package mimir.storegateway;

import java.util.List;

import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.StorageScope;
import mimir.spi.service.Service;
import mimir.storegateway.client.StoreGatewayClient;

/**
 * The {@code store-gateway} module. Mimir's depends on api, overrides, memberlist-kv and vault; until
 * the ring exists here it depends on api, overrides and vault. Registers the in-process
 * {@link StoreGatewayClient} for the querier of the same process.
 */
public final class StoreGatewayProvider implements ComponentProvider {
    @Override
    public String name() {
        return "store-gateway";
    }

    @Override
    public List<String> dependencies() {
        return List.of("api", "overrides", "vault");
    }

    @Override
    public List<StorageScope> storageScopes() {
        return List.of(StorageScope.BLOCKS);
    }

    @Override
    public void registerConfig(ConfigRegistry registry) {
        StoreGatewayConfig.register(registry);
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) throws Exception {
        StoreGatewayConfig gatewayConfig = StoreGatewayConfig.from(config);
        ObjectStore store = core.objectStores().open(StorageScope.BLOCKS, "store-gateway");
        StoreGatewayGraph graph = DaggerStoreGatewayGraph.factory().create(core, gatewayConfig, store);
        StoreGateway gateway = graph.storeGateway();
        graph.httpApi().register(core.httpRoutes());
        core.localInstances().register(StoreGatewayClient.class, gateway);
        return List.of(gateway);
    }
}
