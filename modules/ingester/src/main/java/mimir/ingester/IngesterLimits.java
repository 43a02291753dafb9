package mimir.ingester;

import java.time.Duration;
import java.time.Instant;

import mimir.ingester.client.IngesterException;
import mimir.model.Labels;
import mimir.spi.config.Durations;

/**
 * The ingester's limit arithmetic and Mimir's messages for refusals. Per-tenant limits are global
 * (over all ingesters, before replication); each ingester enforces its share, Mimir's
 * {@code convertGlobalToLocalLimit}: {@code global / ingesters * replicationFactor}. This process has
 * one ingester and no replication until the ring exists, so the share is the whole limit; the ring
 * plugs in its counts through {@link Ring}.
 */
final class IngesterLimits {
    /** What the ring tells about the ingesters sharing a tenant's series. */
    interface Ring {
        /** A single in-process ingester, no replication. */
        Ring SINGLE = new Ring() {
            @Override
            public int replicationFactor() {
                return 1;
            }

            @Override
            public int healthyIngesters() {
                return 1;
            }
        };

        int replicationFactor();

        int healthyIngesters();
    }

    static final String MAX_SERIES_PER_USER_FLAG = "ingester.max-global-series-per-user";
    static final String MAX_SERIES_PER_METRIC_FLAG = "ingester.max-global-series-per-metric";
    static final String OUT_OF_ORDER_WINDOW_FLAG = "ingester.out-of-order-time-window";

    private IngesterLimits() {}

    /** This ingester's share of a global limit; 0 (unlimited) stays 0. */
    static int localLimit(int globalLimit, Ring ring) {
        if (globalLimit <= 0) {
            return 0;
        }
        int ingesters = Math.max(1, ring.healthyIngesters());
        long local = (long) Math.ceil((double) globalLimit / ingesters * ring.replicationFactor());
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, local));
    }

    static String withPerTenantLimit(String message, String id, String flag) {
        return message + " (err-mimir-" + id + "). To adjust the related per-tenant limit, configure -" + flag + ", or contact your service administrator.";
    }

    static String withPerInstanceLimit(String message, String id, String flag) {
        return message + " (err-mimir-" + id + "). To adjust the related limit, configure -" + flag + ", or contact your service administrator.";
    }

    static String maxSeriesPerUser(int globalLimit, String tenant) {
        return withPerTenantLimit("per-user series limit of " + globalLimit + " exceeded", "max-series-per-user", MAX_SERIES_PER_USER_FLAG);
    }

    static String maxSeriesPerMetric(int globalLimit, Labels labels) {
        return withPerTenantLimit("per-metric series limit of " + globalLimit + " exceeded", "max-series-per-metric", MAX_SERIES_PER_METRIC_FLAG)
                + " This is for series " + labels;
    }

    /** Mimir's {@code newTSDBIngestExemplarErr} for Prometheus's out-of-order exemplar error. */
    static String exemplarOutOfOrder(Labels series, Labels exemplar, long timestamp) {
        return "err: out of order exemplar. timestamp=" + Instant.ofEpochMilli(timestamp) + ", series=" + series + ", exemplar=" + exemplar;
    }

    static String exemplarSeriesMissing(Labels series, Labels exemplar, long timestamp) {
        return "the exemplar has been rejected because the related series has not been ingested yet (err-mimir-exemplar-series-missing). "
                + "The affected exemplar is " + exemplar + " with timestamp " + Instant.ofEpochMilli(timestamp) + " for series " + series;
    }

    static IngesterException maxIngestionRate() {
        return new IngesterException(503, withPerInstanceLimit("the write request has been rejected because the ingester exceeded the samples ingestion rate limit",
                "ingester-max-ingestion-rate", "ingester.instance-limits.max-ingestion-rate"));
    }

    static IngesterException maxTenants() {
        return new IngesterException(503, withPerInstanceLimit("the write request has been rejected because the ingester exceeded the allowed number of tenants",
                "ingester-max-tenants", "ingester.instance-limits.max-tenants"));
    }

    static IngesterException maxInMemorySeries() {
        return new IngesterException(503, withPerInstanceLimit(
                "the write request has been rejected because the ingester exceeded the allowed number of in-memory series", "ingester-max-series",
                "ingester.instance-limits.max-series"));
    }

    static IngesterException maxInflightPushRequests() {
        return new IngesterException(503, withPerInstanceLimit(
                "the write request has been rejected because the ingester exceeded the allowed number of inflight push requests",
                "ingester-max-inflight-push-requests", "ingester.instance-limits.max-inflight-push-requests"));
    }

    /**
     * A tenant with an out-of-order window: this ingester's head has no out-of-order support yet, so the
     * tenant's pushes are refused as a whole (nothing stored) rather than silently treated as in-order.
     */
    static IngesterException outOfOrderWindowUnsupported(String tenant, Duration window) {
        return new IngesterException(400, "the write request has been rejected because the tenant " + tenant + " has out_of_order_time_window="
                + Durations.format(window) + " and out-of-order ingestion is not supported yet by this ingester; set the per-tenant limit -"
                + OUT_OF_ORDER_WINDOW_FLAG + " (out_of_order_time_window) to 0 for this tenant");
    }
}
