package mimir.querier;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import mimir.ingester.client.IngesterClient;
import mimir.ingester.client.IngesterClientPool;
import mimir.ingester.client.IngesterClientSettings;
import mimir.querier.client.QuerierClient;
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
 * The {@code querier} component: the Prometheus API (unless the query-frontend runs here), Mimir's
 * user-stats and series-deletion endpoints, and {@code -querier.max-concurrent} workers taking requests
 * from a query-scheduler, over the {@code queryable} module it depends on (as Mimir's querier depends on
 * its queryable).
 */
public final class QuerierProvider implements ComponentProvider {
    @Override
    public String name() {
        return "querier";
    }

    @Override
    public List<String> dependencies() {
        return List.of(QueryableProvider.NAME, "api");
    }

    @Override
    public void registerConfig(ConfigRegistry registry) {
        // The settings are the queryable's.
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) {
        Querier querier = core.localInstances().find(Querier.class).orElseThrow(() -> new IllegalStateException(
                "querier: the queryable module was not created first"));
        querier.serveAsComponent();
        return List.of();
    }

    /** Builds a querier component that reads the in-process ingester only, for tests. */
    static Querier create(CoreServices core, QuerierConfig config) {
        Querier querier = QueryableProvider.create(core, config);
        querier.serveAsComponent();
        return querier;
    }
}
