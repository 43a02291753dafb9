package mimir.ingester;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import mimir.ingester.exemplars.ExemplarStorage;
import mimir.ingester.metadata.MetadataStore;
import mimir.ingester.shipper.Shipper;
import mimir.model.Labels;
import mimir.tsdb.Block;
import mimir.tsdb.DB;
import mimir.tsdb.HeadAppender;

/**
 * What the ingester keeps per tenant, Mimir's {@code userTSDB}: the TSDB in {@code <tsdb-dir>/<tenant>},
 * its shipper, exemplars, metadata, ingestion rates and meters. Pushes and reads hold the read side of
 * {@link #lock()}; closing an idle TSDB takes the write side, so it never closes under a push.
 */
final class TenantDb {
    static final int MAX_POOLED_APPENDERS = 16;

    private final String tenant;
    private final DB db;
    private final Shipper shipper;
    private final ExemplarStorage exemplars;
    private final MetadataStore metadata = new MetadataStore();
    private final EwmaRate apiRate;
    private final EwmaRate ruleRate;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Appenders of finished pushes, reused so a push does not allocate a new batch and its arrays. */
    private final ConcurrentLinkedQueue<HeadAppender> appenders = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pooledAppenders = new AtomicInteger();
    /**
     * Series per metric name for the per-metric limit, counted lazily from the head the first time a
     * metric is checked and incremented as series are created; cleared after every head compaction
     * (the only time series are removed), so removed series never count for long.
     */
    private final ConcurrentHashMap<String, AtomicInteger> seriesPerMetric = new ConcurrentHashMap<>();
    private IngesterMetrics.TenantMeters meters;
    private volatile long lastPushMillis;
    private boolean closed;

    TenantDb(String tenant, DB db, Shipper shipper, IngesterConfig config, long nowMillis) {
        this.tenant = requireNonNull(tenant, "tenant is null");
        this.db = requireNonNull(db, "db is null");
        this.shipper = shipper;
        this.exemplars = new ExemplarStorage(0);
        this.apiRate = new EwmaRate(config.rateUpdatePeriod());
        this.ruleRate = new EwmaRate(config.rateUpdatePeriod());
        this.lastPushMillis = nowMillis;
    }

    String tenant() {
        return tenant;
    }

    DB db() {
        return db;
    }

    /** Null when shipping is disabled ({@code -blocks-storage.tsdb.ship-interval=0}). */
    Shipper shipper() {
        return shipper;
    }

    ExemplarStorage exemplars() {
        return exemplars;
    }

    MetadataStore metadata() {
        return metadata;
    }

    EwmaRate apiRate() {
        return apiRate;
    }

    EwmaRate ruleRate() {
        return ruleRate;
    }

    /** An empty appender of the DB, reused if one is pooled. */
    HeadAppender appender() {
        HeadAppender appender = appenders.poll();
        if (appender == null) {
            return db.appender();
        }
        pooledAppenders.decrementAndGet();
        return appender;
    }

    /** Returns an appender after its commit or rollback; at most {@link #MAX_POOLED_APPENDERS} are kept. */
    void release(HeadAppender appender) {
        if (appender.pendingSamples() == 0 && pooledAppenders.incrementAndGet() <= MAX_POOLED_APPENDERS) {
            appenders.offer(appender);
        }
        else if (appender.pendingSamples() == 0) {
            pooledAppenders.decrementAndGet();
        }
    }

    /** Series of {@code metric} in the head, as counted for the per-metric limit. */
    int seriesOfMetric(String metric) {
        return seriesPerMetric.computeIfAbsent(metric, m -> new AtomicInteger(db.head().seriesCount(Labels.METRIC_NAME, m))).get();
    }

    /** A push created a series of {@code metric}. */
    void seriesCreated(String metric) {
        AtomicInteger count = seriesPerMetric.get(metric);
        if (count != null) {
            count.incrementAndGet();
        }
    }

    /** The head was truncated: recount series per metric on next use. */
    void headCompacted() {
        seriesPerMetric.clear();
    }

    ReentrantReadWriteLock lock() {
        return lock;
    }

    IngesterMetrics.TenantMeters meters() {
        return meters;
    }

    void setMeters(IngesterMetrics.TenantMeters meters) {
        this.meters = meters;
    }

    long lastPushMillis() {
        return lastPushMillis;
    }

    void pushed(long nowMillis) {
        lastPushMillis = nowMillis;
    }

    /** True once {@link #close()} ran; a push that finds this retries with a fresh TSDB. */
    boolean isClosed() {
        return closed;
    }

    /** True if every block of the DB is recorded as shipped (vacuously with shipping disabled: false). */
    boolean allShipped() {
        if (shipper == null) {
            return false;
        }
        for (Block block : db.blocks()) {
            if (!shipper.isShipped(block.meta().ulid())) {
                return false;
            }
        }
        return true;
    }

    /** Closes the DB and removes the meters; call with the write lock held (or at shutdown). */
    void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (meters != null) {
            meters.remove();
        }
        db.close();
    }
}
