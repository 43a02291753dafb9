package mimir.ingester.client.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import mimir.proto.ingesterpb.IngesterProto;
import mimir.proto.ingesterpb.PushRequest;
import org.junit.jupiter.api.Test;

/** The hand-written method descriptors against {@code ingester.proto}, and how failures travel. */
class TestGrpcIngesterContract {
    @Test
    void theDescriptorsAreTheServiceOfTheProtoFile() {
        Descriptors.ServiceDescriptor service = IngesterProto.getDescriptor().findServiceByName("Ingester");
        assertThat(service.getFullName()).isEqualTo(IngesterGrpc.SERVICE_NAME);
        Map<String, MethodDescriptor<?, ?>> byName = IngesterGrpc.METHODS.stream()
                .collect(Collectors.toMap(MethodDescriptor::getBareMethodName, Function.identity()));
        assertThat(byName.keySet()).containsExactlyInAnyOrderElementsOf(service.getMethods().stream().map(Descriptors.MethodDescriptor::getName).toList());
        for (Descriptors.MethodDescriptor method : service.getMethods()) {
            MethodDescriptor<?, ?> descriptor = byName.get(method.getName());
            assertThat(descriptor.getFullMethodName()).isEqualTo(IngesterGrpc.SERVICE_NAME + "/" + method.getName());
            if (descriptor == IngesterGrpc.PUSH) {
                // Written by PushCodec; TestGrpcPushCodec holds it to PushRequest.
                assertThat(descriptor.getRequestMarshaller()).isSameAs(IngesterGrpc.BYTES);
                assertThat(method.getInputType()).isEqualTo(PushRequest.getDescriptor());
            }
            else {
                assertThat(prototype(descriptor.getRequestMarshaller()).getDescriptorForType()).as(method.getName()).isEqualTo(method.getInputType());
            }
            assertThat(prototype(descriptor.getResponseMarshaller()).getDescriptorForType()).as(method.getName()).isEqualTo(method.getOutputType());
            MethodDescriptor.MethodType type = method.isServerStreaming() ? MethodDescriptor.MethodType.SERVER_STREAMING : MethodDescriptor.MethodType.UNARY;
            assertThat(method.isClientStreaming()).isFalse();
            assertThat(descriptor.getType()).as(method.getName()).isEqualTo(type);
        }
    }

    private static Message prototype(MethodDescriptor.Marshaller<?> marshaller) {
        return (Message) ((MethodDescriptor.PrototypeMarshaller<?>) marshaller).getMessagePrototype();
    }

    @Test
    void aFailureTravelsWithItsHttpStatusInTheTrailerAndAMatchingCode() {
        Map<Integer, Status.Code> codes = Map.of(400, Status.Code.FAILED_PRECONDITION, 413, Status.Code.FAILED_PRECONDITION, 429,
                Status.Code.RESOURCE_EXHAUSTED, 500, Status.Code.INTERNAL, 503, Status.Code.UNAVAILABLE, 504, Status.Code.INTERNAL);
        codes.forEach((http, code) -> {
            StatusException failure = IngesterGrpc.failure(http, "refused " + http);
            assertThat(failure.getStatus().getCode()).as("HTTP %d", http).isEqualTo(code);
            assertThat(failure.getStatus().getDescription()).isEqualTo("refused " + http);
            assertThat(IngesterGrpc.httpStatus(failure.getTrailers())).hasValue(http);
        });
        StatusException invalid = IngesterGrpc.invalidArgument("bad");
        assertThat(invalid.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(IngesterGrpc.httpStatus(invalid.getTrailers())).hasValue(400);
    }

    @Test
    void aMissingOrNonsensicalTrailerIsNoStatus() {
        assertThat(IngesterGrpc.httpStatus(null)).isEmpty();
        assertThat(IngesterGrpc.httpStatus(new Metadata())).isEmpty();
        for (String value : List.of("abc", "99", "600", "")) {
            Metadata trailers = new Metadata();
            trailers.put(IngesterGrpc.HTTP_STATUS_TRAILER, value);
            assertThat(IngesterGrpc.httpStatus(trailers)).as(value).isEmpty();
        }
    }

    @Test
    void aFailureWithoutTrailerGetsAStatusFromItsCode() {
        assertThat(IngesterGrpc.httpStatusWithoutTrailer(Status.Code.UNAVAILABLE)).isEqualTo(503);
        assertThat(IngesterGrpc.httpStatusWithoutTrailer(Status.Code.DEADLINE_EXCEEDED)).isEqualTo(503);
        assertThat(IngesterGrpc.httpStatusWithoutTrailer(Status.Code.RESOURCE_EXHAUSTED)).isEqualTo(413);
        assertThat(IngesterGrpc.httpStatusWithoutTrailer(Status.Code.INVALID_ARGUMENT)).isEqualTo(400);
        assertThat(IngesterGrpc.httpStatusWithoutTrailer(Status.Code.UNKNOWN)).isEqualTo(500);
    }
}
