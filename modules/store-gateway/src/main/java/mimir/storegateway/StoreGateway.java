package mimir.storegateway;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import mimir.model.storage.EmptyQuerier;
import mimir.model.storage.Querier;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;
import mimir.bucket.BucketBlocks;
import mimir.storegateway.client.StoreGatewayClient;
import mimir.tsdb.BlockWriter;
import mimir.tsdb.MergeQuerier;
import mimir.tsdb.block.BucketIndex;
import mimir.tsdb.block.Ulid;

/**
 * The store-gateway: keeps, per tenant, the queryable blocks of the bucket ready to serve (meta.json
 * and index-header under {@code -blocks-storage.bucket-store.sync-dir}), re-syncs every
 * {@code -blocks-storage.bucket-store.sync-interval}, opens blocks on their first query and closes them
 * after the idle timeout, and answers {@link StoreGatewayClient#query} from exactly the blocks asked for.
 *
 * <p>A block the querier asks for that this store-gateway does not hold yet (uploaded after the last
 * sync) triggers a sync of that tenant, at most once a second; a block still missing afterwards is
 * reported missing, never skipped silently.
 */
@Singleton
public final class StoreGateway implements Service, StoreGatewayClient {
    private static final System.Logger LOG = System.getLogger(StoreGateway.class.getName());
    private static final long ON_DEMAND_SYNC_MIN_INTERVAL_MILLIS = 1000;

    private final StoreGatewayConfig config;
    private final ObjectStore store;
    private final BucketBlocks discovery;
    private final Clock clock;
    private final PageCache cache;
    private final StoreGatewayMetrics metrics;
    private final ConcurrentMap<String, Tenant> tenants = new ConcurrentHashMap<>();
    private final Object syncAllLock = new Object();
    private ScheduledExecutorService background;
    private ExecutorService loaders;

    /** A tenant's blocks as last synced. */
    private static final class Tenant {
        final ConcurrentMap<Ulid, BucketBlock> blocks = new ConcurrentHashMap<>();
        final Object syncLock = new Object();
        volatile boolean fromBucketIndex;
        volatile long lastSyncMillis;
    }

    @Inject
    public StoreGateway(StoreGatewayConfig config, ObjectStore store, Clock clock, io.micrometer.core.instrument.MeterRegistry registry) {
        this.config = requireNonNull(config, "config is null");
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

    /** Syncs every tenant once (a bucket that cannot be listed fails the start), then keeps syncing in the background. */
    @Override
    public void start(ServiceContext context) throws IOException {
        prepare();
        loaders = Executors.newFixedThreadPool(config.blockSyncConcurrency(), Thread.ofPlatform().name("store-gateway-block-sync-", 0).daemon().factory());
        syncAll();
        background = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("store-gateway-sync").daemon().factory());
        long interval = config.bucketStore().syncInterval().toMillis();
        background.scheduleWithFixedDelay(() -> {
            try {
                syncAll();
            }
            catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "failed to synchronize TSDB blocks err=\"" + e.getMessage() + "\"");
            }
        }, interval, interval, TimeUnit.MILLISECONDS);
        long idle = config.lazyLoadingIdle().toMillis();
        if (config.lazyLoading() && idle > 0) {
            long check = Math.max(1000, Math.min(idle / 10, 60_000));
            background.scheduleWithFixedDelay(this::closeIdleBlocks, check, check, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void stop() throws IOException, InterruptedException {
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

    /** Discovers the tenants and syncs each; drops tenants no longer in the bucket. */
    void syncAll() throws IOException {
        synchronized (syncAllLock) {
            metrics.syncs.increment();
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
                    syncTenant(tenant);
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

    /** Brings one tenant's blocks in line with its bucket index (or listing). */
    void syncTenant(String tenant) throws IOException {
        Tenant state = tenants.computeIfAbsent(tenant, t -> new Tenant());
        synchronized (state.syncLock) {
            long now = clock.millis();
            BucketBlocks.Discovered discovered = discovery.discover(tenant, now);
            List<BucketIndex.Entry> wanted = config.bucketStore().queryable(discovered.index(), now);
            Set<Ulid> wantedIds = new HashSet<>();
            List<Future<BucketBlock>> loading = new ArrayList<>();
            for (BucketIndex.Entry entry : wanted) {
                wantedIds.add(entry.id());
                if (state.blocks.containsKey(entry.id())) {
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
                if (!wantedIds.contains(id)) {
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

    @Override
    public BlocksQuery query(String tenant, Set<Ulid> blocks, long mint, long maxt) {
        requireNonNull(tenant, "tenant is null");
        if (!holdsAll(tenant, blocks)) {
            Tenant state = tenants.get(tenant);
            if (state == null || clock.millis() - state.lastSyncMillis >= ON_DEMAND_SYNC_MIN_INTERVAL_MILLIS) {
                try {
                    syncTenant(tenant);
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
        return new BlocksQuery(querier, notQueried);
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
