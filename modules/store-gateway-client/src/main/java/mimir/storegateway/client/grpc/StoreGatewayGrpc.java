package mimir.storegateway.client.grpc;

import com.google.protobuf.Message;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.protobuf.ProtoUtils;
import java.util.List;

import mimir.proto.storegatewaypb.LabelNamesRequest;
import mimir.proto.storegatewaypb.LabelNamesResponse;
import mimir.proto.storegatewaypb.LabelValuesRequest;
import mimir.proto.storegatewaypb.LabelValuesResponse;
import mimir.proto.storegatewaypb.SeriesRequest;
import mimir.proto.storegatewaypb.SeriesResponse;

/**
 * The {@code gatewaypb.StoreGateway} service as both ends see it ({@code storegateway/storegateway.proto}
 * in {@code mimir.proto}; no generated stubs): its method descriptors and the tenant header. The
 * client uses the descriptors as they are; the store-gateway registers the same names with a request
 * marshaller of its own, so that it parses requests itself and answers a malformed one with
 * {@code INVALID_ARGUMENT} instead of a reset stream.
 */
public final class StoreGatewayGrpc {
    public static final String SERVICE_NAME = "gatewaypb.StoreGateway";

    /** The tenant of a call, as in Mimir. Required on every call. */
    public static final Metadata.Key<String> TENANT_HEADER = Metadata.Key.of("x-scope-orgid", Metadata.ASCII_STRING_MARSHALLER);

    public static final MethodDescriptor<SeriesRequest, SeriesResponse> SERIES = method(MethodDescriptor.MethodType.SERVER_STREAMING, "Series",
            SeriesRequest.getDefaultInstance(), SeriesResponse.getDefaultInstance());
    public static final MethodDescriptor<LabelNamesRequest, LabelNamesResponse> LABEL_NAMES = method(MethodDescriptor.MethodType.UNARY, "LabelNames",
            LabelNamesRequest.getDefaultInstance(), LabelNamesResponse.getDefaultInstance());
    public static final MethodDescriptor<LabelValuesRequest, LabelValuesResponse> LABEL_VALUES = method(MethodDescriptor.MethodType.UNARY,
            "LabelValues", LabelValuesRequest.getDefaultInstance(), LabelValuesResponse.getDefaultInstance());

    /** Every method of the service. */
    public static final List<MethodDescriptor<?, ?>> METHODS = List.of(SERIES, LABEL_NAMES, LABEL_VALUES);

    private StoreGatewayGrpc() {}

    private static <Req extends Message, Resp extends Message> MethodDescriptor<Req, Resp> method(MethodDescriptor.MethodType type, String name,
            Req request, Resp response) {
        return MethodDescriptor.<Req, Resp>newBuilder(ProtoUtils.marshaller(request), ProtoUtils.marshaller(response))
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, name))
                .build();
    }

    /** A request the store-gateway cannot read or accept as sent. */
    public static StatusException invalidArgument(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asException();
    }

    /** A failure on the store-gateway's side. */
    public static StatusException internal(String message) {
        return Status.INTERNAL.withDescription(message).asException();
    }
}
