package mimir.distributor;

import java.util.List;

import mimir.distributor.DistributorServiceProvider.DistributorParts;
import mimir.ring.Lifecycler;
import mimir.spi.ComponentProvider;
import mimir.spi.CoreServices;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;

/**
 * The {@code distributor} component: {@code /api/v1/push}, {@code /otlp/v1/metrics}, the HA tracker's and
 * the distributor ring's pages, over the {@code distributor-service} module it depends on (as in Mimir);
 * it joins the distributor ring, so the distributors share the tenants' global rate limits.
 */
public final class DistributorProvider implements ComponentProvider {
    @Override
    public String name() {
        return "distributor";
    }

    @Override
    public List<String> dependencies() {
        return List.of(DistributorServiceProvider.NAME, "api");
    }

    @Override
    public void registerConfig(ConfigRegistry registry) {
        // The settings are distributor-service's.
    }

    @Override
    public List<Service> create(CoreServices core, ConfigValues config) {
        DistributorParts parts = core.localInstances().find(DistributorParts.class).orElseThrow(() -> new IllegalStateException(
                "distributor: the distributor-service module was not created first"));
        parts.graph().httpApi().register(core.httpRoutes());
        parts.graph().otlpApi().register(core.httpRoutes());
        parts.membership().registerPage(core.httpRoutes(), "Distributor Ring Status", "/distributor/ring");
        Lifecycler lifecycler = parts.membership().lifecycler();
        return List.of(new Service() {
            @Override
            public String name() {
                return "distributor-lifecycler";
            }

            @Override
            public void start(ServiceContext context) throws Exception {
                lifecycler.start();
            }

            @Override
            public void stop() throws Exception {
                lifecycler.stop();
            }
        });
    }
}
