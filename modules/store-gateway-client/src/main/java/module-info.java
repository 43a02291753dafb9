/**
 * The store-gateway's client module: the {@link mimir.storegateway.client.StoreGatewayClient} interface
 * the querier calls, and {@link mimir.storegateway.client.BucketStoreSettings}, which of a tenant's
 * blocks the querier and the store-gateway both consider queryable. In one process the store-gateway registers its in-process client
 * through {@code mimir.spi.LocalInstances}; the gRPC client for store-gateways in other processes
 * belongs here too. Carries no store-gateway code.
 */
module mimir.storegateway.client {
    requires transitive mimir.model;
    requires transitive mimir.bucket;

    exports mimir.storegateway.client;
}
