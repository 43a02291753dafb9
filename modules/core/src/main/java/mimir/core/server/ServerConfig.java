package mimir.core.server;

import java.time.Duration;
import java.util.List;

import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.SharedSettings;
import mimir.spi.config.ValueTypes;

/**
 * The {@code server} block and the tenancy flags, with Mimir's flag names, YAML keys and defaults.
 *
 * @param httpListenAddress       {@code -server.http-listen-address}; empty means every interface
 * @param httpListenPort          {@code -server.http-listen-port}
 * @param grpcListenAddress       {@code -server.grpc-listen-address}
 * @param grpcListenPort          {@code -server.grpc-listen-port}
 * @param gracefulShutdownTimeout {@code -server.graceful-shutdown-timeout}
 * @param grpcMaxRecvBytes        {@code -server.grpc-max-recv-msg-size-bytes}
 * @param httpMaxRequestBytes     largest HTTP request body accepted
 * @param multitenancyEnabled     {@code -auth.multitenancy-enabled}
 * @param noAuthTenant            {@code -auth.no-auth-tenant}
 * @param prometheusHttpPrefix    {@code -http.prometheus-http-prefix}
 * @param tenantFederationEnabled {@code -tenant-federation.enabled}
 * @param tenantFromBasicAuth     {@code -auth.tenant-from-basic-auth} (not in Mimir): a request without
 *                                {@code X-Scope-OrgID} names its tenant as the user of HTTP basic authentication
 */
public record ServerConfig(
        String httpListenAddress,
        int httpListenPort,
        String grpcListenAddress,
        int grpcListenPort,
        Duration gracefulShutdownTimeout,
        int grpcMaxRecvBytes,
        int httpMaxRequestBytes,
        boolean multitenancyEnabled,
        String noAuthTenant,
        String prometheusHttpPrefix,
        boolean tenantFederationEnabled,
        boolean tenantFromBasicAuth) {

    public static final Setting<String> HTTP_LISTEN_ADDRESS = Setting.advanced("server.http-listen-address", "server.http_listen_address",
            ValueTypes.STRING, "", "HTTP server listen address.");
    public static final Setting<Integer> HTTP_LISTEN_PORT = Setting.basic("server.http-listen-port", "server.http_listen_port",
            ValueTypes.INT, 8080, "HTTP server listen port.");
    public static final Setting<String> GRPC_LISTEN_ADDRESS = Setting.advanced("server.grpc-listen-address", "server.grpc_listen_address",
            ValueTypes.STRING, "", "gRPC server listen address.");
    public static final Setting<Integer> GRPC_LISTEN_PORT = SharedSettings.GRPC_LISTEN_PORT;
    public static final Setting<Duration> GRACEFUL_SHUTDOWN_TIMEOUT = Setting.advanced("server.graceful-shutdown-timeout",
            "server.graceful_shutdown_timeout", ValueTypes.DURATION, Duration.ofSeconds(30), "Timeout for graceful shutdowns");
    public static final Setting<Integer> GRPC_MAX_RECV = Setting.advanced("server.grpc-max-recv-msg-size-bytes",
            "server.grpc_server_max_recv_msg_size", ValueTypes.INT, 100 * 1024 * 1024, "Limit on the size of a gRPC message this server can receive (bytes).");
    public static final Setting<Integer> HTTP_MAX_REQUEST = Setting.advanced("server.http-max-request-size-bytes",
            "server.http_max_request_size_bytes", ValueTypes.INT, 100 * 1024 * 1024,
            "Limit on the size of an HTTP request body this server accepts (bytes); larger requests get a 413.");
    public static final Setting<String> LOG_LEVEL = Setting.basic("log.level", "server.log_level",
            ValueTypes.oneOf("debug", "info", "warn", "error"), "info", "Only log messages with the given severity or above. Valid levels: [debug, info, warn, error]");
    public static final Setting<Boolean> MULTITENANCY_ENABLED = Setting.basic("auth.multitenancy-enabled", "multitenancy_enabled",
            ValueTypes.BOOLEAN, true, "When set to true, incoming HTTP requests must specify tenant ID in HTTP X-Scope-OrgId header. When set to false, tenant ID from -auth.no-auth-tenant is used instead.");
    public static final Setting<String> NO_AUTH_TENANT = Setting.advanced("auth.no-auth-tenant", "no_auth_tenant",
            ValueTypes.STRING, "anonymous", "Tenant ID to use when multitenancy is disabled.");
    public static final Setting<Boolean> TENANT_FROM_BASIC_AUTH = Setting.advanced("auth.tenant-from-basic-auth", "tenant_from_basic_auth",
            ValueTypes.BOOLEAN, false, "Beyond Mimir: when a request has no X-Scope-OrgID header, take the tenant ID from the user name of its HTTP "
                    + "basic authentication, for clients that can send credentials but no custom header (amtool 0.25, older Prometheus). The password is "
                    + "not checked: as with X-Scope-OrgID, authentication is the job of a proxy in front.");
    public static final Setting<Boolean> TENANT_FEDERATION_ENABLED = SharedSettings.TENANT_FEDERATION_ENABLED;
    public static final Setting<String> PROMETHEUS_HTTP_PREFIX = SharedSettings.PROMETHEUS_HTTP_PREFIX;

    /** Registers the settings. */
    public static void register(ConfigRegistry registry) {
        for (Setting<?> setting : List.of(HTTP_LISTEN_ADDRESS, HTTP_LISTEN_PORT, GRPC_LISTEN_ADDRESS, GRPC_LISTEN_PORT, GRACEFUL_SHUTDOWN_TIMEOUT,
                GRPC_MAX_RECV, HTTP_MAX_REQUEST, LOG_LEVEL, MULTITENANCY_ENABLED, NO_AUTH_TENANT, PROMETHEUS_HTTP_PREFIX,
                TENANT_FEDERATION_ENABLED, TENANT_FROM_BASIC_AUTH)) {
            registry.register(setting);
        }
    }

    /** Reads the settings. */
    public static ServerConfig from(ConfigValues values) {
        return new ServerConfig(values.get(HTTP_LISTEN_ADDRESS), values.get(HTTP_LISTEN_PORT), values.get(GRPC_LISTEN_ADDRESS),
                values.get(GRPC_LISTEN_PORT), values.get(GRACEFUL_SHUTDOWN_TIMEOUT), values.get(GRPC_MAX_RECV),
                values.get(HTTP_MAX_REQUEST), values.get(MULTITENANCY_ENABLED), values.get(NO_AUTH_TENANT), values.get(PROMETHEUS_HTTP_PREFIX),
                values.get(TENANT_FEDERATION_ENABLED), values.get(TENANT_FROM_BASIC_AUTH));
    }

    public ServerConfig {
        checkPort(httpListenPort, "-server.http-listen-port");
        checkPort(grpcListenPort, "-server.grpc-listen-port");
        if (gracefulShutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("-server.graceful-shutdown-timeout must not be negative");
        }
        if (!prometheusHttpPrefix.isEmpty() && !prometheusHttpPrefix.startsWith("/")) {
            throw new IllegalArgumentException("-http.prometheus-http-prefix must start with '/': " + prometheusHttpPrefix);
        }
    }

    private static void checkPort(int port, String flag) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(flag + " must be between 0 and 65535, got " + port);
        }
    }
}
