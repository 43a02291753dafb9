package mimir.spi;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

import mimir.spi.config.ConfigValues;
import mimir.spi.http.HttpRoutes;

/**
 * What {@code mimir.core} gives every component: a plain interface of provision methods, used as a
 * Dagger component dependency by each component's own graph.
 */
public interface CoreServices {
    /** The effective configuration. */
    ConfigValues config();

    /** The registry served at {@code /metrics}; use Mimir's metric names. */
    MeterRegistry meterRegistry();

    /** The HTTP server's routes. */
    HttpRoutes httpRoutes();

    /** The gRPC server's services. */
    GrpcServices grpcServices();

    /** Opens object stores per storage scope. */
    ObjectStores objectStores();

    /** Opens KV stores per scope (rings, HA tracker). */
    KvStores kvStores();

    /** Per-tenant limits with runtime overrides. */
    Overrides overrides();

    /** The clock; tests substitute their own. */
    Clock clock();

    /** What the components of this process offer each other in-process, and which modules run here. */
    LocalInstances localInstances();
}
