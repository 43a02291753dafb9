package mimir.compactor;

import java.util.List;

import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.StorageScope;
import mimir.spi.service.Service;

/**
 * The {@code compactor} module. Mimir's depends on api, memberlist-kv, overrides and vault; until the
 * ring exists here (one compactor compacts every tenant) it depends on api, overrides and vault.
 */
public final class CompactorProvider implements ComponentProvider {
    @Override
    public String name() {
        return "compactor";
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
        CompactorConfig.register(registry);
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) throws Exception {
        CompactorConfig compactorConfig = CompactorConfig.from(config);
        ObjectStore store = core.objectStores().open(StorageScope.BLOCKS, "compactor");
        CompactorGraph graph = DaggerCompactorGraph.factory().create(core, compactorConfig, store);
        graph.httpApi().register(core.httpRoutes());
        graph.blockUploadApi().register(core.httpRoutes());
        return List.of(graph.compactor());
    }
}
