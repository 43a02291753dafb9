package mimir.queryscheduler.client.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import mimir.proto.schedulerpb.FrontendToScheduler;
import mimir.proto.schedulerpb.NameValues;
import mimir.proto.schedulerpb.NotifyQuerierShutdownRequest;
import mimir.proto.schedulerpb.NotifyQuerierShutdownResponse;
import mimir.proto.schedulerpb.QuerierToScheduler;
import mimir.proto.schedulerpb.QueryFailure;
import mimir.proto.schedulerpb.SchedulerToFrontend;
import mimir.proto.schedulerpb.SchedulerToQuerier;
import mimir.spi.http.HttpException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;

/**
 * The {@code schedulerpb.SchedulerForFrontend} and {@code schedulerpb.SchedulerForQuerier} services as
 * both ends see them ({@code scheduler/scheduler.proto} in {@code mimir.proto}; hand-written descriptors,
 * no generated stubs), and the conversions between {@code mimir.spi.http} requests and responses and
 * their messages. The clients use the descriptors as they are; the scheduler registers the same methods
 * with {@link #bytesIn} so that it parses requests itself and answers bytes that are not a message with
 * {@code INVALID_ARGUMENT} instead of gRPC's generic parse failure.
 */
public final class SchedulerGrpc {
    public static final String FRONTEND_SERVICE = "schedulerpb.SchedulerForFrontend";
    public static final String QUERIER_SERVICE = "schedulerpb.SchedulerForQuerier";

    public static final MethodDescriptor<FrontendToScheduler, SchedulerToFrontend> FRONTEND_LOOP = method(MethodDescriptor.MethodType.BIDI_STREAMING,
            FRONTEND_SERVICE, "FrontendLoop", FrontendToScheduler.getDefaultInstance(), SchedulerToFrontend.getDefaultInstance());
    public static final MethodDescriptor<QuerierToScheduler, SchedulerToQuerier> QUERIER_LOOP = method(MethodDescriptor.MethodType.BIDI_STREAMING,
            QUERIER_SERVICE, "QuerierLoop", QuerierToScheduler.getDefaultInstance(), SchedulerToQuerier.getDefaultInstance());
    public static final MethodDescriptor<NotifyQuerierShutdownRequest, NotifyQuerierShutdownResponse> NOTIFY_QUERIER_SHUTDOWN = method(
            MethodDescriptor.MethodType.UNARY, QUERIER_SERVICE, "NotifyQuerierShutdown", NotifyQuerierShutdownRequest.getDefaultInstance(),
            NotifyQuerierShutdownResponse.getDefaultInstance());

    /** Messages as bytes, parsed by the receiving code: gRPC's own parse failure would end the call with a generic INTERNAL. */
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
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

    private SchedulerGrpc() {}

    private static <Req extends Message, Resp extends Message> MethodDescriptor<Req, Resp> method(MethodDescriptor.MethodType type, String service,
            String name, Req request, Resp response) {
        return MethodDescriptor.<Req, Resp>newBuilder(ProtoUtils.marshaller(request), ProtoUtils.marshaller(response))
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(service, name))
                .build();
    }

    /** The method with its requests as raw bytes, for the server side. */
    public static <Resp> MethodDescriptor<byte[], Resp> bytesIn(MethodDescriptor<?, Resp> method) {
        return method.toBuilder(BYTES, method.getResponseMarshaller()).build();
    }

    /** The method with requests and responses as raw bytes, for tests that send what no client would. */
    public static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> method) {
        return method.toBuilder(BYTES, BYTES).build();
    }

    // ---- conversions

    public static mimir.proto.schedulerpb.HttpRequest toProto(HttpRequest request) {
        mimir.proto.schedulerpb.HttpRequest.Builder builder = mimir.proto.schedulerpb.HttpRequest.newBuilder()
                .setMethod(request.method())
                .setPath(request.path())
                .setBody(ByteString.copyFrom(request.body()));
        request.queryParams().forEach((name, values) -> builder.addParams(NameValues.newBuilder().setName(name).addAllValues(values)));
        request.headers().forEach((name, values) -> builder.addHeaders(NameValues.newBuilder().setName(name).addAllValues(values)));
        return builder.build();
    }

    /** The request as the querier's handler sees it, with {@code tenant} resolved. */
    public static HttpRequest fromProto(mimir.proto.schedulerpb.HttpRequest request, String tenant) {
        return new HttpRequest(request.getMethod(), request.getPath(), multiMap(request.getParamsList()), multiMap(request.getHeadersList()),
                request.getBody().toByteArray(), Optional.of(tenant));
    }

    private static Map<String, List<String>> multiMap(List<NameValues> entries) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (NameValues entry : entries) {
            map.computeIfAbsent(entry.getName(), name -> new ArrayList<>()).addAll(entry.getValuesList());
        }
        map.replaceAll((name, values) -> List.copyOf(values));
        return map;
    }

    public static mimir.proto.schedulerpb.HttpResponse toProto(HttpResponse response) {
        return mimir.proto.schedulerpb.HttpResponse.newBuilder()
                .setStatus(response.status())
                .setContentType(response.contentType())
                .putAllHeaders(response.headers())
                .setBody(ByteString.copyFrom(response.body()))
                .build();
    }

    public static HttpResponse fromProto(mimir.proto.schedulerpb.HttpResponse response) {
        return new HttpResponse(response.getStatus(), response.getContentType(), response.getHeadersMap(), response.getBody().toByteArray());
    }

    /** A failure as it travels: an {@link HttpException} keeps its status, anything else is a 500 with its message. */
    public static QueryFailure toProto(Throwable failure) {
        int status = failure instanceof HttpException http ? http.status() : 500;
        String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        return QueryFailure.newBuilder().setStatus(status).setMessage(message).build();
    }

    /** The failure as the frontend sees it: an {@link HttpException} with the status (500 if the status is not one). */
    public static HttpException fromProto(QueryFailure failure) {
        int status = failure.getStatus() >= 100 && failure.getStatus() <= 599 ? failure.getStatus() : 500;
        return new HttpException(status, failure.getMessage());
    }
}
