package mimir.otlp;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import mimir.ingester.client.WriteBatch;
import mimir.spi.limits.Limits;

/**
 * Translates OTLP/HTTP metrics export requests into {@link WriteBatch}es the way Mimir's distributor
 * does with Prometheus's OTLP translator. Thread-safe and stateless: one instance serves every tenant.
 *
 * <p>Honoured per-tenant limits: {@code otel_translation_strategy} (all four strategies; empty derives it
 * from {@code name_validation_scheme} and {@code otel_metric_suffixes_enabled}),
 * {@code otel_label_name_underscore_sanitization}, {@code otel_label_name_preserve_multiple_underscores},
 * {@code promote_otel_resource_attributes}, {@code otel_keep_identifying_resource_attributes},
 * {@code otel_promote_scope_metadata}, {@code otel_native_delta_ingestion} (delta sums are stored as they
 * come, with metadata type unknown, as Prometheus does). Not honoured: {@code otel_created_timestamp_zero_ingestion_enabled}
 * (start times are ignored: a zero sample at the start time needs the ingester's created-timestamp handling,
 * which {@link WriteBatch} cannot carry yet) and {@code otel_convert_histograms_to_nhcb} (native histograms do
 * not exist yet). Exponential histograms, delta histograms and delta sums without
 * {@code otel_native_delta_ingestion} are rejected per metric, never dropped silently.
 */
public final class OtlpTranslator {
    private static final int MAX_ERROR_MESSAGE_LENGTH = 1024;

    public OtlpTranslator() {}

    /**
     * Decodes and translates; appends series to {@code into} (which the caller cleared).
     *
     * @param body                 the request body as received
     * @param contentType          {@code application/x-protobuf} or {@code application/json} (parameters such as a
     *                             charset are ignored)
     * @param contentEncoding      {@code gzip}, or null/empty for none
     * @param maxDecompressedBytes {@code -distributor.max-otlp-request-size}: the limit for the body before and after inflating
     * @param limits               the tenant's limits
     * @param into                 the batch to append series, samples, exemplars and metadata to
     * @return what was accepted and what was rejected, one message per rejected metric
     * @throws OtlpRequestException when nothing can be translated: 400 bad body, 413 too large, 415 unsupported type or encoding
     */
    public OtlpResult translate(byte[] body, String contentType, String contentEncoding, long maxDecompressedBytes, Limits limits,
                                WriteBatch into) throws OtlpRequestException {
        requireNonNull(body, "body is null");
        requireNonNull(limits, "limits is null");
        requireNonNull(into, "into is null");
        ExportMetricsServiceRequest request = OtlpRequestDecoder.decode(body, contentType, contentEncoding, maxDecompressedBytes);
        OtlpSettings settings = OtlpSettings.from(limits);
        return new MetricsConverter(settings).convert(request, into);
    }

    /**
     * The {@code ExportMetricsServiceResponse} body (with {@code partial_success} when something was rejected)
     * in the request's encoding: JSON for an {@code application/json} request, protobuf otherwise. The error
     * message joins the rejections with {@code "; "}, cut at 1024 characters as Mimir does.
     */
    public static byte[] response(OtlpResult result, String contentType) {
        requireNonNull(result, "result is null");
        ExportMetricsServiceResponse.Builder response = ExportMetricsServiceResponse.newBuilder();
        if (!result.fullyAccepted()) {
            String message = String.join("; ", result.rejections());
            if (message.length() > MAX_ERROR_MESSAGE_LENGTH) {
                message = message.substring(0, MAX_ERROR_MESSAGE_LENGTH);
            }
            response.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder()
                    .setRejectedDataPoints(result.rejectedDataPoints())
                    .setErrorMessage(message));
        }
        ExportMetricsServiceResponse message = response.build();
        if (OtlpRequestDecoder.JSON.equals(OtlpRequestDecoder.mediaType(contentType))) {
            try {
                return JsonFormat.printer().omittingInsignificantWhitespace().print(message).getBytes(StandardCharsets.UTF_8);
            }
            catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("cannot print an ExportMetricsServiceResponse as JSON", e);
            }
        }
        return message.toByteArray();
    }

    /** The content type of {@link #response}'s body for a request of this content type. */
    public static String responseContentType(String requestContentType) {
        return OtlpRequestDecoder.JSON.equals(OtlpRequestDecoder.mediaType(requestContentType))
                ? OtlpRequestDecoder.JSON
                : OtlpRequestDecoder.PROTOBUF;
    }

    /**
     * The body of a failed export (HTTP 4xx/5xx), a {@code google.rpc.Status} with the message, as the
     * OTLP/HTTP spec asks, in the encoding {@link #responseContentType} names for the request.
     */
    public static byte[] errorResponse(int httpStatus, String message, String requestContentType) {
        requireNonNull(message, "message is null");
        // RESOURCE_EXHAUSTED for 429, UNAVAILABLE for 5xx, INVALID_ARGUMENT otherwise.
        int code = httpStatus == 429 ? 8 : httpStatus / 100 == 5 ? 14 : 3;
        if (OtlpRequestDecoder.JSON.equals(responseContentType(requestContentType))) {
            try {
                String quoted = JsonFormat.printer().print(com.google.protobuf.StringValue.of(message));
                return ("{\"code\":" + code + ",\"message\":" + quoted + "}").getBytes(StandardCharsets.UTF_8);
            }
            catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("a string always prints as JSON", e);
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        com.google.protobuf.CodedOutputStream coded = com.google.protobuf.CodedOutputStream.newInstance(out);
        try {
            coded.writeInt32(1, code);
            coded.writeString(2, message);
            coded.flush();
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
