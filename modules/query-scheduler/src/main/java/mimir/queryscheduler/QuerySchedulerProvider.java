package mimir.queryscheduler;

import java.util.List;

import mimir.queryscheduler.client.SchedulerForFrontend;
import mimir.queryscheduler.client.SchedulerForQuerier;
import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.service.Service;

/**
 * The {@code query-scheduler} module. Registers the scheduler in-process for the query-frontend and the
 * querier workers of this process; the gRPC services for remote peers come with the distributed modes.
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
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) {
        QueryScheduler scheduler = DaggerQuerySchedulerGraph.factory().create(core, QuerySchedulerConfig.from(config)).scheduler();
        core.localInstances().register(SchedulerForFrontend.class, scheduler);
        core.localInstances().register(SchedulerForQuerier.class, scheduler);
        return List.of(scheduler);
    }
}
