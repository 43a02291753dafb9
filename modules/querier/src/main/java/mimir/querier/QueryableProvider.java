package mimir.querier;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import mimir.ingester.client.IngesterClient;
import mimir.ingester.client.IngesterClientPool;
import mimir.ingester.client.IngesterClientSettings;
import mimir.querier.client.QuerierClient;
import mimir.queryscheduler.client.SchedulerDiscovery;
import mimir.querier.storage.RingStoreGateways;
import mimir.ring.RingSettings;
import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.StorageScope;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;
import mimir.storegateway.client.GrpcStoreGatewayClientConfig;
import mimir.storegateway.client.StoreGatewayClient;
import mimir.storegateway.client.StoreGatewayClientPool;

/**
 * Mimir's internal {@code queryable} module: the tenants' data as the querier and the ruler read it,
 * from the ingesters of the ring and the store-gateways, without the querier's endpoints and workers.
 * The {@code querier} component is built on it; a ruler without a querier in its process
 * ({@code -target=backend}, {@code -target=ruler}) evaluates through it. It reads the store-gateway ring
 * ({@code -store-gateway.sharding-ring.*}, registered here as well as by the store-gateway) to find the
 * store-gateways, and calls those in other processes over gRPC with Mimir's fixed client settings and
 * {@code -querier.timeout} as the deadline.
 */
public final class QueryableProvider implements ComponentProvider {
    static final String NAME = "queryable";

    /** For queriers built by tests, which read the in-process ingester only. */
    private static final Function<String, IngesterClient> NO_REMOTE_INGESTERS = address -> {
        throw new IllegalStateException("ingester " + address + " runs in another process; this querier reads the in-process ingester only");
    };

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean userVisible() {
        return false;
    }

    @Override
    public List<String> dependencies() {
        return List.of("api", "ingester-ring", "overrides", "runtime-config", "memberlist-kv", "vault");
    }

    @Override
    public List<StorageScope> storageScopes() {
        return List.of(StorageScope.BLOCKS);
    }

    @Override
    public void registerConfig(ConfigRegistry registry) {
        QuerierConfig.register(registry);
        IngesterClientSettings.register(registry);
        RingSettings.STORE_GATEWAY.register(registry);
        SchedulerDiscovery.register(registry);
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) throws java.io.IOException {
        QuerierConfig querierConfig = QuerierConfig.from(config);
        ObjectStore store = core.objectStores().open(StorageScope.BLOCKS, "querier");
        IngesterClientPool ingesters = new IngesterClientPool(IngesterClientSettings.read(config, Duration.ofSeconds(2), querierConfig.timeout()));
        // The channels to the ingesters are closed after the querier stopped (services stop in reverse order).
        Service channels = new Service() {
            @Override
            public String name() {
                return "queryable-ingester-clients";
            }

            @Override
            public void start(ServiceContext context) {
            }

            @Override
            public void stop() {
                ingesters.close();
            }
        };
        // The querier closes these channels itself when it stops, with the store-gateway ring it watches.
        StoreGatewayClientPool storeGatewayClients = new StoreGatewayClientPool(GrpcStoreGatewayClientConfig.withTimeout(querierConfig.timeout()));
        RingStoreGateways gateways = new RingStoreGateways(core.kvStores(), RingSettings.STORE_GATEWAY.read(config), core.clock(),
                () -> core.localInstances().find(StoreGatewayClient.class), storeGatewayClients);
        return List.of(channels, create(core, querierConfig, Optional.of(store), Optional.of(gateways), ingesters::get));
    }

    /** Builds a queryable that reads the in-process ingester only, for tests. */
    static Querier create(CoreServices core, QuerierConfig config) {
        return create(core, config, Optional.empty(), Optional.empty(), NO_REMOTE_INGESTERS);
    }

    /**
     * Builds the querier's data plane from a config record (and, if it reads blocks, the blocks storage
     * and the store-gateways; the clients of ingesters in other processes) and registers it in-process.
     */
    static Querier create(CoreServices core, QuerierConfig config, Optional<ObjectStore> blocksStore, Optional<RingStoreGateways> storeGateways,
            Function<String, IngesterClient> remoteIngesters) {
        Querier querier = DaggerQuerierGraph.factory().create(core, config, blocksStore, storeGateways, remoteIngesters).querier();
        core.localInstances().register(QuerierClient.class, querier);
        core.localInstances().register(Querier.class, querier);
        return querier;
    }
}
