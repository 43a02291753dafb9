package mimir.ingester;

import dagger.BindsInstance;
import dagger.Component;
import jakarta.inject.Singleton;
import java.util.Optional;

import mimir.spi.CoreServices;
import mimir.spi.objstore.ObjectStore;

/**
 * The component's Dagger graph. {@link CoreServices} is a component dependency: its provision
 * methods ({@code overrides()}, {@code clock()}, {@code meterRegistry()}) are the bindings this graph
 * gets from the launcher's root graph; the config and the blocks-storage store are bound by the provider.
 */
@Singleton
@Component(dependencies = CoreServices.class)
interface IngesterGraph {
    Ingester ingester();

    IngesterHttpApi httpApi();

    @Component.Factory
    interface Factory {
        IngesterGraph create(CoreServices core, @BindsInstance IngesterConfig config, @BindsInstance Optional<ObjectStore> store);
    }
}
