package mimir.queryfrontend;

import dagger.BindsInstance;
import dagger.Component;
import jakarta.inject.Singleton;

import mimir.spi.CoreServices;

/** The component's Dagger graph; {@link CoreServices} provides overrides, clock, local instances and metrics. */
@Singleton
@Component(dependencies = CoreServices.class)
interface QueryFrontendGraph {
    QueryFrontend frontend();

    @Component.Factory
    interface Factory {
        QueryFrontendGraph create(CoreServices core, @BindsInstance QueryFrontendConfig config);
    }
}
