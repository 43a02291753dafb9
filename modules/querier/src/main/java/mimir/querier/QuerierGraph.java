package mimir.querier;

import dagger.BindsInstance;
import dagger.Component;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.function.Function;

import mimir.ingester.client.IngesterClient;
import mimir.querier.storage.RingStoreGateways;
import mimir.spi.CoreServices;
import mimir.spi.objstore.ObjectStore;

/**
 * The component's Dagger graph. {@link CoreServices} is a component dependency: its provision
 * methods ({@code overrides()}, {@code clock()}, {@code localInstances()}, ...) are the bindings this
 * graph gets from the launcher's root graph.
 */
@Singleton
@Component(dependencies = CoreServices.class)
interface QuerierGraph {
    Querier querier();

    @Component.Factory
    interface Factory {
        QuerierGraph create(CoreServices core, @BindsInstance QuerierConfig config, @BindsInstance Optional<ObjectStore> blocksStore,
                @BindsInstance Optional<RingStoreGateways> storeGateways, @BindsInstance Function<String, IngesterClient> remoteIngesters);
    }
}
