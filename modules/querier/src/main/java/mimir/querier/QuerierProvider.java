package mimir.querier;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import mimir.queryscheduler.client.RingSchedulerForQuerier;
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
    public List<Service> create(CoreServices core, ConfigValues config) throws IOException {
        Querier querier = core.localInstances().find(Querier.class).orElseThrow(() -> new IllegalStateException(
                "querier: the queryable module was not created first"));
        Optional<RingSchedulerForQuerier> schedulers = Optional.empty();
        if (SchedulerDiscovery.ringMode(config)) {
            QuerierConfig querierConfig = QuerierConfig.from(config);
            if (!querierConfig.schedulerAddress().isEmpty()) {
                throw new IllegalArgumentException("-querier.scheduler-address cannot be set when -query-scheduler.service-discovery-mode is ring");
            }
            RingClient ring = new RingClient(core.kvStores().open(KvScope.QUERY_SCHEDULER_RING, RingDesc.CODEC), SchedulerDiscovery.RING.read(config),
                    core.clock());
            schedulers = Optional.of(new RingSchedulerForQuerier(ring, querierConfig.schedulerMaxRecvMsgSize()));
        }
        querier.serveAsComponent(schedulers);
        return List.of();
    }

    /** Builds a querier component that reads the in-process ingester only, for tests. */
    static Querier create(CoreServices core, QuerierConfig config) {
        Querier querier = QueryableProvider.create(core, config);
        querier.serveAsComponent(Optional.empty());
        return querier;
    }
}
