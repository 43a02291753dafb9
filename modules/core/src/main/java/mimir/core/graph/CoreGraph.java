package mimir.core.graph;

import dagger.BindsInstance;
import dagger.Component;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.inject.Singleton;
import java.time.Clock;

import mimir.core.config.LoadedConfig;
import mimir.core.local.LocalInstanceRegistry;
import mimir.core.kv.KvConfig;
import mimir.core.objstore.StorageConfig;
import mimir.core.runtimeconfig.RuntimeConfigManager;
import mimir.core.server.GrpcServer;
import mimir.core.server.HttpServer;
import mimir.core.server.RouteTable;
import mimir.core.server.ServerConfig;
import mimir.spi.CoreServices;

/**
 * The process's root Dagger graph. It implements {@link CoreServices}, which each component's own
 * Dagger graph takes as a component dependency; components are never compiled against this graph.
 */
@Singleton
@Component(modules = CoreGraphModule.class)
public interface CoreGraph extends CoreServices {
    LoadedConfig loadedConfig();

    ServerConfig serverConfig();

    PrometheusMeterRegistry prometheusRegistry();

    RouteTable routeTable();

    HttpServer httpServer();

    GrpcServer grpcServer();

    RuntimeConfigManager runtimeConfigManager();

    StorageConfig storageConfig();

    LocalInstanceRegistry localInstanceRegistry();

    /** Builds the graph from the loaded configuration. */
    @Component.Factory
    interface Factory {
        CoreGraph create(@BindsInstance LoadedConfig config, @BindsInstance StorageConfig storage, @BindsInstance KvConfig kv, @BindsInstance Clock clock);
    }
}
