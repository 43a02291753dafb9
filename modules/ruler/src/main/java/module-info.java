/**
 * The {@code ruler} component: every tenant's recording and alerting rule groups, stored in
 * {@code ruler-storage} in Mimir's layout and managed through Mimir's config API, evaluated with
 * Prometheus's semantics through the in-process querier (Mimir's internal mode), results written
 * through the in-process distributor, alerts sent to Alertmanager's v2 API and served by Prometheus's
 * rules and alerts API. Several rulers share the groups through the ruler ring ({@code -ruler.ring.*}),
 * each evaluating the groups it owns, and answer the rules and alerts API for all of them by asking
 * each other over gRPC. Found by the launcher through {@link mimir.spi.ComponentProvider}.
 */
module mimir.ruler {
    requires com.fasterxml.jackson.core;
    requires com.google.protobuf;
    requires dagger;
    requires io.grpc;
    requires io.grpc.stub;
    requires jakarta.inject;
    requires java.net.http;
    requires javax.inject;
    requires micrometer.core;
    requires mimir.distributor.client;
    requires mimir.gotemplate;
    requires mimir.grpccommon;
    requires mimir.proto;
    requires mimir.querier.client;
    requires mimir.ring;
    requires mimir.spi;
    requires mimir.yaml;
    requires org.snakeyaml.engine;
    requires re2j;

    provides mimir.spi.ComponentProvider with mimir.ruler.RulerProvider;
}
