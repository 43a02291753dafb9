package mimir.ruler;

import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.MeterRegistry;

import mimir.ruler.store.RuleStore;
import mimir.spi.CoreServices;
import mimir.spi.Overrides;
import mimir.spi.objstore.ObjectStore;

/**
 * The component's Dagger graph. {@link CoreServices} is a component dependency: its provision
 * methods ({@code overrides()}, {@code clock()}, {@code localInstances()}, ...) are the bindings this
 * graph gets from the launcher's root graph.
 */
@Singleton
@Component(dependencies = CoreServices.class, modules = RulerGraph.RulerModule.class)
interface RulerGraph {
    Ruler ruler();

    RulerConfigApi configApi();

    RulerPrometheusApi prometheusApi();

    @Component.Factory
    interface Factory {
        RulerGraph create(CoreServices core, @BindsInstance RulerConfig config, @BindsInstance ObjectStore rulerStore, @BindsInstance RulerRing ring);
    }

    @Module
    final class RulerModule {
        private RulerModule() {}

        @Provides
        @Singleton
        static RuleStore ruleStore(ObjectStore rulerStore) {
            return new RuleStore(rulerStore);
        }

        @Provides
        @Singleton
        static RulerMetrics metrics(MeterRegistry registry) {
            return new RulerMetrics(registry);
        }

        @Provides
        @Singleton
        static RulerConfigApi configApi(RulerConfig config, RuleStore store, Ruler ruler, Overrides overrides) {
            return new RulerConfigApi(config, store, ruler, overrides);
        }

        @Provides
        @Singleton
        static RulerPrometheusApi prometheusApi(RulerConfig config, Ruler ruler, RulerPeers peers) {
            return new RulerPrometheusApi(config, ruler, peers);
        }

        @Provides
        @Singleton
        static RulerPeers peers(RulerRing ring) {
            return new RulerPeers(ring);
        }
    }
}
