package mimir.ingester;

import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

import mimir.ingester.client.IngesterClient;
import mimir.ring.IngesterRing;
import mimir.ring.Lifecycler;
import mimir.ring.RingClient;
import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.StorageScope;
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;

/**
 * The {@code ingester} module. Mimir's ingester depends on ingester-service (ring, partitions ring,
 * overrides, runtime-config, memberlist-kv), api, active-groups-cleanup-service and vault; here it
 * depends on those that exist: api, ingester-ring, overrides, runtime-config, memberlist-kv and vault.
 * Registers the in-process {@link IngesterClient} for components of this process and the
 * {@code cortex.Ingester} gRPC service for those of others. Its ring lifecycler is a second service:
 * it joins the ring once the ingester accepts pushes (after the WAL replay) and leaves it before the
 * ingester stops.
 */
public final class IngesterProvider implements ComponentProvider {

    @Override
    public String name() {
        return "ingester";
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
        return List.of(ingester, new RingLifecycler(core));
    }

    /** Registers the ingester in the ingester ring and heartbeats; leaves the ring on stop. */
    private static final class RingLifecycler implements Service {
        private final CoreServices core;
        private Lifecycler lifecycler;

        RingLifecycler(CoreServices core) {
            this.core = core;
        }

        @Override
        public String name() {
            return "ingester-lifecycler";
        }

        @Override
        public void start(ServiceContext context) throws Exception {
            RingClient ring = core.localInstances().find(IngesterRing.class)
                    .orElseThrow(() -> new IllegalStateException("ingester: the ingester-ring module is not running")).client();
            lifecycler = new Lifecycler(ring.kv(), ring.settings(), core.clock(), new SecureRandom(), Lifecycler.DEFAULT_LEFT_TIMEOUT);
            lifecycler.start();
        }

        @Override
        public void stop() throws Exception {
            if (lifecycler != null) {
                lifecycler.stop();
            }
        }
    }
}
