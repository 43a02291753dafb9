/**
 * The {@code distributor} component: receives Prometheus remote write 1.0 and 2.0 at
 * {@code /api/v1/push} and OpenTelemetry metrics at {@code /otlp/v1/metrics}, validates series with Mimir's per-tenant limits and messages, applies rate
 * limits, HA replica deduplication and relabeling, and pushes to the ingester of this process through
 * {@code mimir.ingester.client}. Found by the launcher through {@link mimir.spi.ComponentProvider};
 * exports nothing.
 */
module mimir.distributor {
    requires dagger;
    requires jakarta.inject;
    requires javax.inject;
    requires mimir.distributor.client;
    requires mimir.ingester.client;
    requires mimir.otlp;
    requires mimir.ring;
    requires mimir.snappy;
    requires mimir.spi;

    provides mimir.spi.ComponentProvider with mimir.distributor.DistributorServiceProvider, mimir.distributor.DistributorProvider;
}
