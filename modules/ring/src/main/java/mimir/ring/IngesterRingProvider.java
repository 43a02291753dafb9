package mimir.ring;

import java.util.List;

import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvScope;
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;

/**
 * Mimir's internal {@code ingester-ring} module: the {@code -ingester.ring.*} settings, a client of the
 * ring in the store {@code -ingester.ring.store} names, and the ring page {@code /ingester/ring}.
 */
public final class IngesterRingProvider implements ComponentProvider {
    @Override
    public String name() {
        return "ingester-ring";
    }

    @Override
    public List<String> dependencies() {
        return List.of("api", "runtime-config", "memberlist-kv", "vault");
    }

    @Override
    public boolean userVisible() {
        return false;
    }

    @Override
    public void registerConfig(ConfigRegistry registry) {
        RingSettings.INGESTER.register(registry);
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) throws Exception {
        RingSettings.Values values = RingSettings.INGESTER.read(config);
        KvClient<RingDesc> kv = core.kvStores().open(KvScope.INGESTER_RING, RingDesc.CODEC);
        RingClient client = new RingClient(kv, values, core.clock());
        core.localInstances().register(IngesterRing.class, new IngesterRing(client));
        new RingPage("Ingester Ring Status", client).register(core.httpRoutes(), "/ingester/ring");
        return List.of(new Service() {
            @Override
            public String name() {
                return "ingester-ring";
            }

            @Override
            public void start(ServiceContext context) throws Exception {
                client.start();
            }

            @Override
            public void stop() {
                client.close();
                kv.close();
            }
        });
    }
}
