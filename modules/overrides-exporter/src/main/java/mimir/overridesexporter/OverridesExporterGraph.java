package mimir.overridesexporter;

import dagger.BindsInstance;
import dagger.Component;
import jakarta.inject.Singleton;

import mimir.spi.CoreServices;

/**
 * The component's Dagger graph. {@link CoreServices} is a component dependency: its provision
 * methods ({@code overrides()}, {@code meterRegistry()}, ...) are the bindings this graph gets from
 * the launcher's root graph.
 */
@Singleton
@Component(dependencies = CoreServices.class)
interface OverridesExporterGraph {
    OverridesExporter exporter();

    @Component.Factory
    interface Factory {
        OverridesExporterGraph create(CoreServices core, @BindsInstance OverridesExporterConfig config);
    }
}
