package mimir.storegateway.client;

import static java.util.Objects.requireNonNull;

import java.util.Set;

import mimir.model.storage.Querier;
import mimir.tsdb.block.Ulid;

/**
 * What the querier asks a store-gateway: the series of some of a tenant's blocks. The querier decides
 * which blocks a query needs (from the bucket index, see {@link BucketBlocks}); the store-gateway answers
 * from exactly those and names the ones it could not query, so the querier never returns a partial
 * answer without knowing it.
 */
public interface StoreGatewayClient {
    /**
     * A querier over the samples within {@code [mint, maxt]} (inclusive) of the given blocks of
     * {@code tenant}; never another tenant's data. The caller closes the querier.
     *
     * @param blocks the blocks to read, each of the tenant
     */
    BlocksQuery query(String tenant, Set<Ulid> blocks, long mint, long maxt);

    /**
     * The answer to {@link #query}.
     *
     * @param querier the series of the blocks that were found (empty if none)
     * @param missing the requested blocks this store-gateway does not hold (not synced yet, deleted, or failing to load)
     */
    record BlocksQuery(Querier querier, Set<Ulid> missing) {
        public BlocksQuery {
            requireNonNull(querier, "querier is null");
            missing = Set.copyOf(missing);
        }
    }
}
