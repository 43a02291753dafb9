package mimir.queryscheduler;

import dagger.BindsInstance;
import dagger.Component;
import jakarta.inject.Singleton;

import mimir.spi.CoreServices;

/** The component's Dagger graph; {@link CoreServices} provides overrides and the meter registry. */
@Singleton
@Component(dependencies = CoreServices.class)
interface QuerySchedulerGraph {
    QueryScheduler scheduler();

    @Component.Factory
    interface Factory {
        QuerySchedulerGraph create(CoreServices core, @BindsInstance QuerySchedulerConfig config);
    }
}
