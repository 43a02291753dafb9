package mimir.otlp;

import java.util.HexFormat;
import java.util.List;

import com.google.protobuf.ByteString;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import mimir.ingester.client.MetricMetadata;
import mimir.model.Labels;
import mimir.otlp.OtlpNaming.NameType;

/** What an OTLP metric is to Prometheus: its name type, metadata type, data points, times, exemplars. */
final class OtlpMetrics {
    private static final int MAX_EXEMPLAR_RUNES = 128;
    private static final HexFormat HEX = HexFormat.of();

    private OtlpMetrics() {}

    static NameType nameType(Metric metric) {
        return switch (metric.getDataCase()) {
            case GAUGE -> NameType.GAUGE;
            case SUM -> metric.getSum().getIsMonotonic() ? NameType.MONOTONIC_COUNTER : NameType.NON_MONOTONIC_COUNTER;
            case HISTOGRAM -> NameType.HISTOGRAM;
            case EXPONENTIAL_HISTOGRAM -> NameType.EXPONENTIAL_HISTOGRAM;
            case SUMMARY -> NameType.SUMMARY;
            case DATA_NOT_SET -> NameType.UNKNOWN;
        };
    }

    static MetricMetadata.Type metadataType(Metric metric) {
        return switch (metric.getDataCase()) {
            case GAUGE -> MetricMetadata.Type.GAUGE;
            // Delta sums have no Prometheus type yet: Prometheus marks them unknown.
            case SUM -> metric.getSum().getAggregationTemporality() == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
                    ? MetricMetadata.Type.UNKNOWN
                    : metric.getSum().getIsMonotonic() ? MetricMetadata.Type.COUNTER : MetricMetadata.Type.GAUGE;
            case HISTOGRAM, EXPONENTIAL_HISTOGRAM -> MetricMetadata.Type.HISTOGRAM;
            case SUMMARY -> MetricMetadata.Type.SUMMARY;
            case DATA_NOT_SET -> MetricMetadata.Type.UNKNOWN;
        };
    }

    static int dataPointCount(Metric metric) {
        return switch (metric.getDataCase()) {
            case GAUGE -> metric.getGauge().getDataPointsCount();
            case SUM -> metric.getSum().getDataPointsCount();
            case HISTOGRAM -> metric.getHistogram().getDataPointsCount();
            case EXPONENTIAL_HISTOGRAM -> metric.getExponentialHistogram().getDataPointsCount();
            case SUMMARY -> metric.getSummary().getDataPointsCount();
            case DATA_NOT_SET -> 0;
        };
    }

    /** [earliest, latest] data point time in milliseconds, or an empty span when the metric has no points. */
    static long[] timestampSpan(Metric metric) {
        long earliest = Long.MAX_VALUE;
        long latest = Long.MIN_VALUE;
        switch (metric.getDataCase()) {
            case GAUGE -> {
                for (NumberDataPoint point : metric.getGauge().getDataPointsList()) {
                    earliest = Math.min(earliest, millis(point.getTimeUnixNano()));
                    latest = Math.max(latest, millis(point.getTimeUnixNano()));
                }
            }
            case SUM -> {
                for (NumberDataPoint point : metric.getSum().getDataPointsList()) {
                    earliest = Math.min(earliest, millis(point.getTimeUnixNano()));
                    latest = Math.max(latest, millis(point.getTimeUnixNano()));
                }
            }
            case HISTOGRAM -> {
                for (HistogramDataPoint point : metric.getHistogram().getDataPointsList()) {
                    earliest = Math.min(earliest, millis(point.getTimeUnixNano()));
                    latest = Math.max(latest, millis(point.getTimeUnixNano()));
                }
            }
            case EXPONENTIAL_HISTOGRAM -> {
                for (ExponentialHistogramDataPoint point : metric.getExponentialHistogram().getDataPointsList()) {
                    earliest = Math.min(earliest, millis(point.getTimeUnixNano()));
                    latest = Math.max(latest, millis(point.getTimeUnixNano()));
                }
            }
            case SUMMARY -> {
                for (SummaryDataPoint point : metric.getSummary().getDataPointsList()) {
                    earliest = Math.min(earliest, millis(point.getTimeUnixNano()));
                    latest = Math.max(latest, millis(point.getTimeUnixNano()));
                }
            }
            case DATA_NOT_SET -> {}
        }
        return new long[] {earliest, latest};
    }

    /** OTLP nanoseconds (unsigned fixed64) to Prometheus milliseconds. */
    static long millis(long unixNanos) {
        return unixNanos / 1_000_000;
    }

    /** OTLP counts are unsigned 64-bit integers. */
    static double unsigned(long count) {
        return count >= 0 ? count : (double) (count >>> 1) * 2.0 + (count & 1);
    }

    static double exemplarValue(Exemplar exemplar) {
        return switch (exemplar.getValueCase()) {
            case AS_DOUBLE -> exemplar.getAsDouble();
            case AS_INT -> exemplar.getAsInt();
            case VALUE_NOT_SET -> 0;
        };
    }

    /** {@code trace_id} and {@code span_id} in hex, then the filtered attributes if all fit in 128 runes. */
    static Labels exemplarLabels(Exemplar exemplar) {
        Labels.Builder labels = Labels.builder();
        int runes = 0;
        ByteString traceId = exemplar.getTraceId();
        if (!traceId.isEmpty()) {
            String hex = HEX.formatHex(traceId.toByteArray());
            runes += "trace_id".length() + hex.length();
            labels.set("trace_id", hex);
        }
        ByteString spanId = exemplar.getSpanId();
        if (!spanId.isEmpty()) {
            String hex = HEX.formatHex(spanId.toByteArray());
            runes += "span_id".length() + hex.length();
            labels.set("span_id", hex);
        }
        List<KeyValue> attributes = exemplar.getFilteredAttributesList();
        if (!attributes.isEmpty()) {
            String[] values = new String[attributes.size()];
            for (int i = 0; i < values.length; i++) {
                KeyValue attribute = attributes.get(i);
                values[i] = AttributeValues.asString(attribute.getValue());
                runes += attribute.getKey().codePointCount(0, attribute.getKey().length()) + values[i].codePointCount(0, values[i].length());
            }
            if (runes <= MAX_EXEMPLAR_RUNES) {
                for (int i = 0; i < values.length; i++) {
                    String key = attributes.get(i).getKey();
                    if (!key.isEmpty() && !labels.has(key)) {
                        labels.set(key, values[i]);
                    }
                }
            }
        }
        return labels.build();
    }
}
