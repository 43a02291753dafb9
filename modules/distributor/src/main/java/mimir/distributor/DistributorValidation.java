package mimir.distributor;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import mimir.distributor.remotewrite.Discards;
import mimir.ingester.client.MetricMetadata;
import mimir.model.LabelNames;
import mimir.model.Labels;
import mimir.spi.limits.Limits;
import mimir.spi.limits.LimitsSettings;

/**
 * Mimir's distributor validation of series labels, samples, exemplars and metadata, with its
 * messages, {@code err-mimir-…} ids and {@code cortex_discarded_*_total} reasons. Each method records
 * what it rejects in the request's {@link Discards}. Names follow Prometheus's legacy rules
 * ({@code [a-zA-Z_:][a-zA-Z0-9_:]*} for metric names, {@code [a-zA-Z_][a-zA-Z0-9_]*} for label names).
 * Stateless.
 */
final class DistributorValidation {
    static final String REASON_MISSING_METRIC_NAME = "missing_metric_name";
    static final String REASON_INVALID_METRIC_NAME = "metric_name_invalid";
    static final String REASON_MAX_LABEL_NAMES_PER_SERIES = "max_label_names_per_series";
    static final String REASON_MAX_LABEL_NAMES_PER_INFO_SERIES = "max_label_names_per_info_series";
    static final String REASON_INVALID_LABEL = "label_invalid";
    static final String REASON_LABEL_NAME_TOO_LONG = "label_name_too_long";
    static final String REASON_LABEL_VALUE_TOO_LONG = "label_value_too_long";
    static final String REASON_TOO_FAR_IN_FUTURE = "too_far_in_future";
    static final String REASON_TOO_FAR_IN_PAST = "too_far_in_past";
    static final String REASON_EXEMPLAR_LABELS_MISSING = "exemplar_labels_missing";
    static final String REASON_EXEMPLAR_LABELS_TOO_LONG = "exemplar_labels_too_long";
    static final String REASON_EXEMPLAR_TIMESTAMP_INVALID = "exemplar_timestamp_invalid";
    static final String REASON_METADATA_METRIC_NAME_TOO_LONG = "metric_name_too_long";
    static final String REASON_METADATA_UNIT_TOO_LONG = "unit_too_long";

    /** The combined length of an exemplar's label names and values (OpenMetrics). */
    static final int EXEMPLAR_MAX_LABEL_SET_LENGTH = 128;
    /** {@code (hash:<64 hex digits>)}. */
    static final int LABEL_VALUE_HASH_LENGTH = 71;

    private DistributorValidation() {}

    static String perTenantLimit(String message, String id, String flag) {
        return message + " (err-mimir-" + id + "). To adjust the related per-tenant limit, configure -" + flag
                + ", or contact your service administrator.";
    }

    static String perTenantLimits(String message, String id, String flag, String otherFlag) {
        return message + " (err-mimir-" + id + "). To adjust the related per-tenant limits, configure -" + flag + " and -" + otherFlag
                + ", or contact your service administrator.";
    }

    static String perInstanceLimit(String message, String id, String flag) {
        return message + " (err-mimir-" + id + "). To adjust the related limit, configure -" + flag + ", or contact your service administrator.";
    }

    /**
     * The series' labels if valid, possibly with over-long values cut by the tenant's
     * {@code label_value_length_over_limit_strategy}; null after recording the series'
     * {@code samples} as discarded.
     */
    static Labels labels(Labels labels, Limits limits, Discards discards, int samples) {
        String metricName = labels.get(Labels.METRIC_NAME);
        if (metricName.isEmpty()) {
            discards.samples(REASON_MISSING_METRIC_NAME, samples, "received series has no metric name (err-mimir-missing-metric-name)");
            return null;
        }
        if (!LabelNames.isValidMetricName(metricName)) {
            discards.samples(REASON_INVALID_METRIC_NAME, samples,
                    String.format("received a series with invalid metric name: '%.200s' (err-mimir-metric-name-invalid)", asciiOnly(metricName)));
            return null;
        }
        int count = labels.size();
        if (count > limits.maxLabelNamesPerSeries()) {
            String series = labels.toString();
            String ellipsis = series.codePointCount(0, series.length()) > 200 ? "\u2026" : "";
            if (metricName.endsWith("_info")) {
                if (count > limits.maxLabelNamesPerInfoSeries()) {
                    discards.samples(REASON_MAX_LABEL_NAMES_PER_INFO_SERIES, samples, perTenantLimit(String.format(
                            "received an info series whose number of labels exceeds the limit (actual: %d, limit: %d) series: '%.200s%s'",
                            count, limits.maxLabelNamesPerInfoSeries(), series, ellipsis), "max-label-names-per-info-series",
                            LimitsSettings.MAX_LABEL_NAMES_PER_INFO_SERIES.setting().flag()));
                    return null;
                }
            }
            else {
                discards.samples(REASON_MAX_LABEL_NAMES_PER_SERIES, samples, perTenantLimit(String.format(
                        "received a series whose number of labels exceeds the limit (actual: %d, limit: %d) series: '%.200s%s'",
                        count, limits.maxLabelNamesPerSeries(), series, ellipsis), "max-label-names-per-series",
                        LimitsSettings.MAX_LABEL_NAMES_PER_SERIES.setting().flag()));
                return null;
            }
        }
        int maxNameLength = limits.maxLabelNameLength();
        int maxValueLength = limits.maxLabelValueLength();
        Labels.Builder cut = null;
        for (int i = 0; i < count; i++) {
            String name = labels.name(i);
            String value = labels.value(i);
            if (!LabelNames.isValidLabelName(name)) {
                discards.samples(REASON_INVALID_LABEL, samples,
                        String.format("received a series with an invalid label: '%.200s' series: '%.200s' (err-mimir-label-invalid)", name, labels));
                return null;
            }
            if (utf8Length(name, maxNameLength) > maxNameLength) {
                discards.samples(REASON_LABEL_NAME_TOO_LONG, samples, perTenantLimit(String.format(
                        "received a series whose label name length exceeds the limit, label: '%.200s' series: '%.200s'", name, labels),
                        "label-name-too-long", LimitsSettings.MAX_LABEL_NAME_LENGTH.setting().flag()));
                return null;
            }
            int valueLength = utf8Length(value, maxValueLength);
            if (valueLength > maxValueLength) {
                switch (limits.labelValueLengthOverLimitStrategy()) {
                    case "truncate" -> {
                        cut = cut == null ? labels.toBuilder() : cut;
                        cut.set(name, truncate(value, maxValueLength - LABEL_VALUE_HASH_LENGTH) + hashSuffix(value));
                    }
                    case "drop" -> {
                        cut = cut == null ? labels.toBuilder() : cut;
                        cut.set(name, hashSuffix(value));
                    }
                    default -> {
                        discards.samples(REASON_LABEL_VALUE_TOO_LONG, samples, perTenantLimit(String.format(
                                "received a series whose label value length of %d exceeds the limit of %d, label: '%s', value: '%.200s' (truncated) series: '%.200s'",
                                valueLength, maxValueLength, name, value, labels), "label-value-too-long",
                                LimitsSettings.MAX_LABEL_VALUE_LENGTH.setting().flag()));
                        return null;
                    }
                }
            }
        }
        return cut == null ? labels : cut.build();
    }

    /** A sample's timestamp check; records and returns false if it is outside the grace periods. */
    static boolean sample(long timestamp, Labels labels, long nowMillis, Limits limits, Discards discards) {
        if (timestamp > nowMillis + limits.creationGracePeriod().toMillis()) {
            discards.samples(REASON_TOO_FAR_IN_FUTURE, 1, perTenantLimit(String.format(
                    "received a sample whose timestamp is too far in the future, timestamp: %d series: '%.200s'", timestamp, labels.metricName()),
                    "too-far-in-future", LimitsSettings.CREATION_GRACE_PERIOD.setting().flag()));
            return false;
        }
        long pastGrace = limits.pastGracePeriod().toMillis();
        if (pastGrace > 0 && timestamp < nowMillis - pastGrace - limits.outOfOrderTimeWindow().toMillis()) {
            discards.samples(REASON_TOO_FAR_IN_PAST, 1, perTenantLimit(String.format(
                    "received a sample whose timestamp is too far in the past, timestamp: %d series: '%.200s'", timestamp, labels.metricName()),
                    "too-far-in-past", LimitsSettings.PAST_GRACE_PERIOD.setting().flag()));
            return false;
        }
        return true;
    }

    /** An exemplar's check; records and returns false if it is invalid. */
    static boolean exemplar(Labels exemplar, long timestamp, Labels series, Discards discards) {
        if (exemplar.isEmpty()) {
            discards.exemplars(REASON_EXEMPLAR_LABELS_MISSING, 1, String.format(
                    "received an exemplar with no valid labels, timestamp: %d series: %s labels: %s (err-mimir-exemplar-labels-missing)",
                    timestamp, series, exemplar));
            return false;
        }
        if (timestamp == 0) {
            discards.exemplars(REASON_EXEMPLAR_TIMESTAMP_INVALID, 1, String.format(
                    "received an exemplar with no timestamp, timestamp: %d series: %s labels: %s (err-mimir-exemplar-timestamp-invalid)",
                    timestamp, series, exemplar));
            return false;
        }
        int length = 0;
        for (int i = 0; i < exemplar.size(); i++) {
            length += exemplar.name(i).codePointCount(0, exemplar.name(i).length());
            length += exemplar.value(i).codePointCount(0, exemplar.value(i).length());
        }
        if (length > EXEMPLAR_MAX_LABEL_SET_LENGTH) {
            discards.exemplars(REASON_EXEMPLAR_LABELS_TOO_LONG, 1, String.format(
                    "received an exemplar where the size of its combined labels exceeds the limit of %d characters, timestamp: %d series: %s labels: %s (err-mimir-exemplar-labels-too-long)",
                    EXEMPLAR_MAX_LABEL_SET_LENGTH, timestamp, series, exemplar));
            return false;
        }
        return true;
    }

    /** The metadata to keep (help cut to the limit), or null after recording why it was dropped. */
    static MetricMetadata metadata(MetricMetadata metadata, Limits limits, Discards discards) {
        if (limits.enforceMetadataMetricName() && metadata.metricFamilyName().isEmpty()) {
            discards.metadata(REASON_MISSING_METRIC_NAME, 1, "received a metric metadata with no metric name (err-mimir-metadata-missing-metric-name)");
            return null;
        }
        int max = limits.maxMetadataLength();
        if (utf8Length(metadata.metricFamilyName(), max) > max) {
            discards.metadata(REASON_METADATA_METRIC_NAME_TOO_LONG, 1, perTenantLimit(String.format(
                    "received a metric metadata whose metric name length exceeds the limit, metric name: '%.200s'", metadata.metricFamilyName()),
                    "metric-name-too-long", LimitsSettings.MAX_METADATA_LENGTH.setting().flag()));
            return null;
        }
        if (utf8Length(metadata.unit(), max) > max) {
            discards.metadata(REASON_METADATA_UNIT_TOO_LONG, 1, perTenantLimit(String.format(
                    "received a metric metadata whose unit name length exceeds the limit, unit: '%.200s' metric name: '%.200s'",
                    metadata.unit(), metadata.metricFamilyName()), "unit-too-long", LimitsSettings.MAX_METADATA_LENGTH.setting().flag()));
            return null;
        }
        if (utf8Length(metadata.help(), max) > max) {
            return new MetricMetadata(metadata.metricFamilyName(), metadata.type(), truncate(metadata.help(), max), metadata.unit());
        }
        return metadata;
    }

    /**
     * The UTF-8 length of {@code value}; exact when it may exceed {@code limit}, otherwise any number
     * up to the limit (a string of n chars has at most 3n UTF-8 bytes, so short ones are not scanned).
     */
    static int utf8Length(String value, int limit) {
        int chars = value.length();
        if (chars <= limit / 3) {
            return chars;
        }
        int bytes = 0;
        for (int i = 0; i < chars; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                bytes++;
            }
            else if (c < 0x800) {
                bytes += 2;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(value.charAt(i + 1))) {
                bytes += 4;
                i++;
            }
            else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** The longest prefix of {@code value} of at most {@code maxBytes} UTF-8 bytes that ends on a character boundary. */
    static String truncate(String value, int maxBytes) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return value;
        }
        int end = Math.max(0, maxBytes);
        while (end > 0 && (bytes[end] & 0xc0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    static String hashSuffix(String value) {
        return "(hash:" + HexFormat.of().formatHex(Blake2b256.hash(value.getBytes(StandardCharsets.UTF_8))) + ")";
    }

    private static String asciiOnly(String value) {
        StringBuilder out = new StringBuilder(value.length());
        boolean removed = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                out.append(c);
            }
            else {
                removed = true;
            }
        }
        return removed ? out + " (non-ascii characters removed)" : value;
    }
}
