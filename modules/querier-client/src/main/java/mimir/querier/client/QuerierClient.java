package mimir.querier.client;

import java.util.List;

import mimir.model.storage.Queryable;
import mimir.promql.engine.EngineOptions;

/** A querier as its in-process peers see it. */
public interface QuerierClient {
    /**
     * The storage of one query over {@code tenants} (more than one: federated, each series labelled
     * with {@code __tenant_id__}), with a fresh fetch budget from the tenants' query limits
     * ({@code max_fetched_series_per_query}, ...), {@code max_query_lookback} and their series deletions.
     *
     * @param tenants the query's tenants, at least one
     */
    Queryable queryable(List<String> tenants);

    /** The engine options of {@code -querier.timeout}, {@code -querier.max-samples}, {@code -querier.lookback-delta}, ... */
    EngineOptions engineOptions();
}
