package mimir.compactor;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import mimir.bucket.BlockMarks;
import mimir.bucket.BlockUpload;
import mimir.bucket.BucketBlocks;
import mimir.bucket.SeriesDeletions;
import mimir.ring.RingException;
import mimir.spi.Overrides;
import mimir.spi.objstore.ObjectAttributes;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.service.Service;
import mimir.spi.service.ServiceContext;
import mimir.tsdb.Block;
import mimir.tsdb.BlockWriter;
import mimir.tsdb.Compactor;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.block.BucketIndex;
import mimir.tsdb.block.Ulid;
import mimir.tsdb.encoding.CorruptionException;

/**
 * The compactor service. Every {@code -compactor.compaction-interval} it plans and runs each tenant's
 * compaction jobs ({@link Planner}): the job's blocks are downloaded under {@code -compactor.data-dir},
 * merged by {@code mimir.tsdb}'s {@link Compactor} (overlapping copies deduplicated, tombstoned samples
 * dropped), the result uploaded (meta.json last) and the inputs marked for deletion. Every
 * {@code -compactor.cleanup-interval} it cleans each tenant: blocks past
 * {@code compactor_blocks_retention_period} are marked for deletion, blocks marked longer than
 * {@code -compactor.deletion-delay} ago are deleted (meta.json first, so a half-deleted block is a
 * partial block nobody reads), partial blocks older than {@code compactor_partial_block_deletion_delay}
 * are deleted, tenants marked for deletion lose their blocks, and the bucket index is written.
 *
 * <p>Several compactors share the work through the compactor ring ({@link CompactorRing}): each runs
 * only the jobs the ring gives it and cleans up only the tenants the ring gives it; a compactor that is
 * not ACTIVE in the ring runs nothing. Without a ring (or alone in it) a compactor owns everything.
 *
 * <p>A block that cannot be compacted because it is corrupt gets a no-compact mark and is skipped from
 * then on; any other failure leaves the bucket as it was and the job is retried at the next run.
 */
@Singleton
public final class BucketCompactor implements Service {
    private static final System.Logger LOG = System.getLogger(BucketCompactor.class.getName());
    static final String TENANT_DELETION_MARK = "markers/tenant-deletion-mark.json";
    /** meta.json field (ours): the series deletion requests applied to the block when it was written. */
    static final String DELETIONS_APPLIED = "mimir_series_deletions_applied";
    private static final Pattern THANOS_SOURCE = Pattern.compile("\"source\"\\s*:\\s*\"([^\"]*)\"");
    static final String SHARD_LABEL_NAME = "__compactor_shard_id__";
    private static final Pattern SHARD_LABEL = Pattern.compile("\"__compactor_shard_id__\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern SEGMENT_FILES = Pattern.compile("\"segment_files\"\\s*:\\s*\\[([^\\]]*)\\]");

    private final CompactorConfig config;
    private final ObjectStore store;
    private final BucketBlocks discovery;
    private final SeriesDeletions seriesDeletions;
    private final Overrides overrides;
    private final Clock clock;
    private final Counter runsStarted;
    private final Counter runsCompleted;
    private final Counter runsFailed;
    private final Counter compactions;
    private final Counter blocksCleaned;
    private final Counter cleanupFailures;
    private final Counter markedForRetention;
    private final Counter markedForCompaction;
    private final Counter markedNoCompact;
    private final Counter partialDeleted;
    private final Counter ringCheckErrors;
    private final Counter jobsStarted;
    private final CompactorRing ring;
    /** Told of every job this compactor starts (tests count runs per job across compactors). */
    private volatile java.util.function.BiConsumer<String, Planner.Job> jobListener = (tenant, job) -> {};
    private volatile double lastSuccessfulRunSeconds;
    private volatile double lastSuccessfulCleanupSeconds;
    private volatile int tenantsDiscovered;
    /** Metas read from the bucket, by tenant and block (immutable once complete). */
    private final Map<String, Map<Ulid, TenantBlock>> metas = new ConcurrentHashMap<>();
    private final Object runLock = new Object();
    private ScheduledExecutorService background;
    /** Runs the jobs; its threads start with the first job. */
    private final ExecutorService workers;

    /** A complete block of a tenant: its meta.json and when that was uploaded. */
    record TenantBlock(BlockMeta meta, long uploadedAtMillis) {}

    /** A compactor without a ring: it owns every job and every tenant. */
    public BucketCompactor(CompactorConfig config, ObjectStore store, Overrides overrides, Clock clock, MeterRegistry registry) {
        this(config, store, overrides, clock, registry, CompactorRing.ownsEverything());
    }

    @Inject
    BucketCompactor(CompactorConfig config, ObjectStore store, Overrides overrides, Clock clock, MeterRegistry registry, CompactorRing ring) {
        this.ring = requireNonNull(ring, "ring is null");
        this.config = requireNonNull(config, "config is null");
        this.store = requireNonNull(store, "store is null");
        this.discovery = new BucketBlocks(store);
        this.seriesDeletions = new SeriesDeletions(store);
        this.overrides = requireNonNull(overrides, "overrides is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.workers = Executors.newFixedThreadPool(config.concurrency(), Thread.ofPlatform().name("compactor-job-", 0).daemon().factory());
        runsStarted = Counter.builder("cortex_compactor_runs_started").description("Total number of compaction runs started.").register(registry);
        runsCompleted = Counter.builder("cortex_compactor_runs_completed").description("Total number of compaction runs successfully completed.")
                .register(registry);
        runsFailed = Counter.builder("cortex_compactor_runs_failed").description("Total number of compaction runs failed.").register(registry);
        compactions = Counter.builder("cortex_compactor_group_compactions").description("Total number of group compaction attempts that resulted in a new block.")
                .register(registry);
        blocksCleaned = Counter.builder("cortex_compactor_blocks_cleaned").description("Total number of blocks deleted.").register(registry);
        cleanupFailures = Counter.builder("cortex_compactor_block_cleanup_failures").description("Total number of blocks failed to be deleted.")
                .register(registry);
        markedForRetention = Counter.builder("cortex_compactor_blocks_marked_for_deletion").tag("reason", "retention")
                .description("Total number of blocks marked for deletion in compactor.").register(registry);
        markedForCompaction = Counter.builder("cortex_compactor_blocks_marked_for_deletion").tag("reason", "compaction")
                .description("Total number of blocks marked for deletion in compactor.").register(registry);
        markedNoCompact = Counter.builder("cortex_compactor_blocks_marked_for_no_compaction").description("Total number of blocks that were marked for no-compaction.")
                .register(registry);
        partialDeleted = Counter.builder("cortex_compactor_blocks_marked_for_deletion").tag("reason", "partial")
                .description("Total number of blocks marked for deletion in compactor.").register(registry);
        ringCheckErrors = Counter.builder("cortex_compactor_ring_check_errors")
                .description("Number of errors that occurred while checking the ring for ownership").register(registry);
        jobsStarted = Counter.builder("cortex_compactor_group_compaction_runs_started").description("Total number of group compaction attempts.")
                .register(registry);
        Gauge.builder("cortex_compactor_last_successful_run_timestamp_seconds", this, c -> c.lastSuccessfulRunSeconds)
                .description("Unix timestamp of the last successful compaction run.").register(registry);
        Gauge.builder("cortex_compactor_block_cleanup_last_successful_run_timestamp_seconds", this, c -> c.lastSuccessfulCleanupSeconds)
                .description("Unix timestamp of the last successful blocks cleanup run.").register(registry);
        Gauge.builder("cortex_compactor_tenants_discovered", this, c -> c.tenantsDiscovered).description("Number of tenants discovered during the current compaction run.")
                .register(registry);
    }

    @Override
    public String name() {
        return "compactor";
    }

    @Override
    public void start(ServiceContext context) throws IOException {
        Files.createDirectories(config.dataDir());
        ring.join();
        background = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("compactor").daemon().factory());
        background.scheduleWithFixedDelay(this::cleanupQuietly, 0, config.cleanupInterval().toMillis(), TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(this::compactQuietly, config.compactionInterval().toMillis() / 10 + 1000, config.compactionInterval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws Exception {
        if (background != null) {
            background.shutdownNow();
            background.awaitTermination(30, TimeUnit.SECONDS);
        }
        try {
            ring.leave();
        }
        catch (IOException e) {
            LOG.log(Level.WARNING, "failed to leave the compactor ring err=\"" + e.getMessage() + "\"");
        }
        workers.shutdownNow();
        workers.awaitTermination(30, TimeUnit.SECONDS);
        store.close();
    }

    private void compactQuietly() {
        try {
            compactAll();
        }
        catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "compaction run failed err=\"" + e.getMessage() + "\"");
        }
    }

    private void cleanupQuietly() {
        try {
            cleanupAll();
        }
        catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "blocks cleanup failed err=\"" + e.getMessage() + "\"");
        }
    }

    // ---- compaction

    /** One compaction run over every tenant; true if every tenant's jobs succeeded. */
    boolean compactAll() throws IOException {
        synchronized (runLock) {
            if (!ring.ownership().active()) {
                LOG.log(Level.INFO, "compactor is not ACTIVE in the ring, skipping the compaction run");
                return true;
            }
            runsStarted.increment();
            List<String> tenants = discovery.tenants();
            tenantsDiscovered = tenants.size();
            boolean ok = true;
            for (String tenant : tenants) {
                if (store.exists(tenant + "/" + TENANT_DELETION_MARK)) {
                    continue;
                }
                try {
                    compactTenant(tenant);
                }
                catch (IOException | RuntimeException e) {
                    ok = false;
                    LOG.log(Level.WARNING, "failed to compact user blocks user=" + tenant + " err=\"" + e.getMessage() + "\"");
                }
            }
            if (ok) {
                runsCompleted.increment();
                lastSuccessfulRunSeconds = clock.millis() / 1000.0;
            }
            else {
                runsFailed.increment();
            }
            return ok;
        }
    }

    /** The jobs a tenant's blocks need now (for {@code /compactor/tenant/{tenant}/planned_jobs}). */
    List<Planner.Job> plannedJobs(String tenant) throws IOException {
        mimir.spi.limits.Limits limits = overrides.forTenant(tenant);
        return Planner.plan(candidates(tenant), config.blockRanges(), clock.millis(), config.firstLevelWait(), config.jobsOrder(),
                Math.max(0, limits.compactorSplitAndMergeShards()), Math.max(1, limits.compactorSplitGroups()));
    }

    /** Plans and runs the tenant's jobs until none is left (bounded: each round merges blocks, so the count falls). */
    void compactTenant(String tenant) throws IOException {
        List<SeriesDeletions.Request> deletions = seriesDeletions.list(tenant);
        for (int round = 0; round < 100; round++) {
            List<Planner.Job> jobs = plannedJobs(tenant);
            if (jobs.isEmpty()) {
                jobs = deletionJobs(tenant, deletions);
            }
            if (jobs.isEmpty()) {
                return;
            }
            jobs = ownedJobs(tenant, jobs);
            if (jobs.isEmpty()) {
                return;
            }
            List<Future<Boolean>> running = new ArrayList<>();
            for (Planner.Job job : jobs) {
                running.add(workers.submit(() -> runJob(tenant, job, deletions)));
            }
            IOException failure = null;
            boolean progressed = false;
            for (Future<Boolean> future : running) {
                try {
                    progressed |= future.get();
                }
                catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage(), e.getCause());
                    }
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            if (failure != null) {
                throw failure;
            }
            if (!progressed) {
                return;
            }
        }
    }

    /** The jobs this compactor owns; none if the ring cannot tell (no ACTIVE compactor), which counts as a ring check error. */
    private List<Planner.Job> ownedJobs(String tenant, List<Planner.Job> jobs) {
        try {
            return ring.ownership().ownedJobs(tenant, jobs);
        }
        catch (RingException e) {
            ringCheckErrors.increment();
            LOG.log(Level.WARNING, "failed to check the ring for job ownership user=" + tenant + " err=\"" + e.getMessage() + "\"");
            return List.of();
        }
    }

    /** Which compactor runs each job, for {@code planned_jobs}. */
    List<String> jobOwners(String tenant, List<Planner.Job> jobs) {
        return ring.ownership().jobOwners(tenant, jobs);
    }

    /** Whether this compactor has a ring (and so shares the jobs with others). */
    boolean sharded() {
        return !ring.ownership().everything();
    }

    /** This compactor's instance ID in its ring, empty without one. */
    String instanceId() {
        return ring.ownership().instanceId();
    }

    void onJobStarted(java.util.function.BiConsumer<String, Planner.Job> listener) {
        this.jobListener = requireNonNull(listener, "listener is null");
    }

    /** One single-block job per block that holds samples a deletion request covers and that was not rewritten for it yet. */
    private List<Planner.Job> deletionJobs(String tenant, List<SeriesDeletions.Request> deletions) throws IOException {
        if (deletions.isEmpty()) {
            return List.of();
        }
        List<Planner.Job> jobs = new ArrayList<>();
        for (Planner.Candidate candidate : candidates(tenant)) {
            BlockMeta meta = candidate.meta();
            String applied = meta.extraFields().getOrDefault(DELETIONS_APPLIED, "");
            for (SeriesDeletions.Request request : deletions) {
                if (request.overlaps(meta.minTime(), meta.maxTime() - 1) && !applied.contains("\"" + request.id() + "\"")) {
                    jobs.add(new Planner.Job(Duration.ofMillis(meta.maxTime() - meta.minTime()), meta.minTime(), List.of(meta), candidate.shard(), 0));
                    break;
                }
            }
        }
        return jobs;
    }

    /** The block's {@code __compactor_shard_id__} external label; empty if it was never split. */
    static String shardOf(BlockMeta meta) {
        Matcher shard = SHARD_LABEL.matcher(meta.extraFields().getOrDefault("thanos", ""));
        return shard.find() ? shard.group(1) : "";
    }

    /** The split-and-merge shard (0-based) of a series: a mix of its labels' hash, modulo the shard count. */
    static int shardIndex(mimir.model.Labels labels, int shards) {
        int h = labels.hashCode() * 0x9E3779B9;
        return Math.floorMod(h ^ (h >>> 16), shards);
    }

    /** The tenant's complete blocks that may be compacted: not marked for deletion nor for no-compaction. */
    private List<Planner.Candidate> candidates(String tenant) throws IOException {
        Map<Ulid, Long> deletion = BlockMarks.list(store, tenant, BlockMarks.DELETION_MARK);
        Map<Ulid, Long> noCompact = BlockMarks.list(store, tenant, BlockMarks.NO_COMPACT_MARK);
        List<Planner.Candidate> candidates = new ArrayList<>();
        for (TenantBlock block : blocks(tenant).values()) {
            Ulid id = block.meta().ulid();
            if (!deletion.containsKey(id) && !noCompact.containsKey(id)) {
                candidates.add(new Planner.Candidate(block.meta(), block.uploadedAtMillis(), shardOf(block.meta())));
            }
        }
        return candidates;
    }

    /** The tenant's complete blocks (meta.json present), read once each. */
    Map<Ulid, TenantBlock> blocks(String tenant) throws IOException {
        List<Ulid> ids = discovery.blockIds(tenant);
        Map<Ulid, TenantBlock> known = metas.getOrDefault(tenant, Map.of());
        Map<Ulid, TenantBlock> current = new HashMap<>();
        for (Ulid id : ids) {
            TenantBlock block = known.get(id);
            if (block == null) {
                Optional<TenantBlock> read = readMeta(tenant, id);
                if (read.isEmpty()) {
                    continue;
                }
                block = read.get();
            }
            current.put(id, block);
        }
        metas.put(tenant, current);
        return current;
    }

    private Optional<TenantBlock> readMeta(String tenant, Ulid id) throws IOException {
        Optional<ObjectAttributes> attributes = store.attributes(tenant + "/" + id + "/" + BlockMeta.FILE_NAME);
        if (attributes.isEmpty()) {
            return Optional.empty();
        }
        Optional<BlockMeta> meta;
        try {
            meta = discovery.readMeta(tenant, id);
        }
        catch (IOException e) {
            LOG.log(Level.WARNING, "skipping block with an unreadable meta.json user=" + tenant + " err=\"" + e.getMessage() + "\"");
            return Optional.empty();
        }
        return meta.map(value -> new TenantBlock(value, attributes.get().lastModified().toEpochMilli()));
    }

    /** Runs one job; true if it produced a block or removed its inputs. */
    private boolean runJob(String tenant, Planner.Job job, List<SeriesDeletions.Request> deletions) throws IOException {
        jobsStarted.increment();
        jobListener.accept(tenant, job);
        Path work = config.dataDir().resolve(tenant).resolve(Ulid.generate().toString());
        LOG.log(Level.INFO, "compaction job started user=" + tenant + " range=" + job.range() + " window=" + job.windowStart() + " blocks=" + job.blocks().size());
        List<Block> opened = new ArrayList<>();
        try {
            Files.createDirectories(work);
            for (BlockMeta meta : job.blocks()) {
                Path dir = work.resolve(meta.ulid().toString());
                download(tenant, meta.ulid(), dir);
                try {
                    Block block = Block.open(dir);
                    opened.add(block);
                    for (SeriesDeletions.Request request : deletions) {
                        if (request.overlaps(meta.minTime(), meta.maxTime() - 1)) {
                            for (List<mimir.model.Matcher> selector : request.selectors()) {
                                block.delete(Math.max(request.start(), meta.minTime()), Math.min(request.end(), meta.maxTime() - 1), selector);
                            }
                        }
                    }
                }
                catch (CorruptionException | IllegalArgumentException e) {
                    BlockMarks.markNoCompact(store, tenant, meta.ulid(), clock.millis() / 1000, "block-index-out-of-order-chunk",
                            "the block cannot be read: " + e.getMessage());
                    markedNoCompact.increment();
                    LOG.log(Level.WARNING, "marked a corrupt block for no-compaction user=" + tenant + " block=" + meta.ulid() + " err=\"" + e.getMessage() + "\"");
                    return true;
                }
            }
            Path out = work.resolve("out");
            List<BlockMeta> produced = new ArrayList<>();
            int outputs = job.splitShards() > 0 ? job.splitShards() : 1;
            for (int shard = 0; shard < outputs; shard++) {
                int index = shard;
                Optional<BlockMeta> result = job.splitShards() > 0
                        ? new Compactor(new BlockWriter(out)).compact(opened, labels -> shardIndex(labels, job.splitShards()) == index)
                        : new Compactor(new BlockWriter(out)).compact(opened);
                if (result.isEmpty()) {
                    continue;
                }
                String shardId = job.splitShards() > 0 ? (shard + 1) + "_of_" + job.splitShards() : job.shard();
                Path dir = out.resolve(result.get().ulid().toString());
                if (!deletions.isEmpty()) {
                    // Record which deletion requests this block has had applied, so it is not rewritten for them again.
                    StringBuilder ids = new StringBuilder("[");
                    for (SeriesDeletions.Request request : deletions) {
                        ids.append(ids.length() > 1 ? "," : "").append('"').append(request.id()).append('"');
                    }
                    Map<String, String> fields = new java.util.LinkedHashMap<>(result.get().extraFields());
                    fields.put(DELETIONS_APPLIED, ids.append(']').toString());
                    result.get().withExtraFields(fields).write(dir);
                }
                BlockUpload.upload(store, tenant, dir, "compactor", shardId.isEmpty() ? Map.of() : Map.of(SHARD_LABEL_NAME, shardId));
                compactions.increment();
                produced.add(result.get());
            }
            for (Block block : opened) {
                block.close();
            }
            opened.clear();
            Optional<BlockMeta> result = produced.isEmpty() ? Optional.empty() : Optional.of(produced.getFirst());
            long now = clock.millis() / 1000;
            for (BlockMeta meta : job.blocks()) {
                BlockMarks.markForDeletion(store, tenant, meta.ulid(), now,
                        "source of " + (result.isPresent() ? "compacted block " + result.get().ulid() : "a compaction without samples"));
                markedForCompaction.increment();
            }
            long series = produced.stream().mapToLong(meta -> meta.stats().numSeries()).sum();
            long samples = produced.stream().mapToLong(meta -> meta.stats().numSamples()).sum();
            LOG.log(Level.INFO, "compaction job succeeded user=" + tenant + " range=" + job.range() + " blocks=" + job.blocks().size()
                    + (job.splitShards() > 0 ? " split_shards=" + job.splitShards() : job.shard().isEmpty() ? "" : " shard=" + job.shard())
                    + " results=" + produced.size() + " series=" + series + " samples=" + samples);
            return true;
        }
        finally {
            for (Block block : opened) {
                try {
                    block.close();
                }
                catch (IOException e) {
                    // closing a downloaded copy
                }
            }
            BlockWriter.deleteRecursively(work);
        }
    }

    private void download(String tenant, Ulid block, Path dir) throws IOException {
        String prefix = tenant + "/" + block + "/";
        List<String> keys = new ArrayList<>();
        store.list(prefix, ObjectStore.ListMode.RECURSIVE, keys::add);
        for (String key : keys) {
            String relative = key.substring(prefix.length());
            if (relative.isEmpty() || relative.endsWith("/") || relative.equals(BlockMarks.DELETION_MARK) || relative.equals(BlockMarks.NO_COMPACT_MARK)) {
                continue;
            }
            Path file = dir.resolve(relative).normalize();
            if (!file.startsWith(dir)) {
                throw new IOException("block " + tenant + "/" + block + " holds an object outside its directory: " + key);
            }
            Files.createDirectories(file.getParent());
            try (InputStream in = store.get(key)) {
                Files.copy(in, file);
            }
        }
    }

    // ---- cleanup

    /** One cleanup run over every tenant. */
    void cleanupAll() throws IOException {
        synchronized (runLock) {
            boolean ok = true;
            CompactorRing.Ownership ownership = ring.ownership();
            if (!ownership.active()) {
                LOG.log(Level.INFO, "compactor is not ACTIVE in the ring, skipping the blocks cleanup");
                return;
            }
            for (String tenant : discovery.tenants()) {
                try {
                    if (!ownership.ownsCleanup(tenant)) {
                        continue;
                    }
                    cleanupTenant(tenant);
                }
                catch (RingException e) {
                    ok = false;
                    ringCheckErrors.increment();
                    LOG.log(Level.WARNING, "failed to check the ring for tenant ownership user=" + tenant + " err=\"" + e.getMessage() + "\"");
                }
                catch (IOException | RuntimeException e) {
                    ok = false;
                    LOG.log(Level.WARNING, "failed to run blocks cleanup and maintenance user=" + tenant + " err=\"" + e.getMessage() + "\"");
                }
            }
            if (ok) {
                lastSuccessfulCleanupSeconds = clock.millis() / 1000.0;
            }
        }
    }

    void cleanupTenant(String tenant) throws IOException {
        long now = clock.millis();
        Optional<ObjectAttributes> tenantMark = store.attributes(tenant + "/" + TENANT_DELETION_MARK);
        if (tenantMark.isPresent()) {
            deleteTenant(tenant, now, tenantMark.get());
            return;
        }
        Map<Ulid, TenantBlock> blocks = blocks(tenant);
        Duration retention = overrides.forTenant(tenant).compactorBlocksRetentionPeriod();
        Map<Ulid, Long> marks = BlockMarks.list(store, tenant, BlockMarks.DELETION_MARK);
        if (!retention.isZero() && !retention.isNegative()) {
            for (TenantBlock block : blocks.values()) {
                Ulid id = block.meta().ulid();
                if (!marks.containsKey(id) && block.meta().maxTime() < now - retention.toMillis()) {
                    BlockMarks.markForDeletion(store, tenant, id, now / 1000, "block exceeding retention of " + retention);
                    marks.put(id, now / 1000);
                    markedForRetention.increment();
                }
            }
        }
        for (Map.Entry<Ulid, Long> mark : marks.entrySet()) {
            if (mark.getValue() * 1000 <= now - config.deletionDelay().toMillis()) {
                if (deleteBlock(tenant, mark.getKey())) {
                    BlockMarks.unmark(store, tenant, mark.getKey(), BlockMarks.DELETION_MARK);
                }
            }
        }
        deletePartialBlocks(tenant, now);
        writeBucketIndex(tenant, now);
    }

    /** Deletes a block, meta.json first; true if nothing of it is left. */
    private boolean deleteBlock(String tenant, Ulid block) {
        String prefix = tenant + "/" + block + "/";
        try {
            store.delete(prefix + BlockMeta.FILE_NAME);
            List<String> keys = new ArrayList<>();
            store.list(prefix, ObjectStore.ListMode.RECURSIVE, keys::add);
            for (String key : keys) {
                if (!key.endsWith("/")) {
                    store.delete(key);
                }
            }
            blocksCleaned.increment();
            Map<Ulid, TenantBlock> known = metas.get(tenant);
            if (known != null) {
                known.remove(block);
            }
            LOG.log(Level.INFO, "deleted block marked for deletion user=" + tenant + " block=" + block);
            return true;
        }
        catch (IOException | RuntimeException e) {
            cleanupFailures.increment();
            LOG.log(Level.WARNING, "failed to delete block user=" + tenant + " block=" + block + " err=\"" + e.getMessage() + "\"");
            return false;
        }
    }

    /** Deletes block directories without meta.json whose newest object is older than the partial-block deletion delay. */
    private void deletePartialBlocks(String tenant, long now) throws IOException {
        Duration delay = overrides.forTenant(tenant).compactorPartialBlockDeletionDelay();
        if (delay.isZero() || delay.isNegative()) {
            return;
        }
        for (Ulid id : discovery.blockIds(tenant)) {
            String prefix = tenant + "/" + id + "/";
            if (store.exists(prefix + BlockMeta.FILE_NAME)) {
                continue;
            }
            List<String> keys = new ArrayList<>();
            store.list(prefix, ObjectStore.ListMode.RECURSIVE, keys::add);
            long newest = 0;
            for (String key : keys) {
                Optional<ObjectAttributes> attributes = store.attributes(key);
                if (attributes.isPresent()) {
                    newest = Math.max(newest, attributes.get().lastModified().toEpochMilli());
                }
            }
            if (newest > now - delay.toMillis()) {
                continue;
            }
            for (String key : keys) {
                store.delete(key);
            }
            partialDeleted.increment();
            LOG.log(Level.INFO, "deleted partial block user=" + tenant + " block=" + id);
        }
    }

    /** Writes {@code <tenant>/bucket-index.json.gz} from the bucket's current state. */
    BucketIndex writeBucketIndex(String tenant, long now) throws IOException {
        Map<Ulid, TenantBlock> blocks = blocks(tenant);
        List<BucketIndex.Entry> entries = new ArrayList<>();
        for (TenantBlock block : blocks.values()) {
            BlockMeta meta = block.meta();
            String thanos = meta.extraFields().getOrDefault("thanos", "");
            int segments = 0;
            Matcher files = SEGMENT_FILES.matcher(thanos);
            if (files.find() && !files.group(1).isBlank()) {
                segments = files.group(1).split(",").length;
            }
            Matcher source = THANOS_SOURCE.matcher(thanos);
            Matcher shard = SHARD_LABEL.matcher(thanos);
            entries.add(new BucketIndex.Entry(meta.ulid(), meta.minTime(), meta.maxTime(), segments > 0 ? "1b6d" : "", segments,
                    block.uploadedAtMillis() / 1000, shard.find() ? shard.group(1) : "", source.find() ? source.group(1) : "", meta.compaction().level()));
        }
        entries.sort((a, b) -> a.minTime() != b.minTime() ? Long.compare(a.minTime(), b.minTime()) : a.id().compareTo(b.id()));
        List<BucketIndex.DeletionMark> marks = new ArrayList<>();
        BlockMarks.list(store, tenant, BlockMarks.DELETION_MARK).forEach((id, time) -> {
            if (blocks.containsKey(id)) {
                marks.add(new BucketIndex.DeletionMark(id, time));
            }
        });
        marks.sort((a, b) -> a.id().compareTo(b.id()));
        BucketIndex index = new BucketIndex(entries, marks, now / 1000);
        store.put(BucketBlocks.indexKey(tenant), index.toGzip());
        return index;
    }

    // ---- tenant deletion

    /** The tenants in the bucket. */
    List<String> tenants() throws IOException {
        return discovery.tenants();
    }

    /** {@code POST /compactor/delete_tenant}: marks the tenant; its blocks go at the next cleanup. */
    void markTenantForDeletion(String tenant) throws IOException {
        long now = clock.millis() / 1000;
        store.put(tenant + "/" + TENANT_DELETION_MARK, ("{\"deletion_time\":" + now + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** True once the tenant has no blocks left in the bucket. */
    boolean tenantBlocksDeleted(String tenant) throws IOException {
        return discovery.blockIds(tenant).isEmpty();
    }

    private void deleteTenant(String tenant, long now, ObjectAttributes mark) throws IOException {
        for (Ulid id : discovery.blockIds(tenant)) {
            deleteBlock(tenant, id);
        }
        metas.remove(tenant);
        store.delete(BucketBlocks.indexKey(tenant));
        if (mark.lastModified().toEpochMilli() <= now - config.tenantCleanupDelay().toMillis() && discovery.blockIds(tenant).isEmpty()) {
            List<String> keys = new ArrayList<>();
            store.list(tenant + "/", ObjectStore.ListMode.RECURSIVE, keys::add);
            for (String key : keys) {
                if (!key.endsWith("/") && !key.equals(tenant + "/" + TENANT_DELETION_MARK)) {
                    store.delete(key);
                }
            }
            LOG.log(Level.INFO, "tenant deletion finished user=" + tenant);
        }
    }
}
