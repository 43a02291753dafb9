package mimir.ingester;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;

import mimir.grpccommon.convert.PrometheusProtos;
import mimir.ingester.client.ExemplarSeries;
import mimir.ingester.client.IngesterClient;
import mimir.ingester.client.IngesterException;
import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.WriteBatch;
import mimir.ingester.client.grpc.IngesterGrpc;
import mimir.ingester.client.grpc.IngesterProtos;
import mimir.ingester.client.grpc.PushCodec;
import mimir.model.InvalidTenantIdException;
import mimir.model.Matcher;
import mimir.model.TenantIds;
import mimir.model.storage.Querier;
import mimir.proto.ingesterpb.DeleteSeriesRequest;
import mimir.proto.ingesterpb.DeleteSeriesResponse;
import mimir.proto.ingesterpb.ExemplarQueryRequest;
import mimir.proto.ingesterpb.ExemplarQueryResponse;
import mimir.proto.ingesterpb.LabelNamesRequest;
import mimir.proto.ingesterpb.LabelNamesResponse;
import mimir.proto.ingesterpb.LabelValuesRequest;
import mimir.proto.ingesterpb.LabelValuesResponse;
import mimir.proto.ingesterpb.MetricsMetadataRequest;
import mimir.proto.ingesterpb.MetricsMetadataResponse;
import mimir.proto.ingesterpb.PushResponse;
import mimir.proto.ingesterpb.QueryRequest;
import mimir.proto.ingesterpb.QueryStreamResponse;
import mimir.proto.ingesterpb.UserStatsRequest;
import mimir.proto.ingesterpb.UserStatsResponse;

/**
 * The ingester's {@code cortex.Ingester} gRPC service (see {@link IngesterGrpc}) over its in-process
 * {@link IngesterClient}, so distributors and queriers in other processes push to and read from it.
 *
 * <p>Every call needs its tenant in the {@code x-scope-orgid} header; without one, or with an invalid
 * one, it fails with {@code INVALID_ARGUMENT} before any work. Requests arrive as bytes and are parsed
 * here, not by gRPC, so that bytes that are not a valid message (or a message that is not a valid
 * request: unsorted labels, a regular expression that does not compile) get a clean
 * {@code INVALID_ARGUMENT} naming the problem; a push is decoded whole before anything is stored. An
 * {@link IngesterException} travels with its HTTP status and message ({@link IngesterGrpc#failure});
 * anything else unexpected is {@code INTERNAL}, logged. {@code QueryStream} is written by
 * {@link IngesterQueryStream}, paced by the client's flow control.
 */
final class IngesterGrpcService implements BindableService {
    private static final System.Logger LOG = System.getLogger(IngesterGrpcService.class.getName());
    private static final Context.Key<String> TENANT = Context.key("mimir-tenant");

    private final IngesterClient ingester;
    private final int queryStreamMessageBytes;

    IngesterGrpcService(IngesterClient ingester) {
        this(ingester, IngesterQueryStream.DEFAULT_MESSAGE_BYTES);
    }

    /** @param queryStreamMessageBytes about how large a {@code QueryStream} message gets */
    IngesterGrpcService(IngesterClient ingester, int queryStreamMessageBytes) {
        this.ingester = requireNonNull(ingester, "ingester is null");
        if (queryStreamMessageBytes <= 0) {
            throw new IllegalArgumentException("queryStreamMessageBytes must be positive: " + queryStreamMessageBytes);
        }
        this.queryStreamMessageBytes = queryStreamMessageBytes;
    }

    @Override
    public ServerServiceDefinition bindService() {
        ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(IngesterGrpc.SERVICE_NAME);
        unary(service, IngesterGrpc.PUSH, bytes -> bytes, this::push);
        service.addMethod(bytesIn(IngesterGrpc.QUERY_STREAM), ServerCalls.asyncServerStreamingCall(this::queryStream));
        unary(service, IngesterGrpc.QUERY_EXEMPLARS, ExemplarQueryRequest::parseFrom, this::queryExemplars);
        unary(service, IngesterGrpc.LABEL_VALUES, LabelValuesRequest::parseFrom, this::labelValues);
        unary(service, IngesterGrpc.LABEL_NAMES, LabelNamesRequest::parseFrom, this::labelNames);
        unary(service, IngesterGrpc.USER_STATS, UserStatsRequest::parseFrom, this::userStats);
        unary(service, IngesterGrpc.METRICS_METADATA, MetricsMetadataRequest::parseFrom, this::metricsMetadata);
        unary(service, IngesterGrpc.DELETE_SERIES, DeleteSeriesRequest::parseFrom, this::deleteSeries);
        return ServerInterceptors.intercept(service.build(), new TenantFromHeader());
    }

    /** The method with requests as bytes, for the service to parse. */
    private static <Resp> MethodDescriptor<byte[], Resp> bytesIn(MethodDescriptor<?, Resp> method) {
        return method.toBuilder(IngesterGrpc.BYTES, method.getResponseMarshaller()).build();
    }

    // ---- the calls

    private PushResponse push(String tenant, byte[] request) throws IngesterException, InvalidProtocolBufferException {
        WriteBatch batch = new WriteBatch();
        PushCodec.decode(request, batch);
        return PushCodec.encode(ingester.push(tenant, batch));
    }

    private void queryStream(byte[] bytes, StreamObserver<QueryStreamResponse> observer) {
        String tenant = TENANT.get();
        List<Matcher> matchers;
        QueryRequest request;
        try {
            request = QueryRequest.parseFrom(bytes);
            matchers = PrometheusProtos.matchersFromProto(request.getMatchersList());
        }
        catch (RuntimeException | InvalidProtocolBufferException e) {
            observer.onError(status(IngesterGrpc.QUERY_STREAM, tenant, e));
            return;
        }
        Querier querier;
        try {
            querier = ingester.querier(tenant, request.getStartTimestampMs(), request.getEndTimestampMs());
        }
        catch (RuntimeException e) {
            observer.onError(status(IngesterGrpc.QUERY_STREAM, tenant, e));
            return;
        }
        new IngesterQueryStream(querier, (ServerCallStreamObserver<QueryStreamResponse>) observer, queryStreamMessageBytes, tenant)
                .start(request.getSorted(), matchers);
    }

    private ExemplarQueryResponse queryExemplars(String tenant, ExemplarQueryRequest request) {
        List<ExemplarSeries> found = ingester.queryExemplars(tenant, request.getStartTimestampMs(), request.getEndTimestampMs(),
                IngesterProtos.matcherSetsFromProto(request.getMatchersList()));
        ExemplarQueryResponse.Builder response = ExemplarQueryResponse.newBuilder();
        for (ExemplarSeries series : found) {
            response.addTimeseries(IngesterProtos.exemplarSeriesToProto(series));
        }
        return response.build();
    }

    private LabelValuesResponse labelValues(String tenant, LabelValuesRequest request) {
        List<Matcher> matchers = PrometheusProtos.matchersFromProto(request.getMatchersList());
        try (Querier querier = ingester.querier(tenant, request.getStartTimestampMs(), request.getEndTimestampMs())) {
            return LabelValuesResponse.newBuilder().addAllLabelValues(querier.labelValues(request.getLabelName(), matchers)).build();
        }
    }

    private LabelNamesResponse labelNames(String tenant, LabelNamesRequest request) {
        List<Matcher> matchers = PrometheusProtos.matchersFromProto(request.getMatchersList());
        try (Querier querier = ingester.querier(tenant, request.getStartTimestampMs(), request.getEndTimestampMs())) {
            return LabelNamesResponse.newBuilder().addAllLabelNames(querier.labelNames(matchers)).build();
        }
    }

    private UserStatsResponse userStats(String tenant, UserStatsRequest request) {
        return IngesterProtos.userStatsToProto(ingester.userStats(tenant));
    }

    private MetricsMetadataResponse metricsMetadata(String tenant, MetricsMetadataRequest request) {
        MetricsMetadataResponse.Builder response = MetricsMetadataResponse.newBuilder();
        for (MetricMetadata metadata : ingester.metricsMetadata(tenant, request.getMetric(), request.getLimit(), request.getLimitPerMetric())) {
            response.addMetadata(IngesterProtos.metadataToProto(metadata));
        }
        return response.build();
    }

    private DeleteSeriesResponse deleteSeries(String tenant, DeleteSeriesRequest request) throws IOException {
        ingester.deleteSeries(tenant, request.getStartTimestampMs(), request.getEndTimestampMs(),
                IngesterProtos.matcherSetsFromProto(request.getMatchersList()));
        return DeleteSeriesResponse.getDefaultInstance();
    }

    // ---- plumbing

    @FunctionalInterface
    private interface RequestParser<Req> {
        Req parse(byte[] bytes) throws InvalidProtocolBufferException;
    }

    @FunctionalInterface
    private interface Handler<Req, Resp> {
        Resp handle(String tenant, Req request) throws Exception;
    }

    private static <Req, Resp> void unary(ServerServiceDefinition.Builder service, MethodDescriptor<?, Resp> method, RequestParser<Req> parser,
            Handler<Req, Resp> handler) {
        service.addMethod(bytesIn(method), ServerCalls.asyncUnaryCall((bytes, observer) -> {
            String tenant = TENANT.get();
            Resp response;
            try {
                response = handler.handle(tenant, parser.parse(bytes));
            }
            catch (Exception e) {
                observer.onError(status(method, tenant, e));
                return;
            }
            observer.onNext(response);
            observer.onCompleted();
        }));
    }

    /** The status a failed call answers with; an unexpected failure is logged. */
    static StatusException status(MethodDescriptor<?, ?> method, String tenant, Exception failure) {
        return switch (failure) {
            case InvalidProtocolBufferException malformed -> IngesterGrpc.invalidArgument("malformed " + method.getFullMethodName() + " request: "
                    + malformed.getMessage());
            case IngesterException refused -> IngesterGrpc.failure(refused.httpStatus(), refused.getMessage());
            case IllegalArgumentException invalid -> IngesterGrpc.invalidArgument(
                    "invalid " + method.getFullMethodName() + " request: " + invalid.getMessage());
            default -> {
                LOG.log(Level.ERROR, "ingester grpc call failed method=" + method.getFullMethodName() + " user=" + tenant + " err=\"" + failure + "\"",
                        failure);
                yield IngesterGrpc.failure(500, method.getFullMethodName() + " failed: " + failure.getMessage());
            }
        };
    }

    /** Reads and checks the tenant header, refusing a call without a valid one. */
    private static final class TenantFromHeader implements ServerInterceptor {
        @Override
        public <Req, Resp> ServerCall.Listener<Req> interceptCall(ServerCall<Req, Resp> call, Metadata headers, ServerCallHandler<Req, Resp> next) {
            String tenant = headers.get(IngesterGrpc.TENANT_HEADER);
            StatusException refusal = null;
            if (tenant == null || tenant.isEmpty()) {
                refusal = IngesterGrpc.invalidArgument("no tenant ID in the gRPC metadata header " + IngesterGrpc.TENANT_HEADER.name()
                        + " of the " + call.getMethodDescriptor().getFullMethodName() + " call");
            }
            else {
                try {
                    TenantIds.validate(tenant);
                }
                catch (InvalidTenantIdException e) {
                    refusal = IngesterGrpc.invalidArgument(e.getMessage());
                }
            }
            if (refusal != null) {
                call.close(refusal.getStatus(), refusal.getTrailers());
                return new ServerCall.Listener<>() {};
            }
            return Contexts.interceptCall(Context.current().withValue(TENANT, tenant), call, headers, next);
        }
    }
}
