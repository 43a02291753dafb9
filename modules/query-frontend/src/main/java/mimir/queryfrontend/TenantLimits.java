package mimir.queryfrontend;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

import mimir.spi.Overrides;
import mimir.spi.limits.BlockedQuery;
import mimir.spi.limits.Limits;

/**
 * The limits of a request's tenants, combined as Mimir combines them for a federated query: the
 * smallest positive value of a bound, the largest freshness, a flag only when every tenant has it.
 */
record TenantLimits(List<String> tenantIds, List<Limits> limits) {
    private static final int DEFAULT_PARALLELISM = 14;

    TenantLimits {
        tenantIds = List.copyOf(tenantIds);
        limits = List.copyOf(limits);
        if (tenantIds.isEmpty() || tenantIds.size() != limits.size()) {
            throw new IllegalArgumentException("one limits object per tenant is needed");
        }
    }

    /** The limits of {@code tenant}, a single tenant ID or several joined by {@code |}. */
    static TenantLimits of(String tenant, Overrides overrides) {
        requireNonNull(tenant, "tenant is null");
        List<String> ids = List.of(tenant.split("\\|"));
        List<Limits> limits = new ArrayList<>(ids.size());
        for (String id : ids) {
            limits.add(overrides.forTenant(id));
        }
        return new TenantLimits(ids, limits);
    }

    int maxQueryParallelism() {
        int smallest = smallestPositive(Limits::maxQueryParallelism);
        return smallest > 0 ? smallest : DEFAULT_PARALLELISM;
    }

    Duration maxCacheFreshness() {
        return largest(Limits::maxCacheFreshness);
    }

    int maxQueryExpressionSizeBytes() {
        return smallestPositive(Limits::maxQueryExpressionSizeBytes);
    }

    Duration maxTotalQueryLength() {
        return smallestPositive(Limits::maxTotalQueryLength);
    }

    Duration maxQueryLookback() {
        return smallestPositive(Limits::maxQueryLookback);
    }

    Duration resultsCacheTtl() {
        return smallestPositive(Limits::resultsCacheTtl);
    }

    Duration resultsCacheTtlForOutOfOrderTimeWindow() {
        return smallestPositive(Limits::resultsCacheTtlForOutOfOrderTimeWindow);
    }

    Duration resultsCacheTtlForLabelsQuery() {
        return smallestPositive(Limits::resultsCacheTtlForLabelsQuery);
    }

    Duration resultsCacheTtlForCardinalityQuery() {
        return smallestPositive(Limits::resultsCacheTtlForCardinalityQuery);
    }

    Duration outOfOrderTimeWindow() {
        return largest(Limits::outOfOrderTimeWindow);
    }

    boolean alignQueriesWithStep() {
        return all(Limits::alignQueriesWithStep);
    }

    boolean cacheUnalignedRequests() {
        return all(Limits::cacheUnalignedRequests);
    }

    /** The blocked queries of each tenant, by tenant index. */
    List<BlockedQuery> blockedQueries(int tenantIndex) {
        return limits.get(tenantIndex).blockedQueries();
    }

    private int smallestPositive(ToIntFunction<Limits> limit) {
        int smallest = 0;
        for (Limits l : limits) {
            int value = limit.applyAsInt(l);
            if (value > 0 && (smallest == 0 || value < smallest)) {
                smallest = value;
            }
        }
        return smallest;
    }

    private Duration smallestPositive(Function<Limits, Duration> limit) {
        Duration smallest = Duration.ZERO;
        for (Limits l : limits) {
            Duration value = limit.apply(l);
            if (value.isPositive() && (smallest.isZero() || value.compareTo(smallest) < 0)) {
                smallest = value;
            }
        }
        return smallest;
    }

    private Duration largest(Function<Limits, Duration> limit) {
        Duration largest = Duration.ZERO;
        for (Limits l : limits) {
            Duration value = limit.apply(l);
            if (value.compareTo(largest) > 0) {
                largest = value;
            }
        }
        return largest;
    }

    private boolean all(Predicate<Limits> flag) {
        for (Limits l : limits) {
            if (!flag.test(l)) {
                return false;
            }
        }
        return true;
    }
}
