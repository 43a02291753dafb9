package mimir.kv.etcd;

import static java.util.Objects.requireNonNull;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.File;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

import mimir.kv.etcd.proto.AuthenticateRequest;
import mimir.kv.etcd.proto.RangeRequest;

/**
 * One gRPC channel to the configured etcd members, shared by a client's calls and watches: TLS and
 * authentication as configured, every unary call bounded by {@code -etcd.dial-timeout} and waiting
 * for a connection within it (like etcd's own client, a call made while a member restarts waits for
 * it rather than failing at once). With {@code -etcd.username}, the token etcd hands out is sent on
 * every call and fetched again when etcd says it expired.
 */
final class EtcdConnection implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EtcdConnection.class.getName());

    private final EtcdConfig config;
    private final ManagedChannel managedChannel;
    private final Channel channel;
    private final ScheduledExecutorService scheduler;
    private volatile String token;

    private EtcdConnection(EtcdConfig config) throws IOException {
        this.config = requireNonNull(config, "config is null");
        this.managedChannel = channel(config);
        this.channel = ClientInterceptors.intercept(managedChannel, new TokenInterceptor());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "kv-etcd-watch-" + config.scope().flagPrefix());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Connects, and authenticates if a user name is configured, within {@code -etcd.dial-timeout}.
     *
     * @throws IOException if etcd cannot be reached or refuses the credentials; the message names the flags
     */
    static EtcdConnection open(EtcdConfig config) throws IOException {
        EtcdConnection connection = new EtcdConnection(config);
        try {
            connection.probe();
            return connection;
        }
        catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    @SuppressWarnings("deprecation") // nameResolverFactory: the static endpoint list needs no registry entry of its own.
    private static ManagedChannel channel(EtcdConfig config) throws IOException {
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(EtcdNameResolver.SCHEME + ":///" + config.endpoints().getFirst().authority())
                .nameResolverFactory(EtcdNameResolver.factory(config.endpoints(), config.tlsServerName()))
                .defaultLoadBalancingPolicy("pick_first")
                // As etcd's Go client: any reply size; etcd's own --max-request-bytes bounds what it stores.
                .maxInboundMessageSize(Integer.MAX_VALUE)
                // Notices a member that vanished without closing the connection (a watch would wait forever).
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS);
        if (config.tlsEnabled()) {
            builder.sslContext(sslContext(config)).useTransportSecurity();
        }
        else {
            builder.usePlaintext();
        }
        return builder.build();
    }

    private static SslContext sslContext(EtcdConfig config) throws IOException {
        SslContextBuilder tls = GrpcSslContexts.forClient();
        try {
            if (config.tlsInsecureSkipVerify()) {
                tls.trustManager(InsecureTrustManagerFactory.INSTANCE);
            }
            else if (!config.tlsCaPath().isEmpty()) {
                tls.trustManager(new File(config.tlsCaPath()));
            }
            if (!config.tlsCertPath().isEmpty()) {
                tls.keyManager(new File(config.tlsCertPath()), new File(config.tlsKeyPath()));
            }
            if (!config.tlsMinVersion().isEmpty()) {
                tls.protocols(EtcdConfig.TLS_VERSIONS.values().stream().filter(p -> p.compareTo(config.tlsMinVersion()) >= 0).sorted().toList());
            }
            if (!config.tlsCipherSuites().isEmpty()) {
                tls.ciphers(config.tlsCipherSuites());
            }
            return tls.build();
        }
        catch (SSLException | IllegalArgumentException e) {
            throw new IOException("cannot set up TLS for etcd from " + config.flag("tls-cert-path") + ", " + config.flag("tls-key-path") + ", "
                    + config.flag("tls-ca-path") + ", " + config.flag("tls-cipher-suites") + " and " + config.flag("tls-min-version") + ": "
                    + e.getMessage(), e);
        }
    }

    private void probe() throws IOException {
        try {
            if (!config.username().isEmpty()) {
                authenticate();
            }
            else {
                unary(EtcdGrpc.RANGE, RangeRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFromUtf8("\0")).setCountOnly(true).build());
            }
        }
        catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.PERMISSION_DENIED) {
                return; // reachable, and authenticated: the user may read only its own keys
            }
            Status.Code code = e.getStatus().getCode();
            String what = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
                    ? "cannot reach etcd at " + config.describeEndpoints() + " within " + config.flag("dial-timeout") + "="
                            + mimir.spi.config.Durations.format(config.dialTimeout())
                    : config.username().isEmpty() ? "etcd at " + config.describeEndpoints() + " refused a read"
                    : "etcd at " + config.describeEndpoints() + " refused to authenticate " + config.flag("username") + "=" + config.username();
            throw new IOException(what + ": " + describe(e), e);
        }
    }

    /** The configuration the connection was made with. */
    EtcdConfig config() {
        return config;
    }

    /** Runs the watches' bookkeeping and calls their listeners, one at a time. */
    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * A unary call, waiting up to {@code -etcd.dial-timeout} for a connection and the reply; with an
     * expired token, authenticates again and repeats it once.
     */
    <Q, R> R unary(MethodDescriptor<Q, R> method, Q request) {
        try {
            return ClientCalls.blockingUnaryCall(channel, method, callOptions(), request);
        }
        catch (StatusRuntimeException e) {
            if (!tokenExpired(e)) {
                throw e;
            }
            authenticate();
            return ClientCalls.blockingUnaryCall(channel, method, callOptions(), request);
        }
    }

    /** The same call, its reply or failure given to {@code observer} on a gRPC thread. */
    <Q, R> void unaryAsync(MethodDescriptor<Q, R> method, Q request, StreamObserver<R> observer) {
        ClientCalls.asyncUnaryCall(channel.newCall(method, callOptions()), request, observer);
    }

    /** A new watch stream (no deadline: it lives until closed); {@code responses} gets etcd's messages. */
    <Q, R> StreamObserver<Q> bidiStream(MethodDescriptor<Q, R> method, StreamObserver<R> responses) {
        return ClientCalls.asyncBidiStreamingCall(channel.newCall(method, CallOptions.DEFAULT.withWaitForReady()), responses);
    }

    private CallOptions callOptions() {
        return CallOptions.DEFAULT.withWaitForReady().withDeadlineAfter(config.dialTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Fetches a new token, if a user name is configured. */
    synchronized void authenticate() {
        if (config.username().isEmpty()) {
            return;
        }
        token = null;
        AuthenticateRequest request = AuthenticateRequest.newBuilder().setName(config.username()).setPassword(config.password()).build();
        token = ClientCalls.blockingUnaryCall(channel, EtcdGrpc.AUTHENTICATE, callOptions(), request).getToken();
        LOG.log(System.Logger.Level.DEBUG, () -> "authenticated to etcd user=" + config.username());
    }

    /** True if etcd refused the call's token: it expired, or the auth store changed since it was issued. */
    boolean tokenExpired(StatusRuntimeException e) {
        if (config.username().isEmpty()) {
            return false;
        }
        String description = String.valueOf(e.getStatus().getDescription());
        return e.getStatus().getCode() == Status.Code.UNAUTHENTICATED || description.contains("invalid auth token")
                || description.contains("revision of auth store is old");
    }

    /** Asks the channel to reconnect now rather than after its own backoff. */
    void reconnectNow() {
        managedChannel.resetConnectBackoff();
    }

    /** A failure as a message: its gRPC code and etcd's description. */
    static String describe(StatusRuntimeException e) {
        Status status = e.getStatus();
        String description = status.getDescription() == null ? "" : ": " + status.getDescription();
        String cause = status.getCause() == null || status.getCause().getMessage() == null ? "" : " (" + status.getCause().getMessage() + ")";
        return status.getCode() + description + cause;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        managedChannel.shutdownNow();
        try {
            managedChannel.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends the current token, if any, in etcd's {@code token} header. */
    private final class TokenInterceptor implements ClientInterceptor {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    String current = token;
                    if (current != null && method != EtcdGrpc.AUTHENTICATE) {
                        headers.put(EtcdGrpc.TOKEN_HEADER, current);
                    }
                    super.start(listener, headers);
                }
            };
        }
    }
}
