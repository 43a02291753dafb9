package mimir.ingester.client.grpc;

import com.google.protobuf.Message;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.protobuf.ProtoUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.OptionalInt;

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
 * The {@code cortex.Ingester} service as both ends see it ({@code ingester/ingester.proto} in
 * {@code mimir.proto}; no generated stubs): its method descriptors, the tenant header, and how a
 * failure's HTTP status travels. The client uses the descriptors as they are; the ingester's service
 * registers the same names with a request marshaller of its own, so it parses requests itself and
 * answers a malformed one with {@code INVALID_ARGUMENT}.
 *
 * <p>Status mapping ({@link #failure}): 429 travels as {@code RESOURCE_EXHAUSTED}, another 4xx as
 * {@code FAILED_PRECONDITION}, 503 as {@code UNAVAILABLE}, another 5xx as {@code INTERNAL}; the HTTP
 * status itself rides in the {@link #HTTP_STATUS_TRAILER trailer} so the caller rebuilds the same
 * {@code IngesterException}. A failure without the trailer (transport, deadline, message size) is
 * given one by {@link #httpStatusWithoutTrailer}.
 */
public final class IngesterGrpc {
    public static final String SERVICE_NAME = "cortex.Ingester";

    /** The tenant of a call, as in Mimir. Required on every call. */
    public static final Metadata.Key<String> TENANT_HEADER = Metadata.Key.of("x-scope-orgid", Metadata.ASCII_STRING_MARSHALLER);

    /** The HTTP status of a failure (decimal), for the caller to answer its own client with. */
    public static final Metadata.Key<String> HTTP_STATUS_TRAILER = Metadata.Key.of("mimir-http-status", Metadata.ASCII_STRING_MARSHALLER);

    /**
     * Messages as their bytes, handed to the transport without a copy. The service receives every request
     * this way and parses it itself; {@link #PUSH} sends {@link PushCodec}'s bytes.
     */
    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new BytesStream(value);
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

    /** {@code Push}: a {@code cortex.PushRequest} as written by {@link PushCodec#encode(mimir.ingester.client.WriteBatch)}. */
    public static final MethodDescriptor<byte[], PushResponse> PUSH = MethodDescriptor.<byte[], PushResponse>newBuilder(BYTES,
                    ProtoUtils.marshaller(PushResponse.getDefaultInstance()))
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, "Push"))
            .build();
    public static final MethodDescriptor<QueryRequest, QueryStreamResponse> QUERY_STREAM = method(MethodDescriptor.MethodType.SERVER_STREAMING,
            "QueryStream", QueryRequest.getDefaultInstance(), QueryStreamResponse.getDefaultInstance());
    public static final MethodDescriptor<ExemplarQueryRequest, ExemplarQueryResponse> QUERY_EXEMPLARS = unary("QueryExemplars",
            ExemplarQueryRequest.getDefaultInstance(), ExemplarQueryResponse.getDefaultInstance());
    public static final MethodDescriptor<LabelValuesRequest, LabelValuesResponse> LABEL_VALUES = unary("LabelValues",
            LabelValuesRequest.getDefaultInstance(), LabelValuesResponse.getDefaultInstance());
    public static final MethodDescriptor<LabelNamesRequest, LabelNamesResponse> LABEL_NAMES = unary("LabelNames",
            LabelNamesRequest.getDefaultInstance(), LabelNamesResponse.getDefaultInstance());
    public static final MethodDescriptor<UserStatsRequest, UserStatsResponse> USER_STATS = unary("UserStats", UserStatsRequest.getDefaultInstance(),
            UserStatsResponse.getDefaultInstance());
    public static final MethodDescriptor<MetricsMetadataRequest, MetricsMetadataResponse> METRICS_METADATA = unary("MetricsMetadata",
            MetricsMetadataRequest.getDefaultInstance(), MetricsMetadataResponse.getDefaultInstance());
    public static final MethodDescriptor<DeleteSeriesRequest, DeleteSeriesResponse> DELETE_SERIES = unary("DeleteSeries",
            DeleteSeriesRequest.getDefaultInstance(), DeleteSeriesResponse.getDefaultInstance());

    /** Every method of the service. */
    public static final List<MethodDescriptor<?, ?>> METHODS = List.of(PUSH, QUERY_STREAM, QUERY_EXEMPLARS, LABEL_VALUES, LABEL_NAMES, USER_STATS,
            METRICS_METADATA, DELETE_SERIES);

    private IngesterGrpc() {}

    private static <Req extends Message, Resp extends Message> MethodDescriptor<Req, Resp> unary(String name, Req request, Resp response) {
        return method(MethodDescriptor.MethodType.UNARY, name, request, response);
    }

    private static <Req extends Message, Resp extends Message> MethodDescriptor<Req, Resp> method(MethodDescriptor.MethodType type, String name,
            Req request, Resp response) {
        return MethodDescriptor.<Req, Resp>newBuilder(ProtoUtils.marshaller(request), ProtoUtils.marshaller(response))
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, name))
                .build();
    }

    /** A byte array the transport can size and drain in one write. */
    private static final class BytesStream extends ByteArrayInputStream implements KnownLength, Drainable {
        BytesStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int length = count - pos;
            target.write(buf, pos, length);
            pos = count;
            return length;
        }
    }

    /** The gRPC status code a failure with this HTTP status travels as. */
    public static Status.Code code(int httpStatus) {
        if (httpStatus == 429) {
            return Status.Code.RESOURCE_EXHAUSTED;
        }
        if (httpStatus >= 400 && httpStatus < 500) {
            return Status.Code.FAILED_PRECONDITION;
        }
        if (httpStatus == 503) {
            return Status.Code.UNAVAILABLE;
        }
        return Status.Code.INTERNAL;
    }

    /** A failure with this HTTP status and message, the status in the trailer, the code by {@link #code}. */
    public static StatusException failure(int httpStatus, String message) {
        return failure(Status.fromCode(code(httpStatus)), httpStatus, message);
    }

    /** A request the server cannot read or accept as sent: {@code INVALID_ARGUMENT}, HTTP 400. */
    public static StatusException invalidArgument(String message) {
        return failure(Status.INVALID_ARGUMENT, 400, message);
    }

    private static StatusException failure(Status status, int httpStatus, String message) {
        Metadata trailers = new Metadata();
        trailers.put(HTTP_STATUS_TRAILER, Integer.toString(httpStatus));
        return status.withDescription(message).asException(trailers);
    }

    /** The HTTP status a failed call's trailers carry, if any. */
    public static OptionalInt httpStatus(Metadata trailers) {
        String value = trailers == null ? null : trailers.get(HTTP_STATUS_TRAILER);
        if (value == null) {
            return OptionalInt.empty();
        }
        try {
            int status = Integer.parseInt(value);
            return status >= 100 && status <= 599 ? OptionalInt.of(status) : OptionalInt.empty();
        }
        catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * The HTTP status for a failure that came without a trailer, so not from the ingester's own checks:
     * 400 for {@code INVALID_ARGUMENT}, 413 for {@code RESOURCE_EXHAUSTED} (a message over a maximum
     * size), 503 for {@code UNAVAILABLE} and {@code DEADLINE_EXCEEDED} (try again), 500 otherwise.
     */
    public static int httpStatusWithoutTrailer(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT -> 400;
            case RESOURCE_EXHAUSTED -> 413;
            case UNAVAILABLE, DEADLINE_EXCEEDED -> 503;
            default -> 500;
        };
    }
}
