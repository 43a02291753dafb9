package mimir.storegateway;

import dagger.BindsInstance;
import dagger.Component;
import jakarta.inject.Singleton;

import mimir.spi.CoreServices;
import mimir.spi.objstore.ObjectStore;

/**
 * The component's Dagger graph. {@link CoreServices} is a component dependency ({@code clock()},
 * {@code meterRegistry()}); the config, the blocks-storage store and the store-gateway's place in its
 * ring are bound by the provider.
 */
@Singleton
@Component(dependencies = CoreServices.class)
interface StoreGatewayGraph {
    StoreGateway storeGateway();

    StoreGatewayHttpApi httpApi();

    @Component.Factory
    interface Factory {
        StoreGatewayGraph create(CoreServices core, @BindsInstance StoreGatewayConfig config, @BindsInstance ObjectStore store,
                @BindsInstance StoreGatewayRing ring);
    }
}
