package mimir.querier.storage;

import mimir.model.storage.Querier;

/**
 * One place a tenant's series live: the ingesters (recent data, within {@code query_ingesters_within}),
 * later the store-gateways (blocks in object storage). The querier merges every source's series, so a
 * new source is one more entry in the list {@link QuerierStorage} is built with.
 */
public interface QuerySource {
    /** A short name for logs and errors, e.g. {@code ingester}. */
    String name();

    /**
     * A querier over the tenant's series within {@code [mint, maxt]} (milliseconds, inclusive), or an
     * empty one when this source holds nothing of that range. Never another tenant's data.
     */
    Querier querier(String tenant, long mint, long maxt);
}
