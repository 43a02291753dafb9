/**
 * The {@code ingester} component: one TSDB (head, WAL, local blocks) per tenant under
 * {@code -blocks-storage.tsdb.dir}, series/exemplar/metadata limits, in-memory exemplars and metric
 * metadata, and the shipper that uploads every block the head cuts to the blocks storage. Registers its
 * in-process {@link mimir.ingester.client.IngesterClient} so the distributor and querier of the same
 * process call it without serialization, and the {@code cortex.Ingester} gRPC service for those in other
 * processes. Found by the launcher through {@link mimir.spi.ComponentProvider}.
 */
module mimir.ingester {
    requires com.google.protobuf;
    requires dagger;
    requires io.grpc;
    requires io.grpc.stub;
    requires jakarta.inject;
    requires javax.inject;
    requires mimir.bucket;
    requires mimir.grpccommon;
    requires mimir.ingester.client;
    requires mimir.proto;
    requires mimir.ring;
    requires mimir.spi;
    requires mimir.tsdb;

    provides mimir.spi.ComponentProvider with mimir.ingester.IngesterProvider;
}
