/**
 * The {@code store-gateway} component: discovers each tenant's blocks in the bucket (bucket index, or a
 * listing), keeps an index-header per block on local disk under
 * {@code -blocks-storage.bucket-store.sync-dir}, opens blocks lazily and serves their series to the
 * querier through ranged reads of the index and chunk objects, cached in memory within a byte budget.
 * Registers its in-process {@link mimir.storegateway.client.StoreGatewayClient}. Found by the launcher
 * through {@link mimir.spi.ComponentProvider}.
 */
module mimir.storegateway {
    requires dagger;
    requires jakarta.inject;
    requires javax.inject;
    requires mimir.bucket;
    requires mimir.spi;
    requires mimir.storegateway.client;
    requires mimir.tsdb;

    provides mimir.spi.ComponentProvider with mimir.storegateway.StoreGatewayProvider;
}
