package mimir.querier.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import mimir.model.storage.EmptyQuerier;
import mimir.model.storage.Querier;
import mimir.promql.api.GoDurations;
import mimir.promql.engine.QueryException;
import mimir.bucket.BucketBlocks;
import mimir.storegateway.client.BucketStoreSettings;
import mimir.tsdb.block.BucketIndex;
import mimir.tsdb.block.Ulid;

/**
 * The blocks in object storage as a source, through the store-gateways. Asked only for the part of a
 * query older than {@code -querier.query-store-after} (0: always). The querier decides which blocks the
 * range needs from the tenant's bucket index (or a listing when it has none; re-read every
 * {@code -blocks-storage.bucket-store.sync-interval}), and {@link BlocksStoreQuerier} asks the
 * store-gateways holding them ({@link StoreGateways}) and checks that every one was queried: a block
 * reported missing is asked of another replica, then after re-reading the bucket (it may have been
 * compacted into another), and a block still missing fails the query with Mimir's consistency-check
 * error instead of a silent partial answer.
 */
public final class StoreGatewayQuerySource implements QuerySource, AutoCloseable {
    private final StoreGateways gateways;
    private final BucketBlocks discovery;
    private final BucketStoreSettings settings;
    private final Duration queryStoreAfter;
    private final Clock clock;
    private final ConcurrentMap<String, Cached> indexes = new ConcurrentHashMap<>();
    /** Runs the calls to several store-gateways of one query in parallel. */
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();

    private final Listener listener;

    private record Cached(BucketBlocks.Discovered discovered, long readAtMillis) {}

    /** Told when a tenant's block list is read, for the querier's {@code cortex_bucket_index_*} metrics. */
    public interface Listener {
        Listener NONE = new Listener() {
            @Override
            public void read(String tenant, boolean fromBucketIndex, long nanos, int tenantsCached) {}

            @Override
            public void failed(String tenant) {}
        };

        /** Read (from the bucket index, or by listing), taking {@code nanos}; {@code tenantsCached} block lists are now held. */
        void read(String tenant, boolean fromBucketIndex, long nanos, int tenantsCached);

        void failed(String tenant);
    }

    /**
     * @param gateways        the store-gateways, and which of them holds a block
     * @param queryStoreAfter {@code -querier.query-store-after}
     */
    public StoreGatewayQuerySource(StoreGateways gateways, BucketBlocks discovery, BucketStoreSettings settings, Duration queryStoreAfter, Clock clock) {
        this(gateways, discovery, settings, queryStoreAfter, clock, Listener.NONE);
    }

    public StoreGatewayQuerySource(StoreGateways gateways, BucketBlocks discovery, BucketStoreSettings settings, Duration queryStoreAfter, Clock clock,
            Listener listener) {
        this.listener = requireNonNull(listener, "listener is null");
        this.gateways = requireNonNull(gateways, "gateways is null");
        this.discovery = requireNonNull(discovery, "discovery is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.queryStoreAfter = requireNonNull(queryStoreAfter, "queryStoreAfter is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public String name() {
        return "store-gateway";
    }

    @Override
    public Querier querier(String tenant, long mint, long maxt) {
        long now = clock.millis();
        if (queryStoreAfter.toMillis() > 0) {
            maxt = Math.min(maxt, now - queryStoreAfter.toMillis());
        }
        if (maxt < mint) {
            return EmptyQuerier.INSTANCE;
        }
        Set<Ulid> wanted = blocks(index(tenant, now, false), now, mint, maxt);
        if (wanted.isEmpty()) {
            return EmptyQuerier.INSTANCE;
        }
        long from = mint;
        long to = maxt;
        // Re-reading the bucket finds a missing block's replacement if it was compacted meanwhile, or that it was deleted.
        Supplier<Set<Ulid>> reread = () -> blocks(index(tenant, now, true), now, from, to);
        return new BlocksStoreQuerier(tenant, mint, maxt, wanted, reread, gateways, clock, calls);
    }

    /** Stops the threads of calls in flight; the source answers no more queries. */
    @Override
    public void close() {
        calls.shutdownNow();
    }

    private Set<Ulid> blocks(BucketBlocks.Discovered discovered, long now, long mint, long maxt) {
        Set<Ulid> ids = new LinkedHashSet<>();
        for (BucketIndex.Entry entry : settings.queryable(discovered.index(), now)) {
            if (entry.overlapsClosed(mint, maxt)) {
                ids.add(entry.id());
            }
        }
        return ids;
    }

    /** The tenant's blocks, re-read when older than the sync interval or when {@code refresh}; fails on a stale bucket index. */
    private BucketBlocks.Discovered index(String tenant, long now, boolean refresh) {
        Cached cached = indexes.get(tenant);
        if (refresh || cached == null || now - cached.readAtMillis() >= settings.syncInterval().toMillis()) {
            long begin = System.nanoTime();
            try {
                cached = new Cached(discovery.discover(tenant, now), now);
            }
            catch (IOException e) {
                listener.failed(tenant);
                throw QueryException.execution("failed to read the blocks of tenant " + tenant + " from the object storage: " + e.getMessage());
            }
            indexes.put(tenant, cached);
            listener.read(tenant, cached.discovered().fromBucketIndex(), System.nanoTime() - begin, indexes.size());
        }
        BucketBlocks.Discovered discovered = cached.discovered();
        long maxStale = settings.maxStalePeriod().toMillis();
        if (discovered.fromBucketIndex() && maxStale > 0 && discovered.index().updatedAt() * 1000 < now - maxStale) {
            throw QueryException.execution("the bucket index is too old. It was last updated at " + Instant.ofEpochSecond(discovered.index().updatedAt())
                    + ", which exceeds the maximum allowed staleness period of " + GoDurations.format(maxStale) + " (err-mimir-bucket-index-too-old)");
        }
        return discovered;
    }
}
