/**
 * The {@code store-gateway} component: discovers each tenant's blocks in the bucket (bucket index, or a
 * listing), keeps an index-header per block on local disk under
 * {@code -blocks-storage.bucket-store.sync-dir}, opens blocks lazily and serves their series to the
 * querier through ranged reads of the index and chunk objects, cached in memory within a byte budget.
 * Shards the blocks among the store-gateways of its ring ({@code -store-gateway.sharding-ring.*},
 * replication factor 3) and loads only those it owns. Serves the {@code gatewaypb.StoreGateway} gRPC
 * service for queriers in other processes and registers its in-process
 * {@link mimir.storegateway.client.StoreGatewayClient} for the querier of the same process. Found by
 * the launcher through {@link mimir.spi.ComponentProvider}.
 */
module mimir.storegateway {
    requires com.google.protobuf;
    requires dagger;
    requires io.grpc;
    requires io.grpc.stub;
    requires jakarta.inject;
    requires javax.inject;
    requires mimir.bucket;
    requires mimir.grpccommon;
    requires mimir.proto;
    requires mimir.ring;
    requires mimir.spi;
    requires mimir.storegateway.client;
    requires mimir.tsdb;

    provides mimir.spi.ComponentProvider with mimir.storegateway.StoreGatewayProvider;
}
