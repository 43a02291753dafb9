package mimir.distributor;

import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.function.Function;

import mimir.distributor.hatracker.HaTracker;
import mimir.ingester.client.IngesterClient;
import mimir.spi.CoreServices;

/**
 * The component's Dagger graph. {@link CoreServices} is a component dependency: its provision methods
 * ({@code overrides()}, {@code clock()}, {@code localInstances()}, ...) are the bindings this graph
 * gets from the launcher's root graph.
 */
@Singleton
@Component(dependencies = CoreServices.class, modules = DistributorGraph.HaTrackerModule.class)
interface DistributorGraph {
    Distributor distributor();

    DistributorHttpApi httpApi();

    DistributorOtlpApi otlpApi();

    @Component.Factory
    interface Factory {
        DistributorGraph create(CoreServices core, @BindsInstance DistributorConfig config,
                @BindsInstance Function<String, IngesterClient> remoteIngesters);
    }

    @Module
    final class HaTrackerModule {
        private HaTrackerModule() {}

        @Provides
        @Singleton
        static HaTracker haTracker(Clock clock, MeterRegistry registry) {
            return new HaTracker(clock, registry);
        }
    }
}
