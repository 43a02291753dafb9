package mimir.distributor;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import mimir.distributor.client.DistributorClient;
import mimir.ingester.client.IngesterClientPool;
import mimir.ingester.client.IngesterClientSettings;
import mimir.ring.Operation;
import mimir.ring.RingClient;
import mimir.ring.RingMembership;
import mimir.ring.RingSettings;
import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;

/**
 * Mimir's internal {@code distributor-service} module: the distributor without its HTTP endpoints and
 * without a place in the distributor ring. It is what the {@code distributor} component serves push
 * requests with, and what a ruler writes recording-rule results through when no distributor component
 * runs in its process ({@code -target=backend}, {@code -target=ruler}): the same validation, limits,
 * HA deduplication and quorum writes to the ingesters of the ring, over gRPC. It watches the distributor
 * ring to take its share of the tenants' global rate limits, as the distributors do.
 */
public final class DistributorServiceProvider implements ComponentProvider {
    static final String NAME = "distributor-service";

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
        core.localInstances().register(DistributorClient.class, graph.distributor());
        // The ring is read here; only the distributor component registers in it (its lifecycler).
        RingMembership membership = RingMembership.open(core.kvStores(), RingSettings.DISTRIBUTOR.read(config), core.clock());
        RingClient ring = membership.ring();
        graph.distributor().shareLimitsWith(() -> ring.ring().healthyCount(Operation.WRITE, core.clock().millis()));
        core.localInstances().register(DistributorParts.class, new DistributorParts(graph, membership));
        return List.of(new RingAndClients(ring, ingesters), graph.distributor());
    }

    /** What the {@code distributor} component adds its endpoints and its ring membership to. */
    record DistributorParts(DistributorGraph graph, RingMembership membership) {}

    /**
     * The distributor ring as this process sees it, and the gRPC channels to the ingesters; stopped
     * after the distributor, so in-flight pushes finish first.
     */
    private record RingAndClients(RingClient ring, IngesterClientPool ingesters) implements Service {
        @Override
        public String name() {
            return "distributor-ring-client";
        }

        @Override
        public void start(ServiceContext context) throws Exception {
            ring.start();
        }

        @Override
        public void stop() throws Exception {
            try {
                ring.close();
                ring.kv().close();
            }
            finally {
                ingesters.close();
            }
        }
    }
}
