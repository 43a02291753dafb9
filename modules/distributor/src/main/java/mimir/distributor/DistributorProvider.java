package mimir.distributor;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

import mimir.distributor.client.DistributorClient;
import mimir.ingester.client.IngesterClientPool;
import mimir.ingester.client.IngesterClientSettings;
import mimir.ring.Lifecycler;
import mimir.ring.Operation;
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
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;

/**
 * The {@code distributor} module. Of Mimir's dependencies (distributor-service: ingester-ring, overrides,
 * ...) it names those that exist here.
 */
public final class DistributorProvider implements ComponentProvider {


    @Override
    public String name() {
        return "distributor";
    }

    @Override
    public List<String> dependencies() {
        return List.of("api", "ingester-ring", "overrides", "runtime-config", "memberlist-kv", "vault");
    }

    @Override
    public void registerConfig(ConfigRegistry registry) {
        DistributorConfig.register(registry);
        RingSettings.DISTRIBUTOR.register(registry);
        IngesterClientSettings.register(registry);
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) throws IOException {
        DistributorConfig distributorConfig = DistributorConfig.from(config);
        IngesterClientPool ingesters = new IngesterClientPool(IngesterClientSettings.read(config, distributorConfig.remoteTimeout(), Duration.ofMinutes(2)));
        DistributorGraph graph = DaggerDistributorGraph.factory().create(core, distributorConfig, ingesters::get);
        graph.httpApi().register(core.httpRoutes());
        graph.otlpApi().register(core.httpRoutes());
        core.localInstances().register(DistributorClient.class, graph.distributor());
        RingSettings.Values ringSettings = RingSettings.DISTRIBUTOR.read(config);
        KvClient<RingDesc> kv = core.kvStores().open(KvScope.DISTRIBUTOR_RING, RingDesc.CODEC);
        RingClient ring = new RingClient(kv, ringSettings, core.clock());
        new RingPage("Distributor Ring Status", ring).register(core.httpRoutes(), "/distributor/ring");
        graph.distributor().shareLimitsWith(() -> ring.ring().healthyCount(Operation.WRITE, core.clock().millis()));
        return List.of(new DistributorRing(ring, new Lifecycler(kv, ringSettings, core.clock(), new SecureRandom(), Lifecycler.DEFAULT_LEFT_TIMEOUT), ingesters),
                graph.distributor());
    }

    /**
     * The distributor ring: this distributor registers and heartbeats, and counts its healthy peers.
     * Stopped after the distributor, it also closes the gRPC channels to the ingesters.
     */
    private record DistributorRing(RingClient ring, Lifecycler lifecycler, IngesterClientPool ingesters) implements Service {
        @Override
        public String name() {
            return "distributor-ring";
        }

        @Override
        public void start(ServiceContext context) throws Exception {
            ring.start();
            lifecycler.start();
        }

        @Override
        public void stop() throws Exception {
            try {
                lifecycler.stop();
            }
            finally {
                ring.close();
                ring.kv().close();
                ingesters.close();
            }
        }
    }
}
