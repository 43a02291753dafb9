package mimir.ruler;

import java.io.IOException;
import java.util.List;

import mimir.ring.RingMembership;
import mimir.ring.RingSettings;
import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.StorageScope;
import mimir.spi.service.Service;

/**
 * The {@code ruler} module: recording and alerting rules per tenant, in Mimir's internal mode: it
 * evaluates through the {@code queryable} module and writes through the {@code distributor-service}
 * module of its own process (as Mimir's ruler depends on distributor-service and store-queryable), which
 * reach the ingesters and store-gateways of the rings over gRPC when they run elsewhere
 * ({@code -target=backend}). Of Mimir's other dependencies it names those that exist here.
 *
 * <p>The ruler registers in the ruler ring ({@code -ruler.ring.*}, page {@code /ruler/ring}) and
 * evaluates the rule groups it owns there; it serves {@code ruler.Ruler/Rules} on the gRPC server so
 * that the rules and alerts API of any ruler lists every group of the tenant.
 */
public final class RulerProvider implements ComponentProvider {
    @Override
    public String name() {
        return "ruler";
    }

    @Override
    public List<String> dependencies() {
        return List.of("api", "distributor-service", "queryable", "overrides", "runtime-config", "memberlist-kv", "vault");
    }

    @Override
    public List<StorageScope> storageScopes() {
        return List.of(StorageScope.RULER);
    }

    @Override
    public void registerConfig(ConfigRegistry registry) {
        RulerConfig.register(registry);
        RingSettings.RULER.register(registry);
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) throws IOException {
        RingSettings.Values ringSettings = RingSettings.RULER.read(config);
        RulerRing ring = new RulerRing(RingMembership.open(core.kvStores(), ringSettings, core.clock()));
        Ruler ruler = create(core, RulerConfig.from(config), core.objectStores().open(StorageScope.RULER, "ruler"), ring);
        return List.of(ruler);
    }

    /** Builds a ruler without a ring (it owns every group) over a rule store and registers its routes. */
    static Ruler create(CoreServices core, RulerConfig config, ObjectStore store) {
        return create(core, config, store, RulerRing.ownsEverything());
    }

    /** Builds the ruler over a rule store and its place in the ring, and registers its routes and gRPC service. */
    static Ruler create(CoreServices core, RulerConfig config, ObjectStore store, RulerRing ring) {
        RulerGraph graph = DaggerRulerGraph.factory().create(core, config, store, ring);
        ring.registerPage(core.httpRoutes());
        if (ring.enabled()) {
            core.grpcServices().add(new RulerGrpcService(graph.prometheusApi()));
        }
        graph.prometheusApi().register(core.httpRoutes());
        if (config.enableApi()) {
            graph.configApi().register(core.httpRoutes());
        }
        return graph.ruler();
    }
}
