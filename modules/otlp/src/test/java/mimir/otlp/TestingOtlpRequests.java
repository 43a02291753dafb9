package mimir.otlp;

import java.util.HexFormat;

import com.google.protobuf.ByteString;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;

/** Small builders for OTLP requests in tests. */
final class TestingOtlpRequests {
    static final long NANOS_PER_MILLI = 1_000_000L;
    static final String TRACE_ID = "5b8efff798038103d269b633813fc60c";
    static final String SPAN_ID = "eee19b7ec3c1b174";

    private TestingOtlpRequests() {}

    static KeyValue attribute(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    static Resource resource(KeyValue... attributes) {
        Resource.Builder resource = Resource.newBuilder();
        for (KeyValue attribute : attributes) {
            resource.addAttributes(attribute);
        }
        return resource.build();
    }

    /** The usual resource: job checkout (namespace shop), instance pod-1, and one other attribute. */
    static Resource checkoutResource() {
        return resource(attribute("service.name", "checkout"), attribute("service.namespace", "shop"),
                attribute("service.instance.id", "pod-1"), attribute("cloud.region", "eu-west-1"));
    }

    static ExportMetricsServiceRequest request(Resource resource, Metric... metrics) {
        ScopeMetrics.Builder scope = ScopeMetrics.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("io.example.shop").setVersion("1.2.3"));
        for (Metric metric : metrics) {
            scope.addMetrics(metric);
        }
        return ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(ResourceMetrics.newBuilder().setResource(resource).addScopeMetrics(scope))
                .build();
    }

    static NumberDataPoint.Builder point(long millis, double value, KeyValue... attributes) {
        NumberDataPoint.Builder point = NumberDataPoint.newBuilder().setTimeUnixNano(millis * NANOS_PER_MILLI).setAsDouble(value);
        for (KeyValue attribute : attributes) {
            point.addAttributes(attribute);
        }
        return point;
    }

    static Metric gauge(String name, String unit, NumberDataPoint.Builder... points) {
        Gauge.Builder gauge = Gauge.newBuilder();
        for (NumberDataPoint.Builder point : points) {
            gauge.addDataPoints(point);
        }
        return Metric.newBuilder().setName(name).setUnit(unit).setDescription("help for " + name).setGauge(gauge).build();
    }

    static Metric sum(String name, String unit, boolean monotonic, AggregationTemporality temporality, NumberDataPoint.Builder... points) {
        Sum.Builder sum = Sum.newBuilder().setIsMonotonic(monotonic).setAggregationTemporality(temporality);
        for (NumberDataPoint.Builder point : points) {
            sum.addDataPoints(point);
        }
        return Metric.newBuilder().setName(name).setUnit(unit).setDescription("help for " + name).setSum(sum).build();
    }

    static Metric counter(String name, String unit, NumberDataPoint.Builder... points) {
        return sum(name, unit, true, AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, points);
    }

    static Exemplar exemplar(long millis, double value) {
        return Exemplar.newBuilder()
                .setTimeUnixNano(millis * NANOS_PER_MILLI)
                .setAsDouble(value)
                .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex(TRACE_ID)))
                .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex(SPAN_ID)))
                .build();
    }
}
