package mimir.compactor;

import dagger.BindsInstance;
import dagger.Component;
import jakarta.inject.Singleton;

import mimir.spi.CoreServices;
import mimir.spi.objstore.ObjectStore;

/**
 * The component's Dagger graph. {@link CoreServices} is a component dependency ({@code overrides()},
 * {@code clock()}, {@code meterRegistry()}); the config, the blocks-storage store and the compactor's ring are bound by the provider.
 */
@Singleton
@Component(dependencies = CoreServices.class)
interface CompactorGraph {
    BucketCompactor compactor();

    CompactorHttpApi httpApi();

    BlockUploadApi blockUploadApi();

    @Component.Factory
    interface Factory {
        CompactorGraph create(CoreServices core, @BindsInstance CompactorConfig config, @BindsInstance ObjectStore store, @BindsInstance CompactorRing ring);
    }
}
