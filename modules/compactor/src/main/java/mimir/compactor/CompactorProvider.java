package mimir.compactor;

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

/**
 * The {@code compactor} module, with Mimir's dependencies (api, memberlist-kv, overrides, vault). The
 * compactor registers in its own ring, {@code -compactor.ring.*} (page {@code /compactor/ring}), and
 * runs only the jobs and tenant cleanups the ring gives it; alone in the ring it runs them all.
 */
public final class CompactorProvider implements ComponentProvider {
    @Override
    public String name() {
        return "compactor";
    }

    @Override
    public List<String> dependencies() {
        return List.of("api", "memberlist-kv", "overrides", "vault");
    }

    @Override
    public List<StorageScope> storageScopes() {
        return List.of(StorageScope.BLOCKS);
    }

    @Override
    public void registerConfig(ConfigRegistry registry) {
        CompactorConfig.register(registry);
        RingSettings.COMPACTOR.register(registry);
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) throws Exception {
        CompactorConfig compactorConfig = CompactorConfig.from(config);
        RingSettings.Values ringSettings = RingSettings.COMPACTOR.read(config);
        ObjectStore store = core.objectStores().open(StorageScope.BLOCKS, "compactor");
        RingMembership membership = RingMembership.open(core.kvStores(), ringSettings, core.clock());
        CompactorRing ring = new CompactorRing(membership);
        CompactorGraph graph = DaggerCompactorGraph.factory().create(core, compactorConfig, store, ring);
        membership.registerPage(core.httpRoutes(), "Compactor Ring Status", "/compactor/ring");
        graph.httpApi().register(core.httpRoutes());
        graph.blockUploadApi().register(core.httpRoutes());
        return List.of(graph.compactor());
    }
}
