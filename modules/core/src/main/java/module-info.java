/**
 * The launcher and everything a process has whatever it runs: flags and YAML config, the module
 * manager that resolves {@code -target} and starts services in dependency order, the Dagger root
 * graph that implements {@link mimir.spi.CoreServices}, the Netty HTTP server and grpc-java server,
 * Micrometer metrics, logfmt logging, runtime config with per-tenant overrides, object store
 * selection, plugin loading into child module layers, and module-graph diagnostics.
 *
 * <p>It never {@code requires} a component: components and storage backends are found with
 * {@link java.util.ServiceLoader} in the boot layer ({@code lib/}) and in plugin layers
 * ({@code plugins/<name>/}).
 */
module mimir.core {
    requires mimir.model;
    requires mimir.spi;
    requires mimir.yaml;
    requires com.fasterxml.jackson.core;
    requires dagger;
    requires io.grpc;
    requires io.grpc.netty;
    // gRPC's Netty transport is an automatic module: it does not make the explicit Netty modules it
    // uses resolve (the launcher adds ALL-MODULE-PATH for its runtime-only io.netty.handler.proxy).
    requires io.netty.codec.http2;
    requires io.grpc.services;
    requires io.grpc.stub;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires jakarta.inject;
    requires java.logging;
    requires java.management;
    requires javax.inject;
    requires jdk.management;
    requires jdk.unsupported;
    requires micrometer.core;
    requires micrometer.registry.prometheus;
    requires org.snakeyaml.engine;

    uses mimir.spi.ComponentProvider;
    uses mimir.spi.objstore.ObjectStoreProvider;
    uses mimir.spi.kv.KvStoreProvider;

    provides java.lang.System.LoggerFinder with mimir.core.logging.LogfmtLoggerFinder;
}
