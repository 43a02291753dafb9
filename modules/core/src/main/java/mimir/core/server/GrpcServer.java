package mimir.core.server;

import static java.util.Objects.requireNonNull;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import mimir.spi.GrpcServices;

/**
 * The grpc-java server on {@code -server.grpc-listen-address}:{@code -server.grpc-listen-port}, with
 * the standard {@code grpc.health.v1.Health} service, which reports SERVING once every service of the
 * process is Running (as Mimir's does).
 */
public final class GrpcServer implements GrpcServices {
    private static final System.Logger LOG = System.getLogger(GrpcServer.class.getName());

    private final ServerConfig config;
    private final List<ServerServiceDefinition> services = new ArrayList<>();
    private final HealthStatusManager health = new HealthStatusManager();
    private Server server;

    public GrpcServer(ServerConfig config) {
        this.config = requireNonNull(config, "config is null");
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
    }

    @Override
    public synchronized void add(Object service) {
        ServerServiceDefinition definition = switch (service) {
            case BindableService bindable -> bindable.bindService();
            case ServerServiceDefinition def -> def;
            case null -> throw new IllegalArgumentException("service is null");
            default -> throw new IllegalArgumentException("not a gRPC service: " + service.getClass().getName());
        };
        String name = definition.getServiceDescriptor().getName();
        if (services.stream().anyMatch(s -> s.getServiceDescriptor().getName().equals(name))) {
            throw new IllegalArgumentException("gRPC service already registered: " + name);
        }
        services.add(definition);
    }

    /** Names of the registered services, for diagnostics. */
    public synchronized List<String> serviceNames() {
        return services.stream().map(s -> s.getServiceDescriptor().getName()).toList();
    }

    /** Binds the port; throws if it is taken. */
    public synchronized void start() throws IOException {
        InetSocketAddress address = config.grpcListenAddress().isEmpty()
                ? new InetSocketAddress(config.grpcListenPort())
                : new InetSocketAddress(config.grpcListenAddress(), config.grpcListenPort());
        NettyServerBuilder builder = NettyServerBuilder.forAddress(address)
                .maxInboundMessageSize(config.grpcMaxRecvBytes())
                .addService(health.getHealthService());
        services.forEach(builder::addService);
        try {
            server = builder.build().start();
        }
        catch (IOException e) {
            throw new IOException("cannot listen for gRPC on " + address + " (-server.grpc-listen-address, -server.grpc-listen-port): " + e.getMessage(), e);
        }
        LOG.log(Level.INFO, "grpc server listening addr=" + server.getListenSockets());
    }

    /** The bound port. */
    public int port() {
        return server.getPort();
    }

    /** Sets the health service's overall status. */
    public void setServing(boolean serving) {
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    }

    /** Stops the server, letting in-flight calls finish within the graceful shutdown timeout. */
    public synchronized void stop() throws InterruptedException {
        if (server == null) {
            return;
        }
        health.enterTerminalState();
        server.shutdown();
        if (!server.awaitTermination(config.gracefulShutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            server.shutdownNow();
        }
        server = null;
    }
}
