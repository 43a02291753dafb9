package mimir.storegateway;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import mimir.model.Matcher;
import mimir.model.storage.EmptyQuerier;
import mimir.model.storage.Querier;
import mimir.model.storage.SeriesSet;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;
import mimir.bucket.BucketBlocks;
import mimir.storegateway.client.BlocksQuerier;
import mimir.storegateway.client.StoreGatewayClient;
import mimir.tsdb.BlockWriter;
import mimir.tsdb.MergeQuerier;
import mimir.tsdb.block.BucketIndex;
import mimir.tsdb.block.Ulid;

/**
 * The store-gateway: keeps, per tenant, the queryable blocks of the bucket ready to serve (meta.json
 * and index-header under {@code -blocks-storage.bucket-store.sync-dir}), re-syncs every
 * {@code -blocks-storage.bucket-store.sync-interval}, opens blocks on their first query and closes them
 * after the idle timeout, and answers {@link StoreGatewayClient#querier} from exactly the blocks asked for.
 *
 * <p>Sharding ({@link StoreGatewayRing}): only the blocks this instance owns in the store-gateway ring
 * are loaded. Ownership is judged again at every sync and whenever the ring's shape changes (which
 * triggers a sync): newly owned blocks are loaded, and blocks no longer owned are kept, and served,
 * for {@link #UNOWNED_BLOCK_GRACE} before they are dropped, so that queriers whose view of the ring
 * lags behind still find them here while the new owners load them.
 *
 * <p>A block the querier asks for that this store-gateway does not hold yet (uploaded after the last
 * sync) triggers a sync of that tenant, at most once a second; a block still missing afterwards is
 * reported not queried, never skipped silently.
 */
@Singleton
public final class StoreGateway implements Service, StoreGatewayClient {
    private static final System.Logger LOG = System.getLogger(StoreGateway.class.getName());
    private static final long ON_DEMAND_SYNC_MIN_INTERVAL_MILLIS = 1000;

    /**
     * How long a block that is no longer owned is kept: longer than a heartbeat period (an instance
     * forgotten by mistake registers again within one, and owns its blocks again) and than ring
     * propagation between processes, short enough to free the disk soon after a scale-up.
     */
    static final Duration UNOWNED_BLOCK_GRACE = Duration.ofMinutes(5);

    private final StoreGatewayConfig config;
    private final ObjectStore store;
    private final BucketBlocks discovery;
    private final Clock clock;
    private final PageCache cache;
    private final StoreGatewayMetrics metrics;
    private final StoreGatewayRing ring;
    private final ConcurrentMap<String, Tenant> tenants = new ConcurrentHashMap<>();
    private final Object syncAllLock = new Object();
    private final AtomicBoolean syncRequested = new AtomicBoolean();
    /** When the sync scheduled for the end of a grace period runs (epoch ms), 0 if none is scheduled. */
    private final AtomicLong graceSyncAt = new AtomicLong();
    private ScheduledExecutorService background;
    private ExecutorService loaders;

    /** A tenant's blocks as last synced. */
    private static final class Tenant {
        final ConcurrentMap<Ulid, BucketBlock> blocks = new ConcurrentHashMap<>();
        /** Held blocks this instance no longer owns, with when that was first seen (epoch ms). */
        final ConcurrentMap<Ulid, Long> unownedSince = new ConcurrentHashMap<>();
        final Object syncLock = new Object();
        volatile boolean fromBucketIndex;
        volatile long lastSyncMillis;
    }

    /** A store-gateway without a ring, owning every block (component tests). */
    public StoreGateway(StoreGatewayConfig config, ObjectStore store, Clock clock, io.micrometer.core.instrument.MeterRegistry registry) {
        this(config, store, clock, registry, StoreGatewayRing.ownsEverything());
    }

    @Inject
    StoreGateway(StoreGatewayConfig config, ObjectStore store, Clock clock, io.micrometer.core.instrument.MeterRegistry registry, StoreGatewayRing ring) {
        this.config = requireNonNull(config, "config is null");
        this.ring = requireNonNull(ring, "ring is null");
        this.store = requireNonNull(store, "store is null");
        this.discovery = new BucketBlocks(store);
        this.clock = requireNonNull(clock, "clock is null");
        this.cache = new PageCache(config.indexCacheBytes());
        this.metrics = new StoreGatewayMetrics(registry, this, cache);
    }

    @Override
    public String name() {
        return "store-gateway";
    }

    @Override
    public void prepare() throws IOException {
        Files.createDirectories(config.syncDir());
    }

    /**
     * Joins the ring as JOINING, syncs every tenant's owned blocks once (a bucket that cannot be listed
     * fails the start), goes ACTIVE, then keeps syncing in the background: every sync interval, and
     * when the ring's shape changes.
     */
    @Override
    public void start(ServiceContext context) throws IOException {
        prepare();
        loaders = Executors.newFixedThreadPool(config.blockSyncConcurrency(), Thread.ofPlatform().name("store-gateway-block-sync-", 0).daemon().factory());
        background = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("store-gateway-sync").daemon().factory());
        ring.join();
        ring.onShapeChange(this::requestSync);
        syncAll();
        ring.activate();
        long interval = config.bucketStore().syncInterval().toMillis();
        background.scheduleWithFixedDelay(this::syncQuietly, interval, interval, TimeUnit.MILLISECONDS);
        long idle = config.lazyLoadingIdle().toMillis();
        if (config.lazyLoading() && idle > 0) {
            long check = Math.max(1000, Math.min(idle / 10, 60_000));
            background.scheduleWithFixedDelay(this::closeIdleBlocks, check, check, TimeUnit.MILLISECONDS);
        }
    }

    private void syncQuietly() {
        try {
            syncAll();
        }
        catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "failed to synchronize TSDB blocks err=\"" + e.getMessage() + "\"");
        }
    }

    /** Runs a sync of every tenant soon on the background thread; requests made while one is pending are one. */
    private void requestSync() {
        ScheduledExecutorService executor = background;
        if (executor == null || !syncRequested.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> {
                syncRequested.set(false);
                syncQuietly();
            });
        }
        catch (RejectedExecutionException e) {
            syncRequested.set(false); // stopping
        }
    }

    /** Makes sure a sync runs at {@code atMillis} (clock time), when a grace period ends. */
    private void syncAgainAt(long atMillis) {
        ScheduledExecutorService executor = background;
        long scheduled = graceSyncAt.get();
        if (executor == null || scheduled != 0 && scheduled <= atMillis || !graceSyncAt.compareAndSet(scheduled, atMillis)) {
            return;
        }
        try {
            executor.schedule(() -> {
                graceSyncAt.compareAndSet(atMillis, 0);
                syncQuietly();
            }, Math.max(0, atMillis - clock.millis()), TimeUnit.MILLISECONDS);
        }
        catch (RejectedExecutionException e) {
            graceSyncAt.compareAndSet(atMillis, 0); // stopping
        }
    }

    /** Leaves the ring first, so that queriers stop asking, then closes every block. */
    @Override
    public void stop() throws IOException, InterruptedException {
        try {
            ring.leave();
        }
        catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "leaving the store-gateway ring failed err=\"" + e.getMessage() + "\"");
        }
        if (background != null) {
            background.shutdownNow();
            background.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (loaders != null) {
            loaders.shutdownNow();
        }
        for (Tenant tenant : tenants.values()) {
            for (BucketBlock block : tenant.blocks.values()) {
                block.close();
            }
        }
        tenants.clear();
        store.close();
    }

    /** Discovers the tenants and syncs each with one view of the ring; drops tenants no longer in the bucket. */
    void syncAll() throws IOException {
        synchronized (syncAllLock) {
            metrics.syncs.increment();
            Predicate<Ulid> owned = ring.ownership();
            List<String> discovered;
            try {
                discovered = discovery.tenants();
            }
            catch (IOException | RuntimeException e) {
                metrics.syncFailures.increment();
                throw e;
            }
            metrics.tenantsDiscovered = discovered.size();
            boolean failed = false;
            for (String tenant : discovered) {
                try {
                    syncTenant(tenant, owned);
                }
                catch (IOException | RuntimeException e) {
                    failed = true;
                    LOG.log(Level.WARNING, "failed to synchronize TSDB blocks for user user=" + tenant + " err=\"" + e.getMessage() + "\"");
                }
            }
            Set<String> present = new HashSet<>(discovered);
            for (String tenant : List.copyOf(tenants.keySet())) {
                if (!present.contains(tenant)) {
                    dropTenant(tenant);
                }
            }
            removeUnknownTenantDirs(present);
            if (failed) {
                metrics.syncFailures.increment();
            }
            else {
                metrics.lastSuccessfulSyncSeconds = clock.millis() / 1000.0;
            }
        }
    }

    /**
     * Brings one tenant's blocks in line with its bucket index (or listing) and with {@code owned}: loads
     * the queryable blocks it owns, drops the blocks no longer queryable at once and the ones no longer
     * owned after {@link #UNOWNED_BLOCK_GRACE}.
     */
    void syncTenant(String tenant, Predicate<Ulid> owned) throws IOException {
        Tenant state = tenants.computeIfAbsent(tenant, t -> new Tenant());
        synchronized (state.syncLock) {
            long now = clock.millis();
            BucketBlocks.Discovered discovered = discovery.discover(tenant, now);
            List<BucketIndex.Entry> wanted = config.bucketStore().queryable(discovered.index(), now);
            Set<Ulid> wantedIds = new HashSet<>();
            List<Future<BucketBlock>> loading = new ArrayList<>();
            for (BucketIndex.Entry entry : wanted) {
                wantedIds.add(entry.id());
                if (state.blocks.containsKey(entry.id()) || !owned.test(entry.id())) {
                    continue;
                }
                loading.add(loaders.submit(() -> load(tenant, entry)));
            }
            IOException failure = null;
            for (Future<BucketBlock> future : loading) {
                try {
                    BucketBlock block = future.get();
                    state.blocks.put(block.id(), block);
                }
                catch (ExecutionException e) {
                    // One block failing to load leaves the others served; the query that needs it reports it missing.
                    if (failure == null) {
                        failure = e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage(), e.getCause());
                    }
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while loading blocks of " + tenant, e);
                }
            }
            for (Ulid id : List.copyOf(state.blocks.keySet())) {
                boolean drop = !wantedIds.contains(id);
                if (!drop && owned.test(id)) {
                    state.unownedSince.remove(id);
                }
                else if (!drop) {
                    long since = state.unownedSince.computeIfAbsent(id, k -> now);
                    drop = now - since >= UNOWNED_BLOCK_GRACE.toMillis();
                    if (!drop) {
                        syncAgainAt(since + UNOWNED_BLOCK_GRACE.toMillis());
                    }
                }
                if (drop) {
                    state.unownedSince.remove(id);
                    BucketBlock dropped = state.blocks.remove(id);
                    dropped.close();
                    BlockWriter.deleteRecursively(dropped.dir());
                    metrics.blockDrops.increment();
                }
            }
            removeUnknownBlockDirs(tenant, state);
            state.fromBucketIndex = discovered.fromBucketIndex();
            state.lastSyncMillis = now;
            if (failure != null) {
                throw failure;
            }
        }
    }

    private BucketBlock load(String tenant, BucketIndex.Entry entry) throws IOException {
        metrics.blockLoads.increment();
        try {
            BucketBlock block = BucketBlock.load(store, discovery, tenant, entry, config.syncDir().resolve(tenant).resolve(entry.id().toString()), cache,
                    metrics.fetchedBytes, metrics.requests);
            if (!config.lazyLoading()) {
                block.acquire(clock.millis());
            }
            return block;
        }
        catch (IOException | RuntimeException e) {
            metrics.blockLoadFailures.increment();
            LOG.log(Level.WARNING, "loading block failed user=" + tenant + " block=" + entry.id() + " err=\"" + e.getMessage() + "\"");
            throw e;
        }
    }

    private void dropTenant(String tenant) throws IOException {
        Tenant state = tenants.remove(tenant);
        if (state == null) {
            return;
        }
        synchronized (state.syncLock) {
            for (BucketBlock block : state.blocks.values()) {
                block.close();
                metrics.blockDrops.increment();
            }
            state.blocks.clear();
        }
        BlockWriter.deleteRecursively(config.syncDir().resolve(tenant));
    }

    private void removeUnknownBlockDirs(String tenant, Tenant state) throws IOException {
        Path dir = config.syncDir().resolve(tenant);
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                boolean known = false;
                try {
                    known = state.blocks.containsKey(Ulid.parse(name));
                }
                catch (IllegalArgumentException e) {
                    // not a block directory
                }
                if (!known) {
                    stale.add(entry);
                }
            }
        }
        for (Path path : stale) {
            BlockWriter.deleteRecursively(path);
        }
    }

    private void removeUnknownTenantDirs(Set<String> present) throws IOException {
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(config.syncDir())) {
            for (Path entry : entries) {
                if (!present.contains(entry.getFileName().toString())) {
                    stale.add(entry);
                }
            }
        }
        for (Path path : stale) {
            BlockWriter.deleteRecursively(path);
        }
    }

    private void closeIdleBlocks() {
        long now = clock.millis();
        long idle = config.lazyLoadingIdle().toMillis();
        for (Tenant tenant : tenants.values()) {
            for (BucketBlock block : tenant.blocks.values()) {
                try {
                    block.closeIfIdle(now, idle);
                }
                catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "closing idle block failed block=" + block.id() + " err=\"" + e.getMessage() + "\"");
                }
            }
        }
    }

    /** The blocks' queriers merged; blocks it does not hold or cannot open are named in every answer. */
    @Override
    public BlocksQuerier querier(String tenant, Set<Ulid> blocks, long mint, long maxt) {
        requireNonNull(tenant, "tenant is null");
        if (!holdsAll(tenant, blocks)) {
            Tenant state = tenants.get(tenant);
            if (state == null || clock.millis() - state.lastSyncMillis >= ON_DEMAND_SYNC_MIN_INTERVAL_MILLIS) {
                try {
                    syncTenant(tenant, ring.ownership());
                }
                catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "on-demand sync failed user=" + tenant + " err=\"" + e.getMessage() + "\"");
                }
            }
        }
        Tenant state = tenants.get(tenant);
        Set<Ulid> notQueried = new LinkedHashSet<>();
        List<Querier> queriers = new ArrayList<>();
        long now = clock.millis();
        try {
            for (Ulid id : blocks) {
                BucketBlock block = state == null ? null : state.blocks.get(id);
                if (block == null) {
                    notQueried.add(id);
                    continue;
                }
                try {
                    queriers.add(block.acquire(now).querier(mint, maxt));
                }
                catch (IOException | RuntimeException e) {
                    metrics.blockLoadFailures.increment();
                    LOG.log(Level.WARNING, "opening block failed user=" + tenant + " block=" + id + " err=\"" + e.getMessage() + "\"");
                    notQueried.add(id);
                }
            }
        }
        catch (RuntimeException e) {
            queriers.forEach(Querier::close);
            throw e;
        }
        Querier querier = queriers.isEmpty() ? EmptyQuerier.INSTANCE : queriers.size() == 1 ? queriers.getFirst() : new MergeQuerier(queriers);
        return new LocalBlocksQuerier(querier, Set.copyOf(notQueried));
    }

    /** The in-process answer: the blocks' merged querier, read directly; what is not queried is known when it is opened. */
    private record LocalBlocksQuerier(Querier querier, Set<Ulid> notQueried) implements BlocksQuerier {
        @Override
        public Answer<SeriesSet> select(List<Matcher> matchers) {
            return new Answer<>(querier.select(true, matchers), notQueried);
        }

        @Override
        public Answer<List<String>> labelNames(List<Matcher> matchers) {
            return new Answer<>(querier.labelNames(matchers), notQueried);
        }

        @Override
        public Answer<List<String>> labelValues(String name, List<Matcher> matchers) {
            return new Answer<>(querier.labelValues(name, matchers), notQueried);
        }

        @Override
        public void close() {
            querier.close();
        }
    }

    private boolean holdsAll(String tenant, Set<Ulid> blocks) {
        Tenant state = tenants.get(tenant);
        return state != null && state.blocks.keySet().containsAll(blocks);
    }

    /** The synced tenants, sorted. */
    List<String> tenantIds() {
        return tenants.keySet().stream().sorted().toList();
    }

    /** A tenant's blocks, oldest first; empty if the tenant is not synced. */
    Optional<List<BucketBlock>> blocks(String tenant) {
        Tenant state = tenants.get(tenant);
        if (state == null) {
            return Optional.empty();
        }
        return Optional.of(state.blocks.values().stream().sorted(Comparator.comparingLong((BucketBlock b) -> b.entry().minTime())
                .thenComparing(b -> b.id().toString())).toList());
    }

    /** Whether the tenant's blocks came from its bucket index at the last sync. */
    boolean fromBucketIndex(String tenant) {
        Tenant state = tenants.get(tenant);
        return state != null && state.fromBucketIndex;
    }

    double loadedBlocks() {
        long loaded = 0;
        for (Tenant tenant : tenants.values()) {
            for (BucketBlock block : tenant.blocks.values()) {
                if (block.isOpen()) {
                    loaded++;
                }
            }
        }
        return loaded;
    }

    /** Bytes read from the bucket so far (index-headers, postings, series, chunks). */
    long fetchedBytes() {
        return metrics.fetchedBytes.sum();
    }
}
