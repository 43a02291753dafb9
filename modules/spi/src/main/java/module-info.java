/**
 * The extension points of Mimir on the JVM, and nothing else.
 *
 * <p>A component (distributor, ingester, overrides-exporter, ...) is a module that {@code provides}
 * {@link mimir.spi.ComponentProvider}; a storage backend is a module (or classpath-style plugin) that
 * provides {@link mimir.spi.objstore.ObjectStoreProvider}. The launcher in {@code mimir.core} finds
 * both through {@link java.util.ServiceLoader} and hands each component a
 * {@link mimir.spi.CoreServices}. This module holds plain Java types only: no Dagger, Guava, Netty or
 * gRPC type appears in its signatures. Micrometer's {@code MeterRegistry} is the one third-party type,
 * because every component records metrics with Mimir's names through it, and RE2/J's {@code Pattern},
 * because relabel configs are users' regular expressions and must match in linear time.
 */
module mimir.spi {
    requires transitive micrometer.core;
    requires transitive re2j;

    exports mimir.spi;
    exports mimir.spi.config;
    exports mimir.spi.http;
    exports mimir.spi.kv;
    exports mimir.spi.limits;
    exports mimir.spi.objstore;
    exports mimir.spi.service;
}
