package mimir.querier.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import mimir.bucket.SeriesDeletions;
import mimir.promql.engine.QueryException;

/**
 * The tenants' series deletion requests as queries see them (only for tenants with
 * {@code series_deletion_enabled}): read from the bucket at most every {@value #REFRESH_MILLIS} ms per
 * tenant, and at once after this process stored a new one. While the bucket is unreachable the last
 * requests read keep applying; a tenant whose requests were never read fails its queries instead of
 * showing deleted samples.
 */
public final class SeriesDeletionCache {
    static final long REFRESH_MILLIS = 10_000;
    private static final System.Logger LOG = System.getLogger(SeriesDeletionCache.class.getName());

    private final SeriesDeletions deletions;
    private final Clock clock;
    private final ConcurrentMap<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(List<SeriesDeletions.Request> requests, long readAtMillis) {}

    public SeriesDeletionCache(SeriesDeletions deletions, Clock clock) {
        this.deletions = requireNonNull(deletions, "deletions is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The tenant's requests that reach into {@code [mint, maxt]}. */
    public List<SeriesDeletions.Request> overlapping(String tenant, long mint, long maxt) {
        long now = clock.millis();
        Cached cached = cache.get(tenant);
        if (cached == null || now - cached.readAtMillis() >= REFRESH_MILLIS) {
            try {
                cached = new Cached(deletions.list(tenant), now);
            }
            catch (IOException | RuntimeException e) {
                if (cached == null) {
                    throw QueryException.execution("failed to read the series deletion requests of tenant " + tenant
                            + " from the object storage, so deleted series could show: " + e.getMessage());
                }
                // The bucket is unreachable: keep applying the requests known so far, try again after the refresh period.
                LOG.log(System.Logger.Level.WARNING, "reading series deletion requests failed, using the last known ones user=" + tenant
                        + " err=\"" + e.getMessage() + "\"");
                cached = new Cached(cached.requests(), now);
            }
            cache.put(tenant, cached);
        }
        List<SeriesDeletions.Request> result = new ArrayList<>();
        for (SeriesDeletions.Request request : cached.requests()) {
            if (request.overlaps(mint, maxt)) {
                result.add(request);
            }
        }
        return result;
    }

    /** Stores a request and makes this process's queries see it from now on. */
    public void add(String tenant, SeriesDeletions.Request request) throws IOException {
        deletions.add(tenant, request);
        cache.remove(tenant);
    }

    /** The tenant's requests, for listing. */
    public List<SeriesDeletions.Request> all(String tenant) throws IOException {
        return deletions.list(tenant);
    }
}
