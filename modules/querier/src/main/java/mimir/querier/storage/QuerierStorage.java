package mimir.querier.storage;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import mimir.bucket.SeriesDeletions;
import mimir.model.storage.EmptyQuerier;
import mimir.model.storage.Querier;
import mimir.model.storage.Queryable;
import mimir.promql.api.GoDurations;
import mimir.promql.engine.QueryException;
import mimir.spi.Overrides;
import mimir.spi.limits.Limits;
import mimir.tsdb.MergeQuerier;

/**
 * What a query reads: for each tenant the merge of every {@link QuerySource} (series with equal labels
 * from different sources become one, samples deduplicated by time), several tenants federated by
 * {@link FederatedQuerier}, and everything counted by the query's {@link QueryLimiter}.
 *
 * <p>Per tenant, before any source is asked: the start is clamped to {@code max_query_lookback} before
 * now (nothing is read if the whole range is older), and for PromQL queries a range longer than
 * {@code max_partial_query_length} fails with Mimir's {@code err-mimir-max-query-length} error. The
 * range the engine asks for already includes the selectors' lookback and range, so the limit applies
 * to exactly what is read.
 */
public final class QuerierStorage {
    private final List<QuerySource> sources;
    private final Overrides overrides;
    private final Clock clock;
    private final Optional<SeriesDeletionCache> deletions;

    public QuerierStorage(List<QuerySource> sources, Overrides overrides, Clock clock) {
        this(sources, overrides, clock, Optional.empty());
    }

    /** @param deletions the tenants' series deletion requests, applied to every query (empty: none) */
    public QuerierStorage(List<QuerySource> sources, Overrides overrides, Clock clock, Optional<SeriesDeletionCache> deletions) {
        this.sources = List.copyOf(sources);
        if (this.sources.isEmpty()) {
            throw new IllegalArgumentException("no query source");
        }
        this.overrides = requireNonNull(overrides, "overrides is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.deletions = requireNonNull(deletions, "deletions is null");
    }

    /**
     * The queryable of one query.
     *
     * @param tenants     the query's tenants, sorted; more than one means federation
     * @param limiter     the query's fetch budget
     * @param checkLength whether to enforce {@code max_partial_query_length} (PromQL and remote read)
     */
    public Queryable queryable(List<String> tenants, QueryLimiter limiter, boolean checkLength) {
        List<String> copy = List.copyOf(tenants);
        requireNonNull(limiter, "limiter is null");
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("no tenant");
        }
        return (mint, maxt) -> {
            Querier querier = copy.size() == 1
                    ? tenantQuerier(copy.getFirst(), mint, maxt, checkLength)
                    : new FederatedQuerier(copy, tenant -> tenantQuerier(tenant, mint, maxt, checkLength));
            return new LimitingQuerier(querier, limiter);
        };
    }

    private Querier tenantQuerier(String tenant, long mint, long maxt, boolean checkLength) {
        Limits limits = overrides.forTenant(tenant);
        Duration lookback = limits.maxQueryLookback();
        if (!lookback.isZero()) {
            mint = Math.max(mint, clock.millis() - lookback.toMillis());
            if (mint > maxt) {
                return EmptyQuerier.INSTANCE;
            }
        }
        Duration maxLength = limits.maxPartialQueryLength();
        if (checkLength && !maxLength.isZero() && maxt - mint > maxLength.toMillis()) {
            throw QueryException.execution("the query time range exceeds the limit (query length: " + GoDurations.format(maxt - mint)
                    + ", limit: " + GoDurations.format(maxLength.toMillis()) + ") (err-mimir-max-query-length). To adjust the related per-tenant limit, "
                    + "configure -querier.max-partial-query-length, or contact your service administrator.");
        }
        List<Querier> queriers = new ArrayList<>(sources.size());
        try {
            for (QuerySource source : sources) {
                queriers.add(source.querier(tenant, mint, maxt));
            }
        }
        catch (RuntimeException e) {
            for (Querier opened : queriers) {
                opened.close();
            }
            throw e;
        }
        Querier merged = queriers.size() == 1 ? queriers.getFirst() : new MergeQuerier(queriers);
        if (deletions.isPresent() && limits.seriesDeletionEnabled()) {
            List<SeriesDeletions.Request> requests;
            try {
                requests = deletions.get().overlapping(tenant, mint, maxt);
            }
            catch (RuntimeException e) {
                merged.close();
                throw e;
            }
            if (!requests.isEmpty()) {
                return new DeletionFilteringQuerier(merged, requests);
            }
        }
        return merged;
    }
}
