package mimir.spi.config;

/**
 * Settings that {@code mimir.core} registers and components read as well, e.g. the querier and the
 * query-frontend serve the Prometheus API under the same prefix. Read them with
 * {@link ConfigValues#get}; never register them again.
 */
public final class SharedSettings {
    /** {@code -http.prometheus-http-prefix}: where the Prometheus HTTP API is served. */
    public static final Setting<String> PROMETHEUS_HTTP_PREFIX = Setting.advanced("http.prometheus-http-prefix", "api.prometheus_http_prefix",
            ValueTypes.STRING, "/prometheus", "HTTP URL path under which the Prometheus api will be served.");

    /** {@code -tenant-federation.enabled}: whether read requests may name several tenants ({@code a|b}). */
    public static final Setting<Boolean> TENANT_FEDERATION_ENABLED = Setting.basic("tenant-federation.enabled", "tenant_federation.enabled",
            ValueTypes.BOOLEAN, false, "If enabled on all services, queries can be federated across multiple tenants. The tenant IDs involved need to be specified separated by a '|' character in the 'X-Scope-OrgID' header.");

    /** {@code -server.grpc-listen-port}: where the gRPC server listens; rings advertise it as the instance port by default. */
    public static final Setting<Integer> GRPC_LISTEN_PORT = Setting.basic("server.grpc-listen-port", "server.grpc_listen_port",
            ValueTypes.INT, 9095, "gRPC server listen port.");

    private SharedSettings() {}
}
