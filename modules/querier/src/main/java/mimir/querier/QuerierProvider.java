package mimir.querier;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import mimir.ingester.client.IngesterClient;
import mimir.ingester.client.IngesterClientPool;
import mimir.ingester.client.IngesterClientSettings;
import mimir.querier.client.QuerierClient;
import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.StorageScope;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;

/** The {@code querier} module: PromQL over the tenant's data, the Prometheus API (unless the query-frontend runs here) and querier workers. */
public final class QuerierProvider implements ComponentProvider {
    /** For queriers built by tests, which read the in-process ingester only. */
    private static final Function<String, IngesterClient> NO_REMOTE_INGESTERS = address -> {
        throw new IllegalStateException("ingester " + address + " runs in another process; this querier reads the in-process ingester only");
    };

    @Override
    public String name() {
        return "querier";
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
                return "querier-ingester-clients";
            }

            @Override
            public void start(ServiceContext context) {
            }

            @Override
            public void stop() {
                ingesters.close();
            }
        };
        return List.of(channels, create(core, querierConfig, Optional.of(store), ingesters::get));
    }

    /** Builds a querier that reads the in-process ingester only, for tests. */
    static Querier create(CoreServices core, QuerierConfig config) {
        return create(core, config, Optional.empty(), NO_REMOTE_INGESTERS);
    }

    /** Builds a querier reading the in-process ingester and the blocks (if given), for tests. */
    static Querier create(CoreServices core, QuerierConfig config, Optional<ObjectStore> blocksStore) {
        return create(core, config, blocksStore, NO_REMOTE_INGESTERS);
    }

    /**
     * Builds the querier from a config record (and the blocks storage, if it reads blocks; the clients of
     * ingesters in other processes) and registers its routes.
     */
    static Querier create(CoreServices core, QuerierConfig config, Optional<ObjectStore> blocksStore, Function<String, IngesterClient> remoteIngesters) {
        Querier querier = DaggerQuerierGraph.factory().create(core, config, blocksStore, remoteIngesters).querier();
        querier.registerRoutes();
        core.localInstances().register(QuerierClient.class, querier);
        return querier;
    }
}
