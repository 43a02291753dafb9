package mimir.ingester.client;

import java.util.List;

import mimir.model.Matcher;
import mimir.model.storage.Querier;

/**
 * The calls a distributor and a querier make on one ingester, Mimir's {@code cortex.Ingester} service.
 * Every call is for one tenant; an ingester never returns another tenant's data.
 *
 * <p>Implementations are thread-safe. A tenant the ingester has never seen has no data: reads return
 * nothing, they do not fail.
 */
public interface IngesterClient {
    /**
     * Appends a validated batch of one tenant. Samples of the batch that the ingester refuses (out of
     * order, too old, duplicate timestamps with a new value, over a series limit) do not fail the call:
     * the rest is stored and the result says what was refused and why.
     *
     * @param batch the batch; the ingester reads it during the call only and keeps no reference to it
     *              or to its arrays (the caller reuses it for its next request), though it may keep the
     *              {@code Labels} objects, which are immutable. An ingester in this process replaces a
     *              series' labels in the batch by its own equal instance where it holds one, so that a
     *              caller that keeps label sets (the distributor's series cache) keeps the ingester's
     *              copy rather than a second one and passes it back next time, and sets the series'
     *              {@linkplain WriteBatch#handle(int) handle}, which finds the series again without a
     *              lookup when passed back with that same label instance; a remote ingester leaves the
     *              batch as it is
     * @throws IngesterException when nothing of the batch was stored (instance limits, ingester
     *         stopping, storage failure)
     */
    PushResult push(String tenant, WriteBatch batch) throws IngesterException;

    /**
     * A querier over the tenant's in-memory head and local blocks within {@code [mint, maxt]}
     * (milliseconds, inclusive). Close it to release what it reads.
     */
    Querier querier(String tenant, long mint, long maxt);

    /**
     * Metric metadata of the tenant, newest first per metric.
     *
     * @param metric         only this metric family, or all if empty
     * @param limit          at most this many metrics, or all if negative
     * @param limitPerMetric at most this many entries per metric, or all if negative
     */
    List<MetricMetadata> metricsMetadata(String tenant, String metric, int limit, int limitPerMetric);

    /**
     * Exemplars in {@code [start, end]} (milliseconds, inclusive) of the series matching any one of the
     * matcher sets, one entry per series that has exemplars in range, exemplars in time order.
     */
    List<ExemplarSeries> queryExemplars(String tenant, long start, long end, List<List<Matcher>> matcherSets);

    /** The tenant's ingestion statistics, as {@code /api/v1/user_stats} shows them. */
    UserStats userStats(String tenant);

    /**
     * Deletes the samples in {@code [start, end]} (milliseconds) of the tenant's series that match any
     * of {@code matcherSets} from the ingester's TSDB (head and local blocks), so blocks it cuts later do
     * not hold them. A tenant without a TSDB here has nothing to delete.
     */
    void deleteSeries(String tenant, long start, long end, List<List<Matcher>> matcherSets) throws java.io.IOException;
}
