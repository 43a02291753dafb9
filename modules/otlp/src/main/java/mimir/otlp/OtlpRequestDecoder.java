package mimir.otlp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;

/**
 * Turns an OTLP/HTTP body into an {@link ExportMetricsServiceRequest}: checks the content type and
 * encoding, inflates gzip while enforcing the size limit, and parses protobuf or OTLP JSON.
 *
 * <p>OTLP JSON is proto3's JSON mapping with three differences: trace and span ids are hex, not base64;
 * enums may be integers; unknown fields must be ignored. protobuf-java-util's {@link JsonFormat} accepts
 * integer enums, 64-bit integers as strings or numbers, and can ignore unknown fields; it reads the hex
 * ids as base64, which for the 16- and 8-byte ids (32 and 16 hex digits, multiples of four characters,
 * all in the base64 alphabet) is lossless: re-encoding the decoded bytes in base64 gives the hex text
 * back, which {@link #fixJsonIds} then decodes as hex.
 */
final class OtlpRequestDecoder {
    static final String PROTOBUF = "application/x-protobuf";
    static final String JSON = "application/json";
    static final String SIZE_FLAG = "-distributor.max-otlp-request-size";

    private static final JsonFormat.Parser JSON_PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final int RECURSION_LIMIT = 100;

    private OtlpRequestDecoder() {}

    /** The media type without parameters, lower case, or null when it is neither OTLP format. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        return type.equals(PROTOBUF) || type.equals(JSON) ? type : null;
    }

    static ExportMetricsServiceRequest decode(byte[] body, String contentType, String contentEncoding, long maxDecompressedBytes)
            throws OtlpRequestException {
        String encoding = contentEncoding == null ? "" : contentEncoding.strip().toLowerCase(Locale.ROOT);
        if (!encoding.isEmpty() && !encoding.equals("gzip") && !encoding.equals("identity")) {
            throw new OtlpRequestException(415,
                    "unsupported compression: " + contentEncoding + ". Only \"gzip\" or no compression supported");
        }
        String type = mediaType(contentType);
        if (type == null) {
            throw new OtlpRequestException(415,
                    "unsupported content type: " + contentType + ", supported: [" + JSON + ", " + PROTOBUF + "]");
        }
        if (body.length > maxDecompressedBytes) {
            throw tooLarge(body.length, false, maxDecompressedBytes);
        }
        byte[] raw = encoding.equals("gzip") ? gunzip(body, maxDecompressedBytes) : body;
        return type.equals(PROTOBUF) ? parseProtobuf(raw) : parseJson(raw);
    }

    private static OtlpRequestException tooLarge(long size, boolean uncompressed, long limit) {
        return new OtlpRequestException(413, "the incoming OTLP request has been rejected because its message size of "
                + (uncompressed ? "more than " : "") + size + " bytes" + (uncompressed ? " (uncompressed)" : "")
                + " is larger than the allowed limit of " + limit + " bytes (err-mimir-distributor-max-otlp-request-size). "
                + "To adjust the related limit, configure " + SIZE_FLAG + ", or contact your service administrator.");
    }

    /** Inflates, failing as soon as the output passes the limit so a small bomb cannot fill the heap. */
    private static byte[] gunzip(byte[] body, long limit) throws OtlpRequestException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body), 8192)) {
            byte[] out = new byte[(int) Math.min(limit, Math.max(1024, Math.min((long) body.length * 4, 1 << 20)))];
            int length = 0;
            while (true) {
                if (length == out.length) {
                    if (length >= limit) {
                        // Full at the limit: one more byte means too large.
                        if (in.read() >= 0) {
                            throw tooLarge(limit, true, limit);
                        }
                        break;
                    }
                    out = Arrays.copyOf(out, (int) Math.min(limit, Math.min((long) length * 2, Integer.MAX_VALUE - 16)));
                }
                int n = in.read(out, length, out.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
            }
            return length == out.length ? out : Arrays.copyOf(out, length);
        }
        catch (ZipException e) {
            throw new OtlpRequestException(400, "otlp: invalid gzip body: " + e.getMessage(), e);
        }
        catch (IOException e) {
            throw new OtlpRequestException(400, "otlp: cannot read gzip body: " + e.getMessage(), e);
        }
    }

    private static ExportMetricsServiceRequest parseProtobuf(byte[] raw) throws OtlpRequestException {
        try {
            CodedInputStream input = CodedInputStream.newInstance(raw);
            input.setRecursionLimit(RECURSION_LIMIT);
            input.setSizeLimit(Integer.MAX_VALUE);
            return ExportMetricsServiceRequest.parseFrom(input);
        }
        catch (InvalidProtocolBufferException e) {
            throw new OtlpRequestException(400, "otlp: cannot decode protobuf body: " + e.getMessage(), e);
        }
        catch (IOException e) {
            throw new OtlpRequestException(400, "otlp: cannot decode protobuf body: " + e.getMessage(), e);
        }
    }

    private static ExportMetricsServiceRequest parseJson(byte[] raw) throws OtlpRequestException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(raw))
                    .toString();
        }
        catch (CharacterCodingException e) {
            throw new OtlpRequestException(400, "otlp: JSON body is not valid UTF-8", e);
        }
        ExportMetricsServiceRequest.Builder builder = ExportMetricsServiceRequest.newBuilder();
        try {
            JSON_PARSER.merge(text, builder);
        }
        catch (InvalidProtocolBufferException | RuntimeException e) {
            // JsonFormat reports malformed JSON through Gson's runtime exceptions as well.
            throw new OtlpRequestException(400, "otlp: cannot decode JSON body: " + e.getMessage(), e);
        }
        fixJsonIds(builder);
        return builder.build();
    }

    /** Turns the hex trace and span ids of exemplars, which JsonFormat read as base64, into their bytes. */
    private static void fixJsonIds(ExportMetricsServiceRequest.Builder request) throws OtlpRequestException {
        for (ResourceMetrics.Builder resource : request.getResourceMetricsBuilderList()) {
            for (ScopeMetrics.Builder scope : resource.getScopeMetricsBuilderList()) {
                for (Metric.Builder metric : scope.getMetricsBuilderList()) {
                    List<Exemplar.Builder> exemplars = new ArrayList<>();
                    switch (metric.getDataCase()) {
                        case GAUGE -> metric.getGaugeBuilder().getDataPointsBuilderList()
                                .forEach(point -> exemplars.addAll(point.getExemplarsBuilderList()));
                        case SUM -> metric.getSumBuilder().getDataPointsBuilderList()
                                .forEach(point -> exemplars.addAll(point.getExemplarsBuilderList()));
                        case HISTOGRAM -> metric.getHistogramBuilder().getDataPointsBuilderList()
                                .forEach(point -> exemplars.addAll(point.getExemplarsBuilderList()));
                        case EXPONENTIAL_HISTOGRAM -> metric.getExponentialHistogramBuilder().getDataPointsBuilderList()
                                .forEach(point -> exemplars.addAll(point.getExemplarsBuilderList()));
                        default -> {}
                    }
                    for (Exemplar.Builder exemplar : exemplars) {
                        exemplar.setTraceId(idFromJson(exemplar.getTraceId(), 16, "traceId"));
                        exemplar.setSpanId(idFromJson(exemplar.getSpanId(), 8, "spanId"));
                    }
                }
            }
        }
    }

    private static ByteString idFromJson(ByteString readAsBase64, int length, String field) throws OtlpRequestException {
        if (readAsBase64.isEmpty()) {
            return readAsBase64;
        }
        String hex = Base64.getEncoder().encodeToString(readAsBase64.toByteArray());
        byte[] id;
        try {
            id = HexFormat.of().parseHex(hex);
        }
        catch (IllegalArgumentException e) {
            throw new OtlpRequestException(400, "otlp: cannot decode JSON body: exemplar " + field + " " + hex + " is not hex", e);
        }
        if (id.length != length) {
            throw new OtlpRequestException(400, "otlp: cannot decode JSON body: exemplar " + field + " " + hex + " must have "
                    + (length * 2) + " hex digits");
        }
        return ByteString.copyFrom(id);
    }
}
