package mimir.distributor.client;

import mimir.ingester.client.WriteBatch;

/** A distributor as its in-process peers see it. */
public interface DistributorClient {
    /**
     * Pushes one tenant's batch through the distributor: the tenant's limits, HA deduplication,
     * relabeling and validation apply exactly as for a remote-write request. The batch is read during
     * the call only (the caller may reuse it afterwards) and is not changed.
     *
     * @return what happened; never throws for bad data or limits (those are a 4xx outcome)
     */
    PushOutcome push(String tenant, WriteBatch batch);
}
