package mimir.storegateway;

import java.util.List;

import mimir.ring.RingMembership;
import mimir.ring.RingSettings;
import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.StorageScope;
import mimir.spi.service.Service;
import mimir.storegateway.client.StoreGatewayClient;

/**
 * The {@code store-gateway} module, with Mimir's dependencies (api, overrides, memberlist-kv, vault).
 * The store-gateway registers in its own ring, {@code -store-gateway.sharding-ring.*} (page
 * {@code /store-gateway/ring}), serves {@code gatewaypb.StoreGateway} on the gRPC server for queriers
 * in other processes, and registers the in-process {@link StoreGatewayClient} for the querier of the
 * same process.
 */
public final class StoreGatewayProvider implements ComponentProvider {
    @Override
    public String name() {
        return "store-gateway";
    }

    @Override
    public List<String> dependencies() {
        return List.of("api", "overrides", "memberlist-kv", "vault");
    }

    @Override
    public List<StorageScope> storageScopes() {
        return List.of(StorageScope.BLOCKS);
    }

    @Override
    public void registerConfig(ConfigRegistry registry) {
        StoreGatewayConfig.register(registry);
        RingSettings.STORE_GATEWAY.register(registry);
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) throws Exception {
        StoreGatewayConfig gatewayConfig = StoreGatewayConfig.from(config);
        RingSettings.Values ringSettings = RingSettings.STORE_GATEWAY.read(config);
        ObjectStore store = core.objectStores().open(StorageScope.BLOCKS, "store-gateway");
        RingMembership membership = RingMembership.open(core.kvStores(), ringSettings, core.clock());
        StoreGatewayRing ring = new StoreGatewayRing(membership);
        StoreGatewayGraph graph = DaggerStoreGatewayGraph.factory().create(core, gatewayConfig, store, ring);
        StoreGateway gateway = graph.storeGateway();
        graph.httpApi().register(core.httpRoutes());
        membership.registerPage(core.httpRoutes(), "Store-gateway Ring Status", "/store-gateway/ring");
        core.grpcServices().add(new StoreGatewayGrpcService(gateway));
        core.localInstances().register(StoreGatewayClient.class, gateway);
        return List.of(gateway);
    }
}
