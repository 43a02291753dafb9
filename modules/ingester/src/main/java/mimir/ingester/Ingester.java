package mimir.ingester;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import mimir.ingester.client.ExemplarSeries;
import mimir.ingester.client.IngesterClient;
import mimir.ingester.client.IngesterException;
import mimir.ingester.client.MetricMetadata;
import mimir.ingester.client.PushResult;
import mimir.ingester.client.UserStats;
import mimir.ingester.client.WriteBatch;
import mimir.ingester.shipper.Shipper;
import mimir.model.InvalidTenantIdException;
import mimir.model.Matcher;
import mimir.model.TenantIds;
import mimir.model.storage.EmptyQuerier;
import mimir.model.storage.Querier;
import mimir.spi.Overrides;
import mimir.spi.limits.Limits;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;
import mimir.tsdb.Block;
import mimir.tsdb.DB;
import mimir.tsdb.Head;
import mimir.tsdb.HeadAppender;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.block.Ulid;

/**
 * The ingester service and its in-process {@link IngesterClient}: one {@link DB} per tenant under
 * {@code -blocks-storage.tsdb.dir}, opened on the tenant's first push (or at start for every tenant
 * directory found, WAL replayed, before the service is Running).
 *
 * <p><b>Durability.</b> {@link #push} returns after {@link HeadAppender#commit()}, which hands the
 * batch's WAL records to the OS with a {@code write} per record (the WAL writer keeps no user-space
 * buffer past {@code log}); a killed process loses nothing it acknowledged. An OS crash can lose the
 * page cache since the last fsync (segment end, truncation, close), as in Mimir and Prometheus.
 *
 * <p><b>Push</b> ({@link IngesterPush}). Samples are appended series by series; per-sample refusals (out of order, too old,
 * duplicate timestamp with a new value) and series over a series limit are soft: the rest is stored,
 * the refusals are counted in {@code cortex_discarded_samples_total{reason,user}} and the first one is
 * returned as a 400. Whole-request refusals (instance limits, stopping, a tenant with an out-of-order
 * window) are an {@link IngesterException} and store nothing. Nothing is allocated per accepted sample.
 *
 * <p><b>Background.</b> Every {@code head-compaction-interval} each head is compacted (fully if it had
 * no push for {@code head-compaction-idle-timeout}); every {@code ship-interval} new blocks are
 * shipped, shipped blocks past {@code retention-period} deleted and idle TSDBs closed; rates tick every
 * {@code rate-update-period}; stale metadata is purged after {@code metadata-retain-period}.
 */
@Singleton
public final class Ingester implements Service, IngesterClient {
    private static final System.Logger LOG = System.getLogger(Ingester.class.getName());

    private final IngesterConfig config;
    private final Overrides overrides;
    private final Clock clock;
    private final ObjectStore store;
    private final IngesterMetrics metrics;
    private final IngesterLimits.Ring ring = IngesterLimits.Ring.SINGLE;
    private final ConcurrentMap<String, TenantDb> tenants = new ConcurrentHashMap<>();
    /** Per tenant: held while its TSDB is opened or closed. */
    private final ConcurrentMap<String, Object> openLocks = new ConcurrentHashMap<>();
    private final EwmaRate ingestionRate;
    private final IngesterPush pushPath;
    private ScheduledExecutorService background;
    private volatile boolean accepting;
    private volatile boolean flushOnShutdown;
    private volatile boolean started;
    private volatile boolean prepared;

    /**
     * @param store the blocks storage (closed by {@link #stop()}), or empty to run without shipping
     */
    @Inject
    public Ingester(IngesterConfig config, Overrides overrides, Clock clock, MeterRegistry registry, Optional<ObjectStore> store) {
        this.config = requireNonNull(config, "config is null");
        this.overrides = requireNonNull(overrides, "overrides is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.store = requireNonNull(store, "store is null").orElse(null);
        this.ingestionRate = new EwmaRate(config.rateUpdatePeriod());
        this.flushOnShutdown = config.flushBlocksOnShutdown();
        this.metrics = new IngesterMetrics(registry, this);
        this.pushPath = new IngesterPush(metrics, ring, clock, ingestionRate);
    }

    @Override
    public String name() {
        return "ingester";
    }

    // ---- lifecycle

    /**
     * Opens every tenant directory on disk (head snapshot loaded or WAL replayed, tenants in parallel);
     * the service manager runs it while the servers start. Pushes are accepted only from {@link #start}.
     */
    @Override
    public void prepare() throws IOException {
        if (prepared) {
            return;
        }
        prepared = true;
        Files.createDirectories(config.tsdbDir());
        List<String> existing = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(config.tsdbDir())) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (Files.isDirectory(entry) && isTenantId(name)) {
                    existing.add(name);
                }
            }
        }
        int concurrency = config.walReplayConcurrency() > 0 ? config.walReplayConcurrency() : Runtime.getRuntime().availableProcessors();
        long begin = System.nanoTime();
        forEach(existing, concurrency, "wal-replay", tenant -> {
            try {
                openTenant(tenant);
            }
            catch (IOException e) {
                throw new UncheckedIOException("opening the TSDB of tenant " + tenant + " failed", e);
            }
        });
        LOG.log(Level.INFO, "opened existing TSDBs tenants=" + existing.size() + " duration=" + (System.nanoTime() - begin) / 1_000_000 + "ms");
    }

    /** Opens the tenants on disk unless {@link #prepare} did, then accepts pushes and runs the background jobs. */
    @Override
    public void start(ServiceContext context) throws IOException {
        prepare();
        accepting = true;
        started = true;
        background = Executors.newScheduledThreadPool(1, Thread.ofPlatform().name("ingester-background").daemon().factory());
        schedule(this::compactHeads, config.headCompactionInterval().toMillis());
        if (store != null && config.shipInterval().toMillis() > 0) {
            schedule(() -> {
                shipBlocks();
                applyRetention();
                closeIdleTsdbs();
            }, config.shipInterval().toMillis());
        }
        schedule(this::tickRates, config.rateUpdatePeriod().toMillis());
        schedule(this::purgeMetadata, Math.max(1000, config.metadataRetainPeriod().toMillis() / 2));
    }

    private void schedule(Runnable task, long periodMillis) {
        background.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            }
            catch (RuntimeException e) {
                LOG.log(Level.ERROR, "ingester background task failed err=\"" + e.getMessage() + "\"", e);
            }
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    private static boolean isTenantId(String name) {
        try {
            TenantIds.validate(name);
            return true;
        }
        catch (InvalidTenantIdException e) {
            return false;
        }
    }

    /** Stops accepting pushes; flushes and ships if asked to, then closes every TSDB. */
    @Override
    public void stop() throws IOException, InterruptedException {
        accepting = false;
        if (background != null) {
            // Let a running compaction or upload finish: interrupting it would close the files it writes.
            background.shutdown();
            if (!background.awaitTermination(5, TimeUnit.MINUTES)) {
                background.shutdownNow();
            }
        }
        if (started && flushOnShutdown) {
            flush(null);
        }
        IOException failure = null;
        for (TenantDb tenant : tenants.values()) {
            tenant.lock().writeLock().lock();
            try {
                tenant.close();
            }
            catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
                else {
                    failure.addSuppressed(e);
                }
            }
            finally {
                tenant.lock().writeLock().unlock();
            }
        }
        tenants.clear();
        if (store != null) {
            try {
                store.close();
            }
            catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ---- tenants

    /**
     * The tenant's TSDB, opened if it is not open. Opening and closing one tenant's TSDB are serialised
     * by the tenant's own lock (two DBs must never share a directory); different tenants open in parallel.
     */
    private TenantDb openTenant(String tenant) throws IOException {
        synchronized (openLock(tenant)) {
            TenantDb existing = tenants.get(tenant);
            if (existing != null) {
                return existing;
            }
            Path dir = config.tsdbDir().resolve(tenant);
            DB db = DB.open(dir, config.dbOptions());
            TenantDb created;
            try {
                Shipper shipper = store == null || config.shipInterval().isZero() ? null : new Shipper(tenant, dir, store, shipperListener());
                created = new TenantDb(tenant, db, shipper, config, clock.millis());
                created.setMeters(metrics.forTenant(tenant, created));
            }
            catch (IOException | RuntimeException e) {
                db.close();
                throw e;
            }
            tenants.put(tenant, created);
            return created;
        }
    }

    private Object openLock(String tenant) {
        return openLocks.computeIfAbsent(tenant, t -> new Object());
    }

    private Shipper.Listener shipperListener() {
        return new Shipper.Listener() {
            @Override
            public void uploaded(Ulid block) {
                metrics.shipperUploads.increment();
                metrics.lastSuccessfulUploadSeconds = clock.millis() / 1000.0;
            }

            @Override
            public void failed(Ulid block, IOException cause) {
                metrics.shipperUploadFailures.increment();
            }
        };
    }

    /** The tenant's DB with its read lock held, opened (and counted against max-tenants) if new. */
    private TenantDb lockTenantForPush(String tenant) throws IngesterException {
        for (int attempt = 0; attempt < 3; attempt++) {
            TenantDb db = tenants.get(tenant);
            if (db == null) {
                try {
                    TenantIds.validate(tenant);
                }
                catch (InvalidTenantIdException e) {
                    throw new IngesterException(400, e.getMessage());
                }
                int maxTenants = config.instanceLimits().maxTenants();
                if (maxTenants > 0 && tenants.size() >= maxTenants) {
                    metrics.rejectedRequests("ingester_max_tenants").increment();
                    throw IngesterLimits.maxTenants();
                }
                try {
                    db = openTenant(tenant);
                }
                catch (IOException | RuntimeException e) {
                    throw new IngesterException(500, "opening the TSDB of tenant " + tenant + " failed: " + e.getMessage(), e);
                }
            }
            db.lock().readLock().lock();
            if (!db.isClosed()) {
                return db;
            }
            // Closed as idle between lookup and lock: open a fresh one.
            db.lock().readLock().unlock();
        }
        throw new IngesterException(503, "the TSDB of tenant " + tenant + " is being closed, try again");
    }

    // ---- push

    @Override
    public PushResult push(String tenant, WriteBatch batch) throws IngesterException {
        requireNonNull(tenant, "tenant is null");
        requireNonNull(batch, "batch is null");
        int inflight = metrics.inflightPushRequests.incrementAndGet();
        try {
            checkInstanceLimits(inflight);
            Limits limits = overrides.forTenant(tenant);
            if (!limits.outOfOrderTimeWindow().isZero()) {
                throw IngesterLimits.outOfOrderWindowUnsupported(tenant, limits.outOfOrderTimeWindow());
            }
            TenantDb db = lockTenantForPush(tenant);
            try {
                return pushPath.push(db, batch, limits);
            }
            finally {
                db.lock().readLock().unlock();
            }
        }
        finally {
            metrics.inflightPushRequests.decrementAndGet();
        }
    }

    private void checkInstanceLimits(int inflight) throws IngesterException {
        if (!accepting) {
            throw new IngesterException(503, "the ingester is not accepting writes: it is " + (started ? "shutting down" : "starting"));
        }
        IngesterConfig.InstanceLimits limits = config.instanceLimits();
        if (limits.maxInflightPushRequests() > 0 && inflight > limits.maxInflightPushRequests()) {
            metrics.rejectedRequests("ingester_max_inflight_push_requests").increment();
            throw IngesterLimits.maxInflightPushRequests();
        }
        if (limits.maxIngestionRate() > 0 && ingestionRate.rate() >= limits.maxIngestionRate()) {
            metrics.rejectedRequests("ingester_max_ingestion_rate").increment();
            throw IngesterLimits.maxIngestionRate();
        }
        if (limits.maxSeries() > 0 && memorySeries() >= limits.maxSeries()) {
            metrics.rejectedRequests("ingester_max_series").increment();
            throw IngesterLimits.maxInMemorySeries();
        }
    }

    // ---- reads

    @Override
    public Querier querier(String tenant, long mint, long maxt) {
        TenantDb db = tenants.get(tenant);
        if (db == null) {
            return EmptyQuerier.INSTANCE;
        }
        db.lock().readLock().lock();
        try {
            return db.isClosed() ? EmptyQuerier.INSTANCE : db.db().querier(mint, maxt);
        }
        finally {
            db.lock().readLock().unlock();
        }
    }

    @Override
    public List<MetricMetadata> metricsMetadata(String tenant, String metric, int limit, int limitPerMetric) {
        TenantDb db = tenants.get(tenant);
        return db == null ? List.of() : db.metadata().list(requireNonNull(metric, "metric is null"), limit, limitPerMetric);
    }

    @Override
    public List<ExemplarSeries> queryExemplars(String tenant, long start, long end, List<List<Matcher>> matcherSets) {
        TenantDb db = tenants.get(tenant);
        return db == null ? List.of() : db.exemplars().query(start, end, matcherSets);
    }

    @Override
    public UserStats userStats(String tenant) {
        TenantDb db = tenants.get(tenant);
        if (db == null) {
            return new UserStats(0, 0, 0, 0);
        }
        double api = db.apiRate().rate();
        double rule = db.ruleRate().rate();
        return new UserStats(api + rule, db.db().head().numSeries(), api, rule);
    }

    @Override
    public void deleteSeries(String tenant, long start, long end, List<List<Matcher>> matcherSets) throws IOException {
        TenantDb db = tenants.get(tenant);
        if (db == null) {
            return;
        }
        db.lock().readLock().lock();
        try {
            for (List<Matcher> matchers : matcherSets) {
                db.db().delete(start, end, matchers);
            }
        }
        finally {
            db.lock().readLock().unlock();
        }
        LOG.log(Level.INFO, "deleted series user=" + tenant + " start=" + start + " end=" + end + " selectors=" + matcherSets.size());
    }

    // ---- background work (package-private so tests drive it deterministically)

    /** Compacts each head that spans enough (or fully if idle for head-compaction-idle-timeout), then ships. */
    void compactHeads() {
        long now = clock.millis();
        long idle = config.headCompactionIdleTimeout().toMillis();
        forEach(List.copyOf(tenants.values()), config.headCompactionConcurrency(), "head-compaction", tenant -> {
            try {
                boolean idleHead = idle > 0 && now - tenant.lastPushMillis() >= idle && tenant.db().head().numSeries() > 0;
                List<BlockMeta> written = idleHead ? tenant.db().compactHeadFully() : tenant.db().compactHead();
                tenant.headCompacted();
                if (!written.isEmpty() || idleHead) {
                    metrics.compactions.increment();
                }
            }
            catch (IllegalStateException e) {
                // Closed as idle meanwhile.
            }
            catch (IOException | RuntimeException e) {
                metrics.compactionsFailed.increment();
                LOG.log(Level.ERROR, "head compaction failed user=" + tenant.tenant() + " err=\"" + e.getMessage() + "\"", e);
            }
        });
        if (store != null && !config.shipInterval().isZero()) {
            shipBlocks();
        }
    }

    /** Ships the new blocks of every tenant; a failed upload is retried at the next call. */
    void shipBlocks() {
        forEach(List.copyOf(tenants.values()), config.shipConcurrency(), "shipper", this::ship);
    }

    /** Ships under the tenant's read lock, so an idle close never deletes a block being uploaded. */
    private void ship(TenantDb tenant) {
        Shipper shipper = tenant.shipper();
        if (shipper == null) {
            return;
        }
        tenant.lock().readLock().lock();
        try {
            if (tenant.isClosed()) {
                return;
            }
            synchronized (shipper) {
                List<BlockMeta> metas = new ArrayList<>();
                for (Block block : tenant.db().blocks()) {
                    metas.add(block.meta());
                }
                shipper.sync(metas);
            }
        }
        finally {
            tenant.lock().readLock().unlock();
        }
    }

    /**
     * Deletes local blocks that ended more than {@code retention-period} ago and are shipped (with
     * shipping disabled, by age alone, as Mimir does).
     */
    void applyRetention() {
        long deadline = clock.millis() - config.retentionPeriod().toMillis();
        for (TenantDb tenant : List.copyOf(tenants.values())) {
            Shipper shipper = tenant.shipper();
            try {
                List<BlockMeta> deleted = tenant.db().deleteBlocks(meta -> meta.maxTime() < deadline && (shipper == null || shipper.isShipped(meta.ulid())));
                if (!deleted.isEmpty() && shipper != null) {
                    Set<Ulid> local = new HashSet<>();
                    tenant.db().blocks().forEach(block -> local.add(block.meta().ulid()));
                    synchronized (shipper) {
                        shipper.forgetMissing(local);
                    }
                }
            }
            catch (IllegalStateException e) {
                // Closed as idle meanwhile.
            }
            catch (IOException | RuntimeException e) {
                LOG.log(Level.ERROR, "deleting blocks past retention failed user=" + tenant.tenant() + " err=\"" + e.getMessage() + "\"", e);
            }
        }
    }

    /**
     * Closes, and removes from disk, the TSDB of each tenant without a push for
     * {@code close-idle-tsdb-timeout} whose head is empty and whose blocks are all shipped, as Mimir does.
     */
    void closeIdleTsdbs() {
        long timeout = config.closeIdleTsdbTimeout().toMillis();
        if (timeout <= 0) {
            return;
        }
        long now = clock.millis();
        for (TenantDb tenant : List.copyOf(tenants.values())) {
            if (now - tenant.lastPushMillis() < timeout || tenant.db().head().numSeries() > 0 || !tenant.allShipped()) {
                continue;
            }
            synchronized (openLock(tenant.tenant())) {
                if (!tenant.lock().writeLock().tryLock()) {
                    continue;
                }
                try {
                    if (now - tenant.lastPushMillis() < timeout || tenant.db().head().numSeries() > 0 || !tenant.allShipped()) {
                        continue;
                    }
                    // Closed and deleted before leaving the map: a push that finds it closed reopens only after this.
                    tenant.close();
                    deleteRecursively(tenant.db().dir());
                    LOG.log(Level.INFO, "closed idle TSDB user=" + tenant.tenant());
                }
                catch (IOException e) {
                    LOG.log(Level.ERROR, "closing idle TSDB failed user=" + tenant.tenant() + " err=\"" + e.getMessage() + "\"", e);
                }
                finally {
                    if (tenant.isClosed()) {
                        tenants.remove(tenant.tenant(), tenant);
                    }
                    tenant.lock().writeLock().unlock();
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    void tickRates() {
        ingestionRate.tick();
        for (TenantDb tenant : tenants.values()) {
            tenant.apiRate().tick();
            tenant.ruleRate().tick();
        }
    }

    void purgeMetadata() {
        long deadline = clock.millis() - config.metadataRetainPeriod().toMillis();
        for (TenantDb tenant : tenants.values()) {
            tenant.metadata().purge(deadline);
        }
    }

    // ---- flush and shutdown (HTTP API)

    /**
     * Compacts the heads of {@code only} (all tenants if null or empty) fully into blocks and ships them.
     */
    void flush(Set<String> only) {
        List<TenantDb> selected = new ArrayList<>();
        for (TenantDb tenant : tenants.values()) {
            if (only == null || only.isEmpty() || only.contains(tenant.tenant())) {
                selected.add(tenant);
            }
        }
        forEach(selected, config.headCompactionConcurrency(), "flush", tenant -> {
            try {
                if (!tenant.db().compactHeadFully().isEmpty()) {
                    metrics.compactions.increment();
                }
                tenant.headCompacted();
            }
            catch (IllegalStateException e) {
                // Closed as idle meanwhile.
            }
            catch (IOException | RuntimeException e) {
                metrics.compactionsFailed.increment();
                LOG.log(Level.ERROR, "flushing head failed user=" + tenant.tenant() + " err=\"" + e.getMessage() + "\"", e);
            }
            ship(tenant);
        });
        LOG.log(Level.INFO, "flushed TSDBs tenants=" + selected.size());
    }

    /** Flushes and ships everything, then refuses further pushes (reads keep working). */
    void shutdownViaApi() {
        accepting = false;
        flush(null);
    }

    boolean flushOnShutdown() {
        return flushOnShutdown;
    }

    void setFlushOnShutdown(boolean flush) {
        flushOnShutdown = flush;
    }

    IngesterConfig.InstanceLimits instanceLimits() {
        return config.instanceLimits();
    }

    boolean accepting() {
        return accepting;
    }

    // ---- inspection (metrics, HTTP pages)

    /** Tenants with an open TSDB, sorted. */
    List<String> tenantIds() {
        return List.copyOf(new TreeMap<>(tenants).keySet());
    }

    Optional<TenantDb> tenant(String tenant) {
        return Optional.ofNullable(tenants.get(tenant));
    }

    double memorySeries() {
        long total = 0;
        for (TenantDb tenant : tenants.values()) {
            total += tenant.db().head().numSeries();
        }
        return total;
    }

    double memoryUsers() {
        return tenants.size();
    }

    double headTimestampSeconds(boolean min) {
        long result = min ? Long.MAX_VALUE : Long.MIN_VALUE;
        for (TenantDb tenant : tenants.values()) {
            Head head = tenant.db().head();
            if (head.minTime() <= head.maxTime()) {
                result = min ? Math.min(result, head.minTime()) : Math.max(result, head.maxTime());
            }
        }
        return result == Long.MAX_VALUE || result == Long.MIN_VALUE ? 0 : result / 1000.0;
    }

    /** Runs {@code task} for each item on up to {@code concurrency} threads and waits; failures are rethrown. */
    private static <T> void forEach(List<T> items, int concurrency, String name, Consumer<T> task) {
        if (items.isEmpty()) {
            return;
        }
        if (concurrency <= 1 || items.size() == 1) {
            items.forEach(task);
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, items.size()), Thread.ofPlatform().name("ingester-" + name, 0).daemon().factory());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> task.accept(item)));
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                }
                catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new IllegalStateException(e.getCause());
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
        finally {
            pool.shutdownNow();
        }
    }
}
