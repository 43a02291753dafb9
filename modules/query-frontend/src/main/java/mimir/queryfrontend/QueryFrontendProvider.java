package mimir.queryfrontend;

import java.io.IOException;
import java.util.List;

import mimir.queryscheduler.client.RingSchedulerForFrontend;
import mimir.queryscheduler.client.SchedulerDiscovery;
import mimir.ring.RingClient;
import mimir.ring.RingDesc;
import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.kv.KvScope;
import mimir.spi.service.Service;

/**
 * The {@code query-frontend} module. Registers the Prometheus API routes under
 * {@code -http.prometheus-http-prefix}; at start it connects to the query-scheduler at
 * {@code -query-frontend.scheduler-address}, or takes the one of this process when that is empty (and
 * fails, saying so, when there is none).
 */
public final class QueryFrontendProvider implements ComponentProvider {
    @Override
    public String name() {
        return "query-frontend";
    }

    @Override
    public List<String> dependencies() {
        return List.of("api", "overrides", "runtime-config", "vault");
    }

    @Override
    public void registerConfig(ConfigRegistry registry) {
        QueryFrontendConfig.register(registry);
        SchedulerDiscovery.register(registry);
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) throws IOException {
        QueryFrontendConfig frontendConfig = QueryFrontendConfig.from(config);
        QueryFrontend frontend = DaggerQueryFrontendGraph.factory().create(core, frontendConfig).frontend();
        frontend.registerRoutes(core.httpRoutes());
        if (SchedulerDiscovery.ringMode(config)) {
            if (!frontendConfig.schedulerAddress().isEmpty()) {
                throw new IllegalArgumentException("-query-frontend.scheduler-address cannot be set when -query-scheduler.service-discovery-mode is ring");
            }
            RingClient ring = new RingClient(core.kvStores().open(KvScope.QUERY_SCHEDULER_RING, RingDesc.CODEC), SchedulerDiscovery.RING.read(config),
                    core.clock());
            frontend.useSchedulerRing(new RingSchedulerForFrontend(ring, QueryFrontend.id(), frontendConfig.grpcMaxRecvMsgSize()));
        }
        return List.of(frontend);
    }
}
