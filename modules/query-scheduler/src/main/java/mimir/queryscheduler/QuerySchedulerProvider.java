package mimir.queryscheduler;

import java.io.IOException;
import java.util.List;

import mimir.queryscheduler.client.SchedulerDiscovery;
import mimir.queryscheduler.client.SchedulerForFrontend;
import mimir.queryscheduler.client.SchedulerForQuerier;
import mimir.ring.InstanceState;
import mimir.ring.RingMembership;
import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.service.Service;

/**
 * The {@code query-scheduler} module. Registers the scheduler in-process for the query-frontend and the
 * querier workers of this process, and its {@code schedulerpb.SchedulerForFrontend} and
 * {@code schedulerpb.SchedulerForQuerier} gRPC services for those in other processes
 * ({@code -query-frontend.scheduler-address}, {@code -querier.scheduler-address}).
 */
public final class QuerySchedulerProvider implements ComponentProvider {
    @Override
    public String name() {
        return "query-scheduler";
    }

    @Override
    public List<String> dependencies() {
        return List.of("api", "overrides", "vault");
    }

    @Override
    public void registerConfig(ConfigRegistry registry) {
        QuerySchedulerConfig.register(registry);
        SchedulerDiscovery.register(registry);
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) throws IOException {
        QueryScheduler scheduler = DaggerQuerySchedulerGraph.factory().create(core, QuerySchedulerConfig.from(config)).scheduler();
        core.localInstances().register(SchedulerForFrontend.class, scheduler);
        core.localInstances().register(SchedulerForQuerier.class, scheduler);
        QuerySchedulerQuerierService querierService = new QuerySchedulerQuerierService(scheduler);
        QuerySchedulerFrontendService frontendService = new QuerySchedulerFrontendService(scheduler);
        core.grpcServices().add(frontendService);
        core.grpcServices().add(querierService);
        // Querier streams first: the requests they fail reach the frontends before those streams end.
        scheduler.onStop(querierService::shutdown);
        scheduler.onStop(frontendService::shutdown);
        if (!SchedulerDiscovery.ringMode(config)) {
            return List.of(scheduler);
        }
        // Ring mode: register in the query-scheduler ring after the scheduler started, and leave it before the
        // scheduler stops, so that frontends and queriers stop using this one first.
        RingMembership membership = RingMembership.open(core.kvStores(), SchedulerDiscovery.RING.read(config), core.clock());
        membership.registerPage(core.httpRoutes(), "Query-scheduler Ring Status", "/query-scheduler/ring");
        return List.of(scheduler, membership.service("query-scheduler-ring", InstanceState.ACTIVE));
    }
}
