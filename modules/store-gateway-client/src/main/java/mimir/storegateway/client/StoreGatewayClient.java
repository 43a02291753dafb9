package mimir.storegateway.client;

import java.util.Set;

import mimir.tsdb.block.Ulid;

/**
 * What the querier asks a store-gateway: the series of some of a tenant's blocks. The querier decides
 * which blocks a query needs (from the bucket index, see {@code mimir.bucket.BucketBlocks}) and which
 * store-gateway to ask for each (the store-gateway ring); the store-gateway answers each call from
 * exactly those blocks and names the ones it did not query, so the querier can ask another replica
 * for them and never returns a partial answer without knowing it.
 *
 * <p>Implementations: the store-gateway of this process (registered in {@code mimir.spi.LocalInstances},
 * no serialization), and {@link GrpcStoreGatewayClient} for one in another process.
 */
public interface StoreGatewayClient {
    /**
     * A querier over the samples within {@code [mint, maxt]} (inclusive) of the given blocks of
     * {@code tenant}; never another tenant's data. The caller closes it.
     *
     * @param blocks the blocks to read, each of the tenant
     */
    BlocksQuerier querier(String tenant, Set<Ulid> blocks, long mint, long maxt);
}
