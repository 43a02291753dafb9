package mimir.alertmanager;

import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;

import mimir.spi.CoreServices;
import mimir.spi.Overrides;
import mimir.spi.objstore.ObjectStore;

/**
 * The component's Dagger graph. {@link CoreServices} is a component dependency: its provision
 * methods ({@code overrides()}, {@code clock()}, {@code meterRegistry()}, ...) are the bindings this
 * graph gets from the launcher's root graph.
 */
@Singleton
@Component(dependencies = CoreServices.class, modules = AlertmanagerGraph.AlertmanagerModule.class)
interface AlertmanagerGraph {
    MultitenantAlertmanager alertmanager();

    AlertmanagerApi api();

    AlertmanagerConfigApi configApi();

    @Component.Factory
    interface Factory {
        AlertmanagerGraph create(CoreServices core, @BindsInstance AlertmanagerConfig config, @BindsInstance ObjectStore alertmanagerStore);
    }

    @Module
    final class AlertmanagerModule {
        private AlertmanagerModule() {}

        @Provides
        @Singleton
        static AlertStore alertStore(ObjectStore alertmanagerStore) {
            return new AlertStore(alertmanagerStore);
        }

        @Provides
        @Singleton
        static AlertmanagerMetrics metrics(MeterRegistry registry) {
            return new AlertmanagerMetrics(registry);
        }

        @Provides
        @Singleton
        static AlertmanagerApi api(MultitenantAlertmanager alertmanager, Overrides overrides, Clock clock, AlertmanagerMetrics metrics) {
            return new AlertmanagerApi(alertmanager, overrides, clock, metrics);
        }

        @Provides
        @Singleton
        static AlertmanagerConfigApi configApi(MultitenantAlertmanager alertmanager, Overrides overrides) {
            return new AlertmanagerConfigApi(alertmanager, overrides);
        }
    }
}
