package mimir.storegateway;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
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
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;

import mimir.grpccommon.convert.PrometheusProtos;
import mimir.model.InvalidTenantIdException;
import mimir.model.Matcher;
import mimir.model.TenantIds;
import mimir.model.storage.SeriesSet;
import mimir.proto.storegatewaypb.LabelNamesRequest;
import mimir.proto.storegatewaypb.LabelNamesResponse;
import mimir.proto.storegatewaypb.LabelValuesRequest;
import mimir.proto.storegatewaypb.LabelValuesResponse;
import mimir.proto.storegatewaypb.SeriesRequest;
import mimir.proto.storegatewaypb.SeriesResponse;
import mimir.storegateway.client.BlocksQuerier;
import mimir.storegateway.client.StoreGatewayClient;
import mimir.storegateway.client.grpc.StoreGatewayGrpc;
import mimir.storegateway.client.grpc.StoreGatewayProtos;
import mimir.tsdb.block.Ulid;

/**
 * The store-gateway's {@code gatewaypb.StoreGateway} gRPC service (see {@link StoreGatewayGrpc}) over
 * its in-process {@link StoreGatewayClient}, so queriers in other processes read the blocks it holds.
 *
 * <p>Every call needs its tenant in the {@code x-scope-orgid} header; without one, or with an invalid
 * one, it fails with {@code INVALID_ARGUMENT} before any work. Requests arrive as bytes and are parsed
 * here, not by gRPC, so that bytes that are not a valid message, and a message that is not a valid
 * request (a block ID that is not a ULID, a regular expression that does not compile), get a clean
 * {@code INVALID_ARGUMENT} naming the problem, and the server goes on serving. Anything else that
 * fails is {@code INTERNAL}, logged. {@code Series} is written by {@link StoreGatewaySeriesStream},
 * paced by the client's flow control.
 */
final class StoreGatewayGrpcService implements BindableService {
    private static final System.Logger LOG = System.getLogger(StoreGatewayGrpcService.class.getName());
    private static final Context.Key<String> TENANT = Context.key("mimir-tenant");

    /** Requests as bytes: gRPC's own parse failure would reset the stream instead of answering. */
    private static final MethodDescriptor.Marshaller<byte[]> REQUEST_BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            throw new UnsupportedOperationException("the service only receives requests");
        }

        @Override
        public byte[] parse(InputStream stream) {
            try (stream) {
                return stream.readAllBytes();
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private final StoreGatewayClient gateway;
    private final int seriesMessageBytes;

    StoreGatewayGrpcService(StoreGatewayClient gateway) {
        this(gateway, StoreGatewaySeriesStream.DEFAULT_MESSAGE_BYTES);
    }

    /** @param seriesMessageBytes the most a {@code Series} message holds (unless one series' labels alone are larger) */
    StoreGatewayGrpcService(StoreGatewayClient gateway, int seriesMessageBytes) {
        this.gateway = requireNonNull(gateway, "gateway is null");
        if (seriesMessageBytes <= 0) {
            throw new IllegalArgumentException("seriesMessageBytes must be positive: " + seriesMessageBytes);
        }
        this.seriesMessageBytes = seriesMessageBytes;
    }

    @Override
    public ServerServiceDefinition bindService() {
        ServerServiceDefinition definition = ServerServiceDefinition.builder(StoreGatewayGrpc.SERVICE_NAME)
                .addMethod(bytesIn(StoreGatewayGrpc.SERIES), ServerCalls.asyncServerStreamingCall(this::series))
                .addMethod(bytesIn(StoreGatewayGrpc.LABEL_NAMES), unary(StoreGatewayGrpc.LABEL_NAMES, LabelNamesRequest.parser(), this::labelNames))
                .addMethod(bytesIn(StoreGatewayGrpc.LABEL_VALUES), unary(StoreGatewayGrpc.LABEL_VALUES, LabelValuesRequest.parser(), this::labelValues))
                .build();
        return ServerInterceptors.intercept(definition, new TenantFromHeader());
    }

    private static <Resp> MethodDescriptor<byte[], Resp> bytesIn(MethodDescriptor<?, Resp> method) {
        return method.toBuilder(REQUEST_BYTES, method.getResponseMarshaller()).build();
    }

    // ---- the calls

    private void series(byte[] bytes, StreamObserver<SeriesResponse> observer) {
        String tenant = TENANT.get();
        BlocksQuerier querier = null;
        BlocksQuerier.Answer<SeriesSet> answer;
        try {
            SeriesRequest request = parse(StoreGatewayGrpc.SERIES, SeriesRequest.parser(), bytes);
            List<Matcher> matchers = PrometheusProtos.matchersFromProto(request.getMatchersList());
            Set<Ulid> blocks = StoreGatewayProtos.blocksFromProto(request.getBlockIdsList());
            querier = gateway.querier(tenant, blocks, request.getMinTime(), request.getMaxTime());
            answer = querier.select(matchers);
        }
        catch (RuntimeException | StatusException e) {
            if (querier != null) {
                querier.close();
            }
            observer.onError(status(StoreGatewayGrpc.SERIES, tenant, e));
            return;
        }
        new StoreGatewaySeriesStream(querier, answer, (ServerCallStreamObserver<SeriesResponse>) observer,
                seriesMessageBytes, tenant).start();
    }

    private LabelNamesResponse labelNames(String tenant, LabelNamesRequest request) {
        List<Matcher> matchers = PrometheusProtos.matchersFromProto(request.getMatchersList());
        Set<Ulid> blocks = StoreGatewayProtos.blocksFromProto(request.getBlockIdsList());
        try (BlocksQuerier querier = gateway.querier(tenant, blocks, request.getMinTime(), request.getMaxTime())) {
            BlocksQuerier.Answer<List<String>> answer = querier.labelNames(matchers);
            return LabelNamesResponse.newBuilder()
                    .addAllNames(answer.value())
                    .addAllNotQueriedBlocks(StoreGatewayProtos.blocksToProto(answer.notQueried()))
                    .build();
        }
    }

    private LabelValuesResponse labelValues(String tenant, LabelValuesRequest request) {
        if (request.getLabelName().isEmpty()) {
            throw new IllegalArgumentException("label_name is empty");
        }
        List<Matcher> matchers = PrometheusProtos.matchersFromProto(request.getMatchersList());
        Set<Ulid> blocks = StoreGatewayProtos.blocksFromProto(request.getBlockIdsList());
        try (BlocksQuerier querier = gateway.querier(tenant, blocks, request.getMinTime(), request.getMaxTime())) {
            BlocksQuerier.Answer<List<String>> answer = querier.labelValues(request.getLabelName(), matchers);
            return LabelValuesResponse.newBuilder()
                    .addAllValues(answer.value())
                    .addAllNotQueriedBlocks(StoreGatewayProtos.blocksToProto(answer.notQueried()))
                    .build();
        }
    }

    // ---- plumbing

    @FunctionalInterface
    private interface Handler<Req, Resp> {
        Resp handle(String tenant, Req request) throws Exception;
    }

    private static <Req, Resp> ServerCallHandler<byte[], Resp> unary(MethodDescriptor<Req, Resp> method, Parser<Req> parser, Handler<Req, Resp> handler) {
        return ServerCalls.asyncUnaryCall((bytes, observer) -> {
            String tenant = TENANT.get();
            Resp response;
            try {
                response = handler.handle(tenant, parse(method, parser, bytes));
            }
            catch (Exception e) {
                observer.onError(status(method, tenant, e));
                return;
            }
            observer.onNext(response);
            observer.onCompleted();
        });
    }

    private static <Req> Req parse(MethodDescriptor<?, ?> method, Parser<Req> parser, byte[] bytes) throws StatusException {
        try {
            return parser.parseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e) {
            throw StoreGatewayGrpc.invalidArgument("malformed " + method.getFullMethodName() + " request: " + e.getMessage());
        }
    }

    /** The status a failed call answers with; an unexpected failure is logged. */
    static StatusException status(MethodDescriptor<?, ?> method, String tenant, Exception failure) {
        return switch (failure) {
            case StatusException status -> status;
            case IllegalArgumentException invalid -> StoreGatewayGrpc.invalidArgument("invalid " + method.getFullMethodName() + " request: "
                    + invalid.getMessage());
            default -> {
                LOG.log(Level.ERROR, "store-gateway grpc call failed method=" + method.getFullMethodName() + " user=" + tenant + " err=\"" + failure
                        + "\"", failure);
                yield StoreGatewayGrpc.internal(method.getFullMethodName() + " failed: " + failure.getMessage());
            }
        };
    }

    /** Reads and checks the tenant header, refusing a call without a valid one. */
    private static final class TenantFromHeader implements ServerInterceptor {
        @Override
        public <Req, Resp> ServerCall.Listener<Req> interceptCall(ServerCall<Req, Resp> call, Metadata headers, ServerCallHandler<Req, Resp> next) {
            String tenant = headers.get(StoreGatewayGrpc.TENANT_HEADER);
            String problem;
            if (tenant == null || tenant.isEmpty()) {
                problem = "no org id: the x-scope-orgid header is missing";
            }
            else {
                try {
                    TenantIds.validate(tenant);
                    problem = null;
                }
                catch (InvalidTenantIdException e) {
                    problem = e.getMessage();
                }
            }
            if (problem != null) {
                call.close(Status.INVALID_ARGUMENT.withDescription(problem), new Metadata());
                return new ServerCall.Listener<>() {};
            }
            return Contexts.interceptCall(Context.current().withValue(TENANT, tenant), call, headers, next);
        }
    }
}
