/**
 * The store-gateway's client module: the {@link mimir.storegateway.client.StoreGatewayClient} interface
 * the querier calls (answers that name the blocks they do not cover), and
 * {@link mimir.storegateway.client.BucketStoreSettings}, which of a tenant's blocks the querier and the
 * store-gateway both consider queryable. In one process the store-gateway registers its in-process
 * client through {@code mimir.spi.LocalInstances}; for store-gateways in other processes,
 * {@link mimir.storegateway.client.GrpcStoreGatewayClient} calls the {@code gatewaypb.StoreGateway}
 * gRPC service and {@link mimir.storegateway.client.StoreGatewayClientPool} keeps one per address
 * (channel, pool and the label, matcher and chunk conversions are {@code mimir.grpccommon}'s). The
 * wire contract both ends share ({@code mimir.storegateway.client.grpc}: method descriptors, the tenant
 * header, message conversions) is exported to the store-gateway only. Carries no store-gateway code.
 */
@SuppressWarnings("module") // mimir.storegateway, the qualified export's target, is built after this module.
module mimir.storegateway.client {
    requires io.grpc;
    requires io.grpc.netty;
    requires io.grpc.protobuf;
    requires io.grpc.stub;
    requires mimir.grpccommon;
    requires mimir.proto;
    requires transitive mimir.model;
    requires transitive mimir.bucket;

    exports mimir.storegateway.client;
    exports mimir.storegateway.client.grpc to mimir.storegateway;
}
