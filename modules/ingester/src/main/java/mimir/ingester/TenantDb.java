package mimir.ingester;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import mimir.ingester.exemplars.ExemplarStorage;
import mimir.ingester.metadata.MetadataStore;
import mimir.ingester.shipper.Shipper;
import mimir.tsdb.DB;

/**
 * What the ingester keeps per tenant, Mimir's {@code userTSDB}: the TSDB in {@code <tsdb-dir>/<tenant>},
 * its shipper, exemplars, metadata, ingestion rates and meters. Pushes and reads hold the read side of
 * {@link #lock()}; closing an idle TSDB takes the write side, so it never closes under a push.
 */
final class TenantDb {
    private final String tenant;
    private final DB db;
    private final Shipper shipper;
    private final ExemplarStorage exemplars;
    private final MetadataStore metadata = new MetadataStore();
    private final EwmaRate apiRate;
    private final EwmaRate ruleRate;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
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
        for (mimir.tsdb.Block block : db.blocks()) {
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
