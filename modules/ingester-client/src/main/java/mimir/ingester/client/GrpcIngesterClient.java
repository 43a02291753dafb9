package mimir.ingester.client;

import static java.util.Objects.requireNonNull;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import mimir.grpccommon.TenantChannel;
import mimir.ingester.client.grpc.IngesterGrpc;
import mimir.ingester.client.grpc.IngesterProtos;
import mimir.ingester.client.grpc.PushCodec;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.proto.ingesterpb.DeleteSeriesRequest;
import mimir.proto.ingesterpb.ExemplarQueryRequest;
import mimir.proto.ingesterpb.ExemplarQueryResponse;
import mimir.proto.ingesterpb.MetricsMetadataRequest;
import mimir.proto.ingesterpb.MetricsMetadataResponse;
import mimir.proto.ingesterpb.PushResponse;
import mimir.proto.ingesterpb.UserStatsRequest;
import mimir.proto.prompb.TimeSeries;

/**
 * The {@link IngesterClient} of one ingester in another process, over gRPC ({@code cortex.Ingester},
 * see {@link IngesterGrpc}): one plaintext channel to {@code host:port}, which connects on first use
 * and reconnects by itself. The tenant travels in the {@code x-scope-orgid} header of every call.
 *
 * <p>Deadlines and sizes come from {@link GrpcIngesterClientConfig}. A failed push is an
 * {@link IngesterException} with the ingester's own HTTP status and message when the ingester refused
 * it, and otherwise (unreachable, deadline, message too large) with a status chosen by
 * {@link IngesterGrpc#httpStatusWithoutTrailer} and a message naming the address. Any other failed call
 * is an {@link IngesterRpcException} naming the address ({@link #deleteSeries} wraps it in the
 * {@link IOException} its contract declares).
 *
 * <p>{@link #querier} streams: each {@code select} starts a {@code QueryStream} call at once and reads
 * its messages as the caller advances the series set, so at most about two messages per select are
 * in memory; closing the querier cancels the calls still open. Thread-safe.
 */
public final class GrpcIngesterClient implements IngesterClient, AutoCloseable {
    private final String address;
    private final GrpcIngesterClientConfig config;
    private final TenantChannel tenantChannel;
    private final Channel channel;

    /** A client of the ingester at {@code address} ({@code host:port}, or any gRPC target). */
    public GrpcIngesterClient(String address, GrpcIngesterClientConfig config) {
        this.address = requireNonNull(address, "address is null");
        this.config = requireNonNull(config, "config is null");
        this.tenantChannel = new TenantChannel(address, config.maxReceiveMessageSize(), IngesterGrpc.TENANT_HEADER);
        this.channel = tenantChannel.channel();
    }

    /** The ingester's address as given. */
    public String address() {
        return address;
    }

    @Override
    public PushResult push(String tenant, WriteBatch batch) throws IngesterException {
        requireNonNull(tenant, "tenant is null");
        byte[] request = PushCodec.encode(batch);
        // Checked here rather than by CallOptions.withMaxOutboundMessageSize, whose failure leaves a
        // blocking call waiting forever (grpc-java issue 12109).
        int size = request.length;
        if (size > config.maxSendMessageSize()) {
            throw new IngesterException(413, "ingester " + address + ": push of " + size + " bytes is larger than the maximum message size "
                    + config.maxSendMessageSize() + " (-ingester.client.grpc-max-send-msg-size)");
        }
        PushResponse response;
        try {
            response = ClientCalls.blockingUnaryCall(channel, IngesterGrpc.PUSH, options(tenant, config.pushTimeout()), request);
        }
        catch (StatusRuntimeException e) {
            throw pushFailure(e);
        }
        try {
            return PushCodec.decode(response);
        }
        catch (IllegalArgumentException e) {
            throw new IngesterException(500, "ingester " + address + ": invalid push response: " + e.getMessage(), e);
        }
    }

    private IngesterException pushFailure(StatusRuntimeException e) {
        Status status = e.getStatus();
        OptionalInt fromIngester = IngesterGrpc.httpStatus(e.getTrailers());
        if (fromIngester.isPresent()) {
            String message = status.getDescription() == null ? status.getCode().name() : status.getDescription();
            return new IngesterException(fromIngester.getAsInt(), message, e);
        }
        int httpStatus = IngesterGrpc.httpStatusWithoutTrailer(status.getCode());
        return new IngesterException(httpStatus, "ingester " + address + ": push failed: " + TenantChannel.describe(status), e);
    }

    @Override
    public Querier querier(String tenant, long mint, long maxt) {
        return new GrpcIngesterQuerier(this, requireNonNull(tenant, "tenant is null"), mint, maxt);
    }

    @Override
    public List<MetricMetadata> metricsMetadata(String tenant, String metric, int limit, int limitPerMetric) {
        MetricsMetadataRequest request = MetricsMetadataRequest.newBuilder()
                .setMetric(requireNonNull(metric, "metric is null"))
                .setLimit(limit)
                .setLimitPerMetric(limitPerMetric)
                .build();
        MetricsMetadataResponse response = call(IngesterGrpc.METRICS_METADATA, tenant, request);
        return decoded(IngesterGrpc.METRICS_METADATA, () -> {
            List<MetricMetadata> result = new ArrayList<>(response.getMetadataCount());
            for (mimir.proto.prompb.MetricMetadata metadata : response.getMetadataList()) {
                result.add(IngesterProtos.metadataFromProto(metadata));
            }
            return result;
        });
    }

    @Override
    public List<ExemplarSeries> queryExemplars(String tenant, long start, long end, List<List<Matcher>> matcherSets) {
        ExemplarQueryRequest request = ExemplarQueryRequest.newBuilder()
                .setStartTimestampMs(start)
                .setEndTimestampMs(end)
                .addAllMatchers(IngesterProtos.matcherSetsToProto(matcherSets))
                .build();
        ExemplarQueryResponse response = call(IngesterGrpc.QUERY_EXEMPLARS, tenant, request);
        return decoded(IngesterGrpc.QUERY_EXEMPLARS, () -> {
            List<ExemplarSeries> result = new ArrayList<>(response.getTimeseriesCount());
            for (TimeSeries series : response.getTimeseriesList()) {
                result.add(IngesterProtos.exemplarSeriesFromProto(series));
            }
            return result;
        });
    }

    @Override
    public UserStats userStats(String tenant) {
        return IngesterProtos.userStatsFromProto(call(IngesterGrpc.USER_STATS, tenant, UserStatsRequest.getDefaultInstance()));
    }

    @Override
    public void deleteSeries(String tenant, long start, long end, List<List<Matcher>> matcherSets) throws IOException {
        DeleteSeriesRequest request = DeleteSeriesRequest.newBuilder()
                .setStartTimestampMs(start)
                .setEndTimestampMs(end)
                .addAllMatchers(IngesterProtos.matcherSetsToProto(matcherSets))
                .build();
        try {
            call(IngesterGrpc.DELETE_SERIES, tenant, request);
        }
        catch (IngesterRpcException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Closes the channel, letting calls in flight finish for up to 5 seconds. */
    @Override
    public void close() {
        tenantChannel.close();
    }

    // ---- for GrpcIngesterQuerier

    /** A unary read call with the read deadline; a failure is an {@link IngesterRpcException}. */
    <Req, Resp> Resp call(MethodDescriptor<Req, Resp> method, String tenant, Req request) {
        requireNonNull(tenant, "tenant is null");
        try {
            return ClientCalls.blockingUnaryCall(channel, method, options(tenant, config.queryTimeout()), request);
        }
        catch (StatusRuntimeException e) {
            throw failure(method, e);
        }
    }

    /** A new call with the read deadline, not started. */
    <Req, Resp> ClientCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, String tenant) {
        return channel.newCall(method, options(tenant, config.queryTimeout()));
    }

    IngesterRpcException failure(MethodDescriptor<?, ?> method, StatusRuntimeException e) {
        return new IngesterRpcException(address, method.getFullMethodName() + " failed: " + TenantChannel.describe(e.getStatus()), e);
    }

    /** Runs a conversion of a response; an invalid response is an {@link IngesterRpcException}. */
    <T> T decoded(MethodDescriptor<?, ?> method, Supplier<T> conversion) {
        try {
            return conversion.get();
        }
        catch (IllegalArgumentException e) {
            throw new IngesterRpcException(address, "invalid " + method.getFullMethodName() + " response: " + e.getMessage(), e);
        }
    }

    private CallOptions options(String tenant, Duration timeout) {
        return TenantChannel.options(tenant)
                .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
