package mimir.queryfrontend;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import mimir.queryfrontend.QueryRequests.RangeQuery;
import mimir.queryfrontend.cache.Extent;
import mimir.queryfrontend.cache.ResultsCache;
import mimir.queryfrontend.codec.PrometheusResponse;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;

/**
 * Mimir's split-and-cache step for range queries: the query is split at multiples of
 * {@code -query-frontend.split-queries-by-interval} (each part ending on the last step before the
 * boundary, the next starting on the boundary's step), the parts run in parallel (at most
 * {@code max_query_parallelism} at once), and each cacheable part is answered from cached extents plus
 * querier requests for only the time ranges the extents miss. Extents are kept per tenant, query, step
 * and split interval; nothing newer than {@code now - max_cache_freshness} is stored. The extents of all
 * cacheable parts are looked up at once, so a remote cache is asked once per query, as Mimir does.
 */
final class QueryRangeSplitter {
    private static final long DEFAULT_CACHE_INTERVAL_MILLIS = 24 * 3_600_000L;

    /** What one request needs: who asks, the limits that apply, where to send parts, when to give up. */
    record Context(String tenant, TenantLimits limits, QueryFrontendDownstream downstream, long deadlineNanos, boolean bypassCache) {
        Context {
            requireNonNull(tenant, "tenant is null");
            requireNonNull(limits, "limits is null");
            requireNonNull(downstream, "downstream is null");
        }
    }

    /** A part's outcome: the parsed matrix, or the querier's response as is when it is not a success. */
    private record PartResult(long start, PrometheusResponse parsed, HttpResponse failure) {}

    private final long splitIntervalMillis;
    private final ResultsCache cache;
    private final java.time.Clock clock;
    private final QueryFrontendMetrics metrics;

    /** @param cache null when results caching is off */
    QueryRangeSplitter(java.time.Duration splitInterval, ResultsCache cache, java.time.Clock clock, QueryFrontendMetrics metrics) {
        this.splitIntervalMillis = splitInterval.toMillis();
        this.cache = cache;
        this.clock = requireNonNull(clock, "clock is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    HttpResponse execute(Context context, HttpRequest original, RangeQuery query) throws InterruptedException, TimeoutException {
        List<RangeQuery> parts = split(query, splitIntervalMillis);
        if (splitIntervalMillis > 0) {
            metrics.splitQueries(parts.size());
        }
        boolean caching = cache != null && !context.bypassCache();
        if (parts.size() == 1 && !caching) {
            // Nothing to merge: hand the querier's response through untouched.
            return context.downstream().execute(context.tenant(), QueryRequests.rangeRequest(original, context.tenant(), query), context.deadlineNanos());
        }
        List<PartResult> results = runParts(context, original, parts, caching);
        List<PrometheusResponse> responses = new ArrayList<>(results.size());
        for (PartResult result : results) {
            if (result.failure != null) {
                return result.failure;
            }
            responses.add(result.parsed);
        }
        return new HttpResponse(200, HttpResponse.JSON, java.util.Map.of(), PrometheusResponse.merge(responses).encode());
    }

    /** The parts of a range query, split at interval boundaries aligned to the step as Mimir splits. */
    static List<RangeQuery> split(RangeQuery query, long intervalMillis) {
        if (intervalMillis <= 0) {
            return List.of(query);
        }
        List<RangeQuery> parts = new ArrayList<>();
        for (long start = query.start(); start <= query.end(); ) {
            long end = Math.min(nextIntervalBoundary(start, query.step(), intervalMillis), query.end());
            parts.add(query.withRange(start, end));
            start = end + query.step();
        }
        return parts;
    }

    /** The last timestamp {@code t + k*step} before the interval boundary that follows {@code t}. */
    static long nextIntervalBoundary(long t, long step, long intervalMillis) {
        long startOfNextInterval = (Math.floorDiv(t, intervalMillis) + 1) * intervalMillis;
        long target = startOfNextInterval - Math.floorMod(startOfNextInterval - t, step);
        if (target == startOfNextInterval) {
            target -= step;
        }
        return target;
    }

    private List<PartResult> runParts(Context context, HttpRequest original, List<RangeQuery> parts, boolean caching)
            throws InterruptedException, TimeoutException {
        long now = clock.millis();
        java.util.Map<String, List<Extent>> cached = caching ? lookUp(context, original, parts, now) : java.util.Map.of();
        Semaphore permits = new Semaphore(context.limits().maxQueryParallelism());
        List<Future<PartResult>> futures = new ArrayList<>(parts.size());
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (RangeQuery part : parts) {
                futures.add(executor.submit(() -> {
                    permits.acquire();
                    try {
                        return caching && cacheable(context, part, now)
                                ? cachedPart(context, original, part, now, cached.getOrDefault(cacheKey(context.tenant(), original, part), List.of()))
                                : directPart(context, original, part);
                    }
                    finally {
                        permits.release();
                    }
                }));
            }
            List<PartResult> results = new ArrayList<>(parts.size());
            try {
                for (Future<PartResult> future : futures) {
                    results.add(future.get(Math.max(0, context.deadlineNanos() - System.nanoTime()), TimeUnit.NANOSECONDS));
                }
            }
            catch (InterruptedException | TimeoutException e) {
                // Interrupting the part threads cancels their requests at the scheduler.
                futures.forEach(f -> f.cancel(true));
                throw e;
            }
            catch (ExecutionException e) {
                futures.forEach(f -> f.cancel(true));
                throw unwrap(e);
            }
            return results;
        }
    }

    private static RuntimeException unwrap(ExecutionException e) throws InterruptedException, TimeoutException {
        Throwable cause = e.getCause();
        switch (cause) {
            case RuntimeException runtime -> throw runtime;
            case InterruptedException interrupted -> throw interrupted;
            case TimeoutException timeout -> throw timeout;
            default -> throw new IllegalStateException(cause.getMessage(), cause);
        }
    }

    private PartResult directPart(Context context, HttpRequest original, RangeQuery part) throws InterruptedException, TimeoutException {
        return fetch(context, original, part);
    }

    private PartResult fetch(Context context, HttpRequest original, RangeQuery part) throws InterruptedException, TimeoutException {
        HttpResponse response = context.downstream().execute(context.tenant(), QueryRequests.rangeRequest(original, context.tenant(), part), context.deadlineNanos());
        if (response.status() != 200) {
            return new PartResult(part.start(), null, response);
        }
        try {
            return new PartResult(part.start(), PrometheusResponse.parse(response.body()), null);
        }
        catch (IllegalArgumentException e) {
            return new PartResult(part.start(), null, response);
        }
    }

    /** Whether a part may come from the cache: not within {@code max_cache_freshness}, aligned unless unaligned ones are cached too. */
    private static boolean cacheable(Context context, RangeQuery part, long now) {
        long maxCacheTime = now - context.limits().maxCacheFreshness().toMillis();
        boolean aligned = part.start() % part.step() == 0 && part.end() % part.step() == 0;
        return part.start() <= maxCacheTime && (aligned || context.limits().cacheUnalignedRequests());
    }

    /** The cached extents of the cacheable parts, in one lookup. */
    private java.util.Map<String, List<Extent>> lookUp(Context context, HttpRequest original, List<RangeQuery> parts, long now) {
        List<String> keys = new ArrayList<>(parts.size());
        for (RangeQuery part : parts) {
            if (cacheable(context, part, now)) {
                keys.add(cacheKey(context.tenant(), original, part));
            }
        }
        return keys.isEmpty() ? java.util.Map.of() : cache.get(keys, now);
    }

    private PartResult cachedPart(Context context, HttpRequest original, RangeQuery part, long now, List<Extent> cachedExtents)
            throws InterruptedException, TimeoutException {
        long maxCacheTime = now - context.limits().maxCacheFreshness().toMillis();
        long step = part.step();
        String key = cacheKey(context.tenant(), original, part);
        List<Extent> extents = new ArrayList<>(cachedExtents);
        extents.sort(Comparator.comparingLong(Extent::start));

        List<PartResult> pieces = new ArrayList<>();
        List<RangeQuery> missing = new ArrayList<>();
        long cursor = part.start();
        boolean hit = false;
        for (Extent extent : extents) {
            if (extent.end() < cursor || extent.start() > part.end()) {
                continue;
            }
            if (extent.start() > cursor) {
                missing.add(part.withRange(cursor, Math.min(part.end(), extent.start() - step)));
            }
            long from = Math.max(cursor, extent.start());
            long to = Math.min(part.end(), extent.end());
            pieces.add(new PartResult(from, PrometheusResponse.parse(extent.response()).slice(from, to), null));
            hit = true;
            cursor = extent.end() + step;
        }
        if (cursor <= part.end()) {
            missing.add(part.withRange(cursor, part.end()));
        }
        metrics.cacheLookup("query_range", hit);

        boolean store = true;
        for (RangeQuery request : missing) {
            HttpResponse response = context.downstream().execute(context.tenant(),
                    QueryRequests.rangeRequest(original, context.tenant(), request), context.deadlineNanos());
            if (response.status() != 200) {
                return new PartResult(part.start(), null, response);
            }
            PrometheusResponse parsed;
            try {
                parsed = PrometheusResponse.parse(response.body());
            }
            catch (IllegalArgumentException e) {
                return new PartResult(part.start(), null, response);
            }
            if (noStore(response)) {
                store = false;
            }
            pieces.add(new PartResult(request.start(), parsed, null));
            long extentEnd = lastStepAtOrBefore(request.start(), Math.min(request.end(), maxCacheTime), step);
            if (extentEnd >= request.start()) {
                extents.add(new Extent(request.start(), extentEnd, parsed.slice(request.start(), extentEnd).encode()));
            }
        }
        if (store && !missing.isEmpty()) {
            List<Extent> merged = mergeExtents(extents, step);
            cache.put(key, merged, now + ttl(context.limits(), merged, now));
        }
        pieces.sort(Comparator.comparingLong(PartResult::start));
        List<PrometheusResponse> responses = new ArrayList<>(pieces.size());
        for (PartResult piece : pieces) {
            responses.add(piece.parsed);
        }
        return new PartResult(part.start(), PrometheusResponse.merge(responses), null);
    }

    /** True if the querier said {@code Cache-Control: no-store} (header names in any case). */
    static boolean noStore(HttpResponse response) {
        for (java.util.Map.Entry<String, String> header : response.headers().entrySet()) {
            if (header.getKey().equalsIgnoreCase("Cache-Control") && header.getValue().contains("no-store")) {
                return true;
            }
        }
        return false;
    }

    /** Tenant first, so tenants never share an entry; then the query, step, split interval and its index. */
    private String cacheKey(String tenant, HttpRequest original, RangeQuery part) {
        long interval = splitIntervalMillis > 0 ? splitIntervalMillis : DEFAULT_CACHE_INTERVAL_MILLIS;
        return tenant + ":" + part.query() + ":" + part.step() + ":" + interval + ":" + Math.floorDiv(part.start(), interval)
                + ":" + Math.floorMod(part.start(), part.step()) + ":" + QueryRequests.otherParams(original);
    }

    private static long lastStepAtOrBefore(long start, long limit, long step) {
        if (limit < start) {
            return start - 1;
        }
        return start + (limit - start) / step * step;
    }

    /** Joins extents that overlap or touch (the next starts at most one step after the previous ends). */
    private static List<Extent> mergeExtents(List<Extent> extents, long step) {
        List<Extent> sorted = new ArrayList<>(extents);
        sorted.sort(Comparator.comparingLong(Extent::start));
        List<Extent> out = new ArrayList<>();
        for (Extent extent : sorted) {
            if (!out.isEmpty() && extent.start() <= out.getLast().end() + step) {
                Extent previous = out.removeLast();
                if (extent.end() <= previous.end()) {
                    out.add(previous);
                    continue;
                }
                PrometheusResponse joined = PrometheusResponse.merge(List.of(
                        PrometheusResponse.parse(previous.response()), PrometheusResponse.parse(extent.response()).slice(previous.end() + 1, extent.end())));
                out.add(new Extent(previous.start(), extent.end(), joined.encode()));
            }
            else {
                out.add(extent);
            }
        }
        return out;
    }

    /** {@code results_cache_ttl}, or the shorter out-of-order TTL when an extent reaches into the out-of-order window. */
    private static long ttl(TenantLimits limits, List<Extent> extents, long now) {
        long ttl = limits.resultsCacheTtl().toMillis();
        long oooWindow = limits.outOfOrderTimeWindow().toMillis();
        if (oooWindow > 0) {
            for (Extent extent : extents) {
                if (extent.end() > now - oooWindow) {
                    return Math.min(ttl, limits.resultsCacheTtlForOutOfOrderTimeWindow().toMillis());
                }
            }
        }
        return ttl;
    }
}
