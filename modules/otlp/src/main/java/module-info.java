/**
 * OTLP metrics ingestion: translates an OTLP/HTTP {@code ExportMetricsServiceRequest} (protobuf or
 * OTLP JSON, gzip or uncompressed) into the distributor's {@link mimir.ingester.client.WriteBatch},
 * following Prometheus's OTLP translator as Mimir's distributor uses it (metric and label name
 * translation, {@code job}/{@code instance} from resource attributes, {@code target_info}, classic
 * histograms and summaries, exemplars, metadata). A library, not a component: the distributor calls
 * {@link mimir.otlp.OtlpTranslator} from its {@code POST /otlp/v1/metrics} handler.
 *
 * <p>The OpenTelemetry protobuf classes come from the {@code io.opentelemetry.proto:opentelemetry-proto}
 * jar, an automatic module named {@code io.opentelemetry.proto}; protobuf-java is the automatic module
 * {@code com.google.protobuf} and protobuf-java-util (for OTLP JSON) {@code com.google.protobuf.util}.
 * None of their types appear in this module's exported signatures.
 */
module mimir.otlp {
    requires com.google.protobuf;
    requires com.google.protobuf.util;
    requires io.opentelemetry.proto;
    requires transitive mimir.ingester.client;
    requires transitive mimir.spi;

    exports mimir.otlp;
}
