/**
 * The store-gateway's client module: the {@link mimir.storegateway.client.StoreGatewayClient} interface
 * the querier calls, and {@link mimir.storegateway.client.BucketBlocks}, how the querier and the
 * store-gateway find a tenant's blocks in the bucket (its bucket index, or a listing when it has none)
 * and which of them are queryable. In one process the store-gateway registers its in-process client
 * through {@code mimir.spi.LocalInstances}; the gRPC client for store-gateways in other processes
 * belongs here too. Carries no store-gateway code.
 */
module mimir.storegateway.client {
    requires transitive mimir.model;
    requires transitive mimir.spi;
    requires transitive mimir.tsdb;

    exports mimir.storegateway.client;
}
