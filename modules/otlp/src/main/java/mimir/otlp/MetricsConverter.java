package mimir.otlp;

import static mimir.otlp.OtlpMetrics.dataPointCount;
import static mimir.otlp.OtlpMetrics.exemplarLabels;
import static mimir.otlp.OtlpMetrics.exemplarValue;
import static mimir.otlp.OtlpMetrics.metadataType;
import static mimir.otlp.OtlpMetrics.millis;
import static mimir.otlp.OtlpMetrics.nameType;
import static mimir.otlp.OtlpMetrics.timestampSpan;
import static mimir.otlp.OtlpMetrics.unsigned;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.WriteBatch;
import mimir.model.Labels;
import mimir.otlp.OtlpNaming.NameType;
import mimir.otlp.OtlpNaming.NamingException;

/**
 * Translates one decoded request, following Prometheus's {@code prometheusremotewrite} converter:
 * gauges and non-monotonic sums become gauges, cumulative monotonic sums counters, explicit-bucket
 * histograms classic {@code _bucket}/{@code _sum}/{@code _count} series, summaries {@code quantile}
 * series; per resource a {@code target_info} series. Not thread-safe: one instance per request.
 */
final class MetricsConverter {
    /** Prometheus's StaleNaN: the sample value that marks a series stale. */
    static final double STALE_NAN = Double.longBitsToDouble(0x7ff0000000000002L);
    static final String TARGET_INFO = "target_info";
    /** Half of the default 5m lookback delta, so target_info is found for the whole span of a batch. */
    static final long TARGET_INFO_INTERVAL_MILLIS = 150_000;

    private static final String SERVICE_NAME = "service.name";
    private static final String SERVICE_NAMESPACE = "service.namespace";
    private static final String SERVICE_INSTANCE_ID = "service.instance.id";
    private static final int NO_RECORDED_VALUE = 1;

    private final OtlpSettings settings;
    private final SeriesAccumulator series = new SeriesAccumulator();
    private final LabelScratch scratch = new LabelScratch();
    private final HashMap<String, String> labelNames = new HashMap<>();
    private final HashMap<Long, String> boundStrings = new HashMap<>();
    private final List<String> rejections = new ArrayList<>();
    private final LinkedHashSet<MetricMetadata> metadata = new LinkedHashSet<>();
    private int acceptedDataPoints;
    private int rejectedDataPoints;
    private int failedPoints;

    // Per data point scratch for histogram buckets and sorted attributes.
    private int[] bucketSeries = new int[16];
    private double[] bucketBounds = new double[16];
    private int[] attributeOrder = new int[16];

    // The resource and scope being translated.
    private String job;
    private String instance;
    private String[] promotedNames = new String[0];
    private String[] promotedValues = new String[0];
    private String scopeName;
    private String scopeVersion;
    private String scopeSchemaUrl;
    private List<KeyValue> scopeAttributes = List.of();

    MetricsConverter(OtlpSettings settings) {
        this.settings = settings;
    }

    OtlpResult convert(ExportMetricsServiceRequest request, WriteBatch into) {
        for (ResourceMetrics resourceMetrics : request.getResourceMetricsList()) {
            List<KeyValue> resourceAttributes = resourceMetrics.getResource().getAttributesList();
            enterResource(resourceAttributes);
            long earliest = Long.MAX_VALUE;
            long latest = Long.MIN_VALUE;
            for (ScopeMetrics scopeMetrics : resourceMetrics.getScopeMetricsList()) {
                enterScope(scopeMetrics);
                for (Metric metric : scopeMetrics.getMetricsList()) {
                    long[] span = timestampSpan(metric);
                    earliest = Math.min(earliest, span[0]);
                    latest = Math.max(latest, span[1]);
                    convertMetric(metric);
                }
            }
            if (earliest <= latest) {
                addTargetInfo(resourceAttributes, earliest, latest);
            }
        }
        series.flushTo(into);
        metadata.forEach(into::addMetadata);
        return new OtlpResult(acceptedDataPoints, rejectedDataPoints, rejections);
    }

    private void enterResource(List<KeyValue> attributes) {
        String serviceName = find(attributes, SERVICE_NAME);
        String serviceNamespace = find(attributes, SERVICE_NAMESPACE);
        job = serviceName == null ? null : serviceNamespace == null ? serviceName : serviceNamespace + "/" + serviceName;
        instance = find(attributes, SERVICE_INSTANCE_ID);

        List<String> promote = settings.promoteResourceAttributes();
        List<KeyValue> promoted = new ArrayList<>();
        if (!promote.isEmpty()) {
            for (KeyValue attribute : attributes) {
                if (promote.contains(attribute.getKey())) {
                    promoted.add(attribute);
                }
            }
            promoted.sort((a, b) -> Labels.compareUtf8(a.getKey(), b.getKey()));
        }
        promotedNames = new String[promoted.size()];
        promotedValues = new String[promoted.size()];
        int n = 0;
        for (KeyValue attribute : promoted) {
            try {
                promotedNames[n] = labelName(attribute.getKey());
                promotedValues[n] = AttributeValues.asString(attribute.getValue());
                n++;
            }
            catch (NamingException e) {
                // An unnamable promoted attribute is left out; the data point attributes still decide the series.
            }
        }
        promotedNames = Arrays.copyOf(promotedNames, n);
        promotedValues = Arrays.copyOf(promotedValues, n);
    }

    private void enterScope(ScopeMetrics scopeMetrics) {
        InstrumentationScope scope = scopeMetrics.getScope();
        scopeName = scope.getName();
        scopeVersion = scope.getVersion();
        scopeSchemaUrl = scopeMetrics.getSchemaUrl();
        scopeAttributes = scope.getAttributesList();
    }

    private static String find(List<KeyValue> attributes, String key) {
        for (KeyValue attribute : attributes) {
            if (attribute.getKey().equals(key)) {
                return AttributeValues.asString(attribute.getValue());
            }
        }
        return null;
    }

    private void convertMetric(Metric metric) {
        int dataPoints = dataPointCount(metric);
        String rejection = unsupported(metric);
        if (rejection == null && dataPoints == 0) {
            rejection = "empty data points, the metric is dropped";
        }
        if (rejection != null) {
            reject(metric, dataPoints, rejection);
            return;
        }
        NameType type = nameType(metric);
        String name;
        try {
            name = OtlpNaming.metricName(metric.getName(), metric.getUnit(), type, settings.addSuffixes(), settings.utf8Allowed());
        }
        catch (NamingException e) {
            reject(metric, dataPoints, e.getMessage());
            return;
        }
        String failure = switch (metric.getDataCase()) {
            case GAUGE -> addPoints(metric.getGauge().getDataPointsList(), point -> addNumber(point, name, false));
            case SUM -> addPoints(metric.getSum().getDataPointsList(), point -> addNumber(point, name, true));
            case HISTOGRAM -> {
                // Suffixed names once per metric, not per data point.
                String sumName = name + "_sum";
                String countName = name + "_count";
                String bucketName = name + "_bucket";
                yield addPoints(metric.getHistogram().getDataPointsList(), point -> addHistogram(point, sumName, countName, bucketName));
            }
            case SUMMARY -> {
                String sumName = name + "_sum";
                String countName = name + "_count";
                yield addPoints(metric.getSummary().getDataPointsList(), point -> addSummary(point, name, sumName, countName));
            }
            default -> throw new IllegalStateException("unsupported() lets only translatable metrics through");
        };
        acceptedDataPoints += dataPoints - failedPoints;
        if (failedPoints > 0) {
            reject(metric, failedPoints, failure);
        }
        if (failedPoints < dataPoints) {
            // As Prometheus: the family name as translated, the unit as OTLP sent it; one entry per distinct metadata.
            metadata.add(new MetricMetadata(name, metadataType(metric), metric.getDescription(), metric.getUnit()));
        }
    }

    @FunctionalInterface
    private interface PointTranslation<T> {
        void add(T point) throws NamingException;
    }

    /**
     * Adds every data point; one whose attributes cannot become label names (which is found before any of
     * its samples is added) is rejected alone. Returns the first failure, with {@link #failedPoints} set.
     */
    private <T> String addPoints(List<T> points, PointTranslation<T> translation) {
        failedPoints = 0;
        String failure = null;
        for (T point : points) {
            try {
                translation.add(point);
            }
            catch (NamingException e) {
                failedPoints++;
                if (failure == null) {
                    failure = e.getMessage();
                }
            }
        }
        return failure;
    }

    /** Why a metric cannot be translated, or null when it can. */
    private String unsupported(Metric metric) {
        return switch (metric.getDataCase()) {
            case GAUGE, SUMMARY -> null;
            case SUM -> {
                AggregationTemporality temporality = metric.getSum().getAggregationTemporality();
                // otel_native_delta_ingestion stores delta sums as they come (Prometheus's AllowDeltaTemporality).
                yield temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA && settings.nativeDeltaIngestion()
                        ? null
                        : temporalityProblem(temporality);
            }
            case HISTOGRAM -> {
                AggregationTemporality temporality = metric.getHistogram().getAggregationTemporality();
                yield temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA && settings.nativeDeltaIngestion()
                        ? "delta histograms are not supported (native histograms with custom buckets are not built yet)"
                        : temporalityProblem(temporality);
            }
            case EXPONENTIAL_HISTOGRAM -> "exponential histograms are not supported (native histograms are not built yet)";
            case DATA_NOT_SET -> "unsupported metric type: the metric has no data";
        };
    }

    private static String temporalityProblem(AggregationTemporality temporality) {
        return switch (temporality) {
            case AGGREGATION_TEMPORALITY_CUMULATIVE -> null;
            case AGGREGATION_TEMPORALITY_DELTA -> "delta temporality is not supported (native histograms / delta ingestion are not built yet)";
            default -> "invalid temporality and type combination (aggregation temporality " + temporality + ")";
        };
    }

    private void reject(Metric metric, int dataPoints, String reason) {
        rejectedDataPoints += dataPoints;
        rejections.add("otlp metric \"" + metric.getName() + "\": " + reason);
    }

    private String labelName(String key) throws NamingException {
        String name = labelNames.get(key);
        if (name == null) {
            name = OtlpNaming.labelName(key, settings.utf8Allowed(), settings.underscoreSanitization(),
                    settings.preserveMultipleUnderscores());
            labelNames.put(key, name);
        }
        return name;
    }

    /**
     * Fills the scratch with a data point's labels, in Prometheus's precedence: attributes (sorted by key,
     * colliding sanitized keys joined with {@code ;}), promoted resource attributes if absent, scope labels,
     * then {@code job} and {@code instance}.
     */
    private void baseLabels(List<KeyValue> attributes) throws NamingException {
        scratch.clear();
        addSortedAttributes(attributes, null);
        for (int i = 0; i < promotedNames.length; i++) {
            scratch.putIfAbsent(promotedNames[i], promotedValues[i]);
        }
        if (settings.promoteScopeMetadata() && !scopeName.isEmpty()) {
            scratch.put("otel_scope_name", scopeName);
            scratch.put("otel_scope_version", scopeVersion);
            scratch.put("otel_scope_schema_url", scopeSchemaUrl);
            for (KeyValue attribute : scopeAttributes) {
                scratch.put(labelName("otel_scope_" + attribute.getKey()), AttributeValues.asString(attribute.getValue()));
            }
        }
        addJobAndInstance();
    }

    private void addJobAndInstance() {
        if (job != null) {
            scratch.put("job", job);
        }
        if (instance != null) {
            scratch.put("instance", instance);
        }
    }

    private void addSortedAttributes(List<KeyValue> attributes, List<String> ignore) throws NamingException {
        int n = attributes.size();
        if (attributeOrder.length < n) {
            attributeOrder = new int[Math.max(n, attributeOrder.length * 2)];
        }
        int kept = 0;
        for (int i = 0; i < n; i++) {
            String key = attributes.get(i).getKey();
            if (ignore != null && ignore.contains(key)) {
                continue;
            }
            // Stable insertion sort by key, so colliding keys join in a defined order.
            int j = kept;
            while (j > 0 && Labels.compareUtf8(attributes.get(attributeOrder[j - 1]).getKey(), key) > 0) {
                attributeOrder[j] = attributeOrder[j - 1];
                j--;
            }
            attributeOrder[j] = i;
            kept++;
        }
        for (int i = 0; i < kept; i++) {
            KeyValue attribute = attributes.get(attributeOrder[i]);
            scratch.join(labelName(attribute.getKey()), AttributeValues.asString(attribute.getValue()));
        }
    }

    private static double sampleValue(int flags, double value) {
        return (flags & NO_RECORDED_VALUE) != 0 ? STALE_NAN : value;
    }

    private void addNumber(NumberDataPoint point, String name, boolean withExemplars) throws NamingException {
        baseLabels(point.getAttributesList());
        double value = switch (point.getValueCase()) {
            case AS_DOUBLE -> point.getAsDouble();
            case AS_INT -> point.getAsInt();
            case VALUE_NOT_SET -> 0;
        };
        int seriesId = series.addSample(scratch.build(Labels.METRIC_NAME, name), millis(point.getTimeUnixNano()),
                sampleValue(point.getFlags(), value));
        // Prometheus carries exemplars of sums only.
        if (withExemplars) {
            for (Exemplar exemplar : point.getExemplarsList()) {
                series.addExemplar(seriesId, exemplarLabels(exemplar), millis(exemplar.getTimeUnixNano()), exemplarValue(exemplar));
            }
        }
    }

    private void addHistogram(HistogramDataPoint point, String sumName, String countName, String bucketName) throws NamingException {
        baseLabels(point.getAttributesList());
        long timestamp = millis(point.getTimeUnixNano());
        int flags = point.getFlags();
        if (point.hasSum()) {
            series.addSample(scratch.build(Labels.METRIC_NAME, sumName), timestamp, sampleValue(flags, point.getSum()));
        }
        series.addSample(scratch.build(Labels.METRIC_NAME, countName), timestamp, sampleValue(flags, unsigned(point.getCount())));

        int buckets = Math.min(point.getExplicitBoundsCount(), point.getBucketCountsCount());
        if (bucketSeries.length < buckets + 1) {
            bucketSeries = new int[buckets + 1];
            bucketBounds = new double[buckets + 1];
        }
        long cumulative = 0;
        for (int i = 0; i < buckets; i++) {
            double bound = point.getExplicitBounds(i);
            cumulative += point.getBucketCounts(i);
            bucketSeries[i] = series.addSample(scratch.build(Labels.METRIC_NAME, bucketName, "le", boundString(bound)), timestamp,
                    sampleValue(flags, unsigned(cumulative)));
            bucketBounds[i] = bound;
        }
        bucketSeries[buckets] = series.addSample(scratch.build(Labels.METRIC_NAME, bucketName, "le", "+Inf"), timestamp,
                sampleValue(flags, unsigned(point.getCount())));
        bucketBounds[buckets] = Double.POSITIVE_INFINITY;

        if (point.getExemplarsCount() > 0) {
            sortBuckets(buckets + 1);
            for (Exemplar exemplar : point.getExemplarsList()) {
                double value = exemplarValue(exemplar);
                // The exemplar goes to the first bucket whose bound is at least its value.
                for (int i = 0; i <= buckets; i++) {
                    if (value <= bucketBounds[i]) {
                        series.addExemplar(bucketSeries[i], exemplarLabels(exemplar), millis(exemplar.getTimeUnixNano()), value);
                        break;
                    }
                }
            }
        }
    }

    private void sortBuckets(int n) {
        for (int i = 1; i < n; i++) {
            double bound = bucketBounds[i];
            int id = bucketSeries[i];
            int j = i;
            while (j > 0 && bucketBounds[j - 1] > bound) {
                bucketBounds[j] = bucketBounds[j - 1];
                bucketSeries[j] = bucketSeries[j - 1];
                j--;
            }
            bucketBounds[j] = bound;
            bucketSeries[j] = id;
        }
    }

    private String boundString(double bound) {
        // Buckets repeat across data points and series: format each distinct bound once per request.
        return boundStrings.computeIfAbsent(Double.doubleToRawLongBits(bound), bits -> AttributeValues.plainShortest(bound));
    }

    private void addSummary(SummaryDataPoint point, String name, String sumName, String countName) throws NamingException {
        baseLabels(point.getAttributesList());
        long timestamp = millis(point.getTimeUnixNano());
        int flags = point.getFlags();
        series.addSample(scratch.build(Labels.METRIC_NAME, sumName), timestamp, sampleValue(flags, point.getSum()));
        series.addSample(scratch.build(Labels.METRIC_NAME, countName), timestamp, sampleValue(flags, unsigned(point.getCount())));
        for (SummaryDataPoint.ValueAtQuantile quantile : point.getQuantileValuesList()) {
            series.addSample(scratch.build(Labels.METRIC_NAME, name, "quantile", boundString(quantile.getQuantile())), timestamp,
                    sampleValue(flags, quantile.getValue()));
        }
    }

    /**
     * The resource's {@code target_info} series: every resource attribute except the identifying ones
     * (unless {@code otel_keep_identifying_resource_attributes}), with {@code job}/{@code instance}, value 1
     * from the earliest to the latest data point time of the resource, every 2.5 minutes and at the latest.
     * Left out when the resource has nothing but identifying attributes, or neither job nor instance.
     */
    private void addTargetInfo(List<KeyValue> attributes, long earliest, long latest) {
        List<String> identifying = List.of(SERVICE_NAMESPACE, SERVICE_NAME, SERVICE_INSTANCE_ID);
        int nonIdentifying = attributes.size();
        for (String key : identifying) {
            if (find(attributes, key) != null) {
                nonIdentifying--;
            }
        }
        if (nonIdentifying <= 0) {
            return;
        }
        scratch.clear();
        try {
            addSortedAttributes(attributes, settings.keepIdentifyingAttributes() ? null : identifying);
        }
        catch (NamingException e) {
            rejections.add("otlp resource: target_info left out: " + e.getMessage());
            return;
        }
        addJobAndInstance();
        if (!scratch.has("job") && !scratch.has("instance")) {
            return;
        }
        Labels labels = scratch.build(Labels.METRIC_NAME, TARGET_INFO);
        long last = Long.MIN_VALUE;
        for (long t = earliest; t < latest; t += TARGET_INFO_INTERVAL_MILLIS) {
            series.addSample(labels, t, 1);
            last = t;
        }
        if (last < latest) {
            series.addSample(labels, latest, 1);
        }
    }
}
