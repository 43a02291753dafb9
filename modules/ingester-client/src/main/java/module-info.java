/**
 * The ingester's client module: the {@link mimir.ingester.client.IngesterClient} interface the
 * distributor (push) and the querier (reads) call, with its request and response types. In one process
 * the ingester registers its in-process implementation through {@code mimir.spi.LocalInstances}, so a
 * push hands over the distributor's decoded batch without serialization. For ingesters in other
 * processes, {@link mimir.ingester.client.GrpcIngesterClient} calls the {@code cortex.Ingester} gRPC
 * service, and {@link mimir.ingester.client.IngesterClientPool} keeps one per address (channel, pool
 * and the label, matcher and chunk conversions are {@code mimir.grpccommon}'s). The wire contract
 * both ends share ({@code mimir.ingester.client.grpc}: method descriptors, status mapping, message
 * conversions) is exported to the ingester only. Carries no ingester code, so an image can have the
 * client without the component.
 */
@SuppressWarnings("module") // mimir.ingester, the qualified export's target, is built after this module.
module mimir.ingester.client {
    requires io.grpc;
    requires io.grpc.protobuf;
    requires io.grpc.stub;
    requires mimir.grpccommon;
    requires mimir.proto;
    requires mimir.spi;
    requires transitive mimir.model;

    exports mimir.ingester.client;
    exports mimir.ingester.client.grpc to mimir.ingester;
}
