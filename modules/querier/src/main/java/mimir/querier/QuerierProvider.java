package mimir.querier;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import mimir.ingester.client.IngesterClient;
import mimir.querier.client.QuerierClient;
import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.StorageScope;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.service.Service;

/** The {@code querier} module: PromQL over the tenant's data, the Prometheus API (unless the query-frontend runs here) and querier workers. */
public final class QuerierProvider implements ComponentProvider {
    static final Function<String, IngesterClient> REMOTE_PENDING = address -> {
        throw new IllegalStateException("ingester " + address + " runs in another process; the gRPC ingester client is not wired yet");
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
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) throws java.io.IOException {
        QuerierConfig querierConfig = QuerierConfig.from(config);
        ObjectStore store = core.objectStores().open(StorageScope.BLOCKS, "querier");
        return List.of(create(core, querierConfig, Optional.of(store)));
    }

    /** Builds a querier that reads the ingesters only, for tests. */
    static Querier create(CoreServices core, QuerierConfig config) {
        return create(core, config, Optional.empty());
    }

    /** Builds the querier from a config record (and the blocks storage, if it reads blocks) and registers its routes. */
    static Querier create(CoreServices core, QuerierConfig config, Optional<ObjectStore> blocksStore) {
        Querier querier = DaggerQuerierGraph.factory().create(core, config, blocksStore, REMOTE_PENDING).querier();
        querier.registerRoutes();
        core.localInstances().register(QuerierClient.class, querier);
        return querier;
    }
}
