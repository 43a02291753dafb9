/**
 * Protobuf schemas and the Java classes protoc generates from them: Prometheus remote write 1.0
 * ({@code prometheus.WriteRequest}) and remote read ({@code prometheus.ReadRequest},
 * {@code ReadResponse}, {@code ChunkedReadResponse}) in {@code mimir.proto.prompb}, remote write 2.0
 * ({@code io.prometheus.write.v2.Request}) in {@code mimir.proto.prompb.write.v2}; Mimir's stored rule
 * group ({@code rules.RuleGroupDesc}) in {@code mimir.proto.rulespb}, its stored Alertmanager
 * configuration and state in {@code mimir.proto.alertspb}; the ingester's gRPC service
 * ({@code cortex.Ingester}: its messages, no generated stubs) in {@code mimir.proto.ingesterpb}. The
 * {@code .proto} files are in
 * {@code src/main/proto}; field numbers follow the stored and wire formats.
 */
module mimir.proto {
    requires transitive com.google.protobuf;

    exports mimir.proto.prompb;
    exports mimir.proto.prompb.write.v2;
    exports mimir.proto.alertspb;
    exports mimir.proto.ingesterpb;
    exports mimir.proto.rulespb;
    exports mimir.proto.ringpb;
    exports mimir.proto.schedulerpb;
    exports mimir.proto.storegatewaypb;
}
