package mimir.grpccommon;

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
import io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/**
 * One plaintext gRPC channel to a server in another process, which connects on first use and
 * reconnects by itself. A call made with {@link #options(String)} carries its tenant in the given
 * header ({@code x-scope-orgid}); a call without a tenant carries no such header. Thread-safe.
 */
public final class TenantChannel implements AutoCloseable {
    private static final CallOptions.Key<String> TENANT = CallOptions.Key.create("mimir-tenant");

    private final ManagedChannel managedChannel;
    private final Channel channel;

    /** A channel to {@code target} ({@code host:port}, or any gRPC target) that accepts messages up to {@code maxInboundMessageSize} bytes. */
    public TenantChannel(String target, int maxInboundMessageSize, Metadata.Key<String> tenantHeader) {
        requireNonNull(target, "target is null");
        requireNonNull(tenantHeader, "tenantHeader is null");
        this.managedChannel = NettyChannelBuilder.forTarget(target)
                .usePlaintext()
                .maxInboundMessageSize(maxInboundMessageSize)
                .build();
        this.channel = ClientInterceptors.intercept(managedChannel, new TenantHeader(tenantHeader));
    }

    /** The channel to make calls on. */
    public Channel channel() {
        return channel;
    }

    /** Call options whose call carries {@code tenant} in the tenant header. */
    public static CallOptions options(String tenant) {
        return CallOptions.DEFAULT.withOption(TENANT, tenant);
    }

    /** A failed call's status for a message: its code, and its description where it has one. */
    public static String describe(Status status) {
        return status.getDescription() == null ? status.getCode().name() : status.getCode() + ": " + status.getDescription();
    }

    /** Closes the channel, letting calls in flight finish for up to 5 seconds. */
    @Override
    public void close() {
        managedChannel.shutdown();
        try {
            if (!managedChannel.awaitTermination(5, TimeUnit.SECONDS)) {
                managedChannel.shutdownNow();
            }
        }
        catch (InterruptedException e) {
            managedChannel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Puts the call's tenant (a call option) into its tenant header. */
    private record TenantHeader(Metadata.Key<String> header) implements ClientInterceptor {
        @Override
        public <Req, Resp> ClientCall<Req, Resp> interceptCall(MethodDescriptor<Req, Resp> method, CallOptions options, Channel next) {
            String tenant = options.getOption(TENANT);
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<Resp> listener, Metadata headers) {
                    if (tenant != null) {
                        headers.put(header, tenant);
                    }
                    super.start(listener, headers);
                }
            };
        }
    }
}
