package mimir.storegateway.client;

import static java.util.Objects.requireNonNull;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import mimir.grpccommon.TenantChannel;
import mimir.storegateway.client.grpc.StoreGatewayGrpc;
import mimir.tsdb.block.Ulid;

/**
 * The {@link StoreGatewayClient} of one store-gateway in another process, over gRPC
 * ({@code gatewaypb.StoreGateway}, see {@link StoreGatewayGrpc}): one plaintext channel to
 * {@code host:port}, which connects on first use and reconnects by itself. The tenant travels in the
 * {@code x-scope-orgid} header of every call; every call has the configured deadline.
 *
 * <p>A failed call is a {@link StoreGatewayRpcException} naming the address. {@link BlocksQuerier#select}
 * reads its {@code Series} stream to the end before it returns: the blocks not queried are known only
 * from the stream's last message, and a store-gateway failing mid-stream must count as a failed call
 * (which the querier retries on another replica) rather than as a truncated answer. Thread-safe.
 */
public final class GrpcStoreGatewayClient implements StoreGatewayClient, AutoCloseable {
    private final String address;
    private final GrpcStoreGatewayClientConfig config;
    private final TenantChannel tenantChannel;
    private final Channel channel;

    /** A client of the store-gateway at {@code address} ({@code host:port}, or any gRPC target). */
    public GrpcStoreGatewayClient(String address, GrpcStoreGatewayClientConfig config) {
        this.address = requireNonNull(address, "address is null");
        this.config = requireNonNull(config, "config is null");
        this.tenantChannel = new TenantChannel(address, config.maxReceiveMessageSize(), StoreGatewayGrpc.TENANT_HEADER);
        this.channel = tenantChannel.channel();
    }

    /** The store-gateway's address as given. */
    public String address() {
        return address;
    }

    @Override
    public BlocksQuerier querier(String tenant, Set<Ulid> blocks, long mint, long maxt) {
        return new GrpcBlocksQuerier(this, requireNonNull(tenant, "tenant is null"), blocks, mint, maxt);
    }

    /** Closes the channel, letting calls in flight finish for up to 5 seconds. */
    @Override
    public void close() {
        tenantChannel.close();
    }

    // ---- for GrpcBlocksQuerier

    /** A unary call; a failure is a {@link StoreGatewayRpcException}. */
    <Req, Resp> Resp call(MethodDescriptor<Req, Resp> method, String tenant, Req request) {
        try {
            return ClientCalls.blockingUnaryCall(channel, method, options(tenant), request);
        }
        catch (StatusRuntimeException e) {
            throw failure(method, e);
        }
    }

    /** Starts a server-streaming call; a failure while reading the iterator is a {@link StatusRuntimeException}, see {@link #failure}. */
    <Req, Resp> Iterator<Resp> stream(MethodDescriptor<Req, Resp> method, String tenant, Req request) {
        ClientCall<Req, Resp> call = channel.newCall(method, options(tenant));
        try {
            return ClientCalls.blockingServerStreamingCall(call, request);
        }
        catch (StatusRuntimeException e) {
            throw failure(method, e);
        }
    }

    StoreGatewayRpcException failure(MethodDescriptor<?, ?> method, StatusRuntimeException e) {
        Status status = e.getStatus();
        return new StoreGatewayRpcException(address, method.getFullMethodName() + " failed: " + TenantChannel.describe(status),
                status.getCode() == Status.Code.INVALID_ARGUMENT, e);
    }

    StoreGatewayRpcException invalidResponse(MethodDescriptor<?, ?> method, String problem, Throwable cause) {
        return new StoreGatewayRpcException(address, "invalid " + method.getFullMethodName() + " response: " + problem, false, cause);
    }

    /** Runs a conversion of a response; an invalid response is a {@link StoreGatewayRpcException}. */
    <T> T decoded(MethodDescriptor<?, ?> method, Supplier<T> conversion) {
        try {
            return conversion.get();
        }
        catch (IllegalArgumentException e) {
            throw invalidResponse(method, e.getMessage(), e);
        }
    }

    private CallOptions options(String tenant) {
        return TenantChannel.options(tenant)
                .withDeadlineAfter(config.timeout().toNanos(), TimeUnit.NANOSECONDS)
                .withMaxOutboundMessageSize(config.maxSendMessageSize());
    }
}
