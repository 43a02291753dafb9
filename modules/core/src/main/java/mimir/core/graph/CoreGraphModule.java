package mimir.core.graph;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.inject.Singleton;
import java.time.Clock;

import mimir.core.config.LoadedConfig;
import mimir.core.local.LocalInstanceRegistry;
import mimir.core.objstore.StorageConfig;
import mimir.core.runtimeconfig.RuntimeConfigManager;
import mimir.core.server.GrpcServer;
import mimir.core.server.HttpServer;
import mimir.core.server.RouteTable;
import mimir.core.server.ServerConfig;
import mimir.spi.GrpcServices;
import mimir.core.kv.KvConfig;
import mimir.spi.KvStores;
import mimir.spi.LocalInstances;
import mimir.spi.ObjectStores;
import mimir.spi.Overrides;
import mimir.spi.config.ConfigValues;
import mimir.spi.http.HttpRoutes;
import mimir.spi.limits.Limits;

/** Bindings of the root graph. */
@Module
abstract class CoreGraphModule {
    @Binds
    abstract ConfigValues configValues(LoadedConfig config);

    @Binds
    abstract MeterRegistry meterRegistry(PrometheusMeterRegistry registry);

    @Binds
    abstract HttpRoutes httpRoutes(RouteTable routes);

    @Binds
    abstract GrpcServices grpcServices(GrpcServer server);

    @Binds
    abstract Overrides overrides(RuntimeConfigManager manager);

    @Binds
    abstract ObjectStores objectStores(StorageConfig storage);

    @Binds
    abstract KvStores kvStores(KvConfig kv);

    @Binds
    abstract LocalInstances localInstances(LocalInstanceRegistry registry);

    @Provides
    @Singleton
    static LocalInstanceRegistry localInstanceRegistry() {
        return new LocalInstanceRegistry();
    }

    @Provides
    @Singleton
    static ServerConfig serverConfig(LoadedConfig config) {
        return ServerConfig.from(config);
    }

    @Provides
    @Singleton
    static PrometheusMeterRegistry prometheusRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }

    @Provides
    @Singleton
    static RouteTable routeTable(ServerConfig config, MeterRegistry registry) {
        return new RouteTable(config, registry);
    }

    @Provides
    @Singleton
    static HttpServer httpServer(ServerConfig config, RouteTable routes) {
        return new HttpServer(config, routes);
    }

    @Provides
    @Singleton
    static GrpcServer grpcServer(ServerConfig config) {
        return new GrpcServer(config);
    }

    @Provides
    @Singleton
    static RuntimeConfigManager runtimeConfigManager(LoadedConfig config, MeterRegistry registry, Clock clock) {
        return new RuntimeConfigManager(registry, config, clock, Limits.fromConfig(config));
    }
}
