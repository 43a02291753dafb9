package mimir.compactor;

import java.security.SecureRandom;
import java.util.List;

import mimir.ring.Lifecycler;
import mimir.ring.RingClient;
import mimir.ring.RingDesc;
import mimir.ring.RingPage;
import mimir.ring.RingSettings;
import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvScope;
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
        KvClient<RingDesc> kv = core.kvStores().open(KvScope.COMPACTOR_RING, RingDesc.CODEC);
        RingClient ringClient = new RingClient(kv, ringSettings, core.clock());
        CompactorRing ring = new CompactorRing(ringClient, new Lifecycler(kv, ringSettings, core.clock(), new SecureRandom(), Lifecycler.DEFAULT_LEFT_TIMEOUT));
        CompactorGraph graph = DaggerCompactorGraph.factory().create(core, compactorConfig, store, ring);
        new RingPage("Compactor Ring Status", ringClient).register(core.httpRoutes(), "/compactor/ring");
        graph.httpApi().register(core.httpRoutes());
        graph.blockUploadApi().register(core.httpRoutes());
        return List.of(graph.compactor());
    }
}
