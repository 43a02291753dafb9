/**
 * The {@code querier} component: evaluates PromQL with {@code mimir.promql}'s engine over the tenant's
 * data sources (the in-process ingester for recent data, the in-process store-gateway for blocks in object storage), enforces
 * Mimir's per-query limits, and serves the Prometheus HTTP API, remote read, Mimir's cardinality API
 * and {@code /api/v1/user_stats}. When the query-frontend runs in the same process, the querier leaves
 * the Prometheus API routes to it and instead runs querier workers that take requests from the
 * query-scheduler; with {@code -querier.scheduler-address} it runs them against a query-scheduler in
 * another process, over gRPC. Found by the launcher through {@link mimir.spi.ComponentProvider}; exports nothing.
 */
module mimir.querier {
    requires dagger;
    requires jakarta.inject;
    requires javax.inject;
    requires mimir.bucket;
    requires mimir.ingester.client;
    requires mimir.model;
    requires mimir.promql;
    requires mimir.proto;
    requires mimir.querier.client;
    requires mimir.queryscheduler.client;
    requires mimir.ring;
    requires mimir.snappy;
    requires mimir.spi;
    requires mimir.storegateway.client;
    requires mimir.tsdb;

    provides mimir.spi.ComponentProvider with mimir.querier.QueryableProvider, mimir.querier.QuerierProvider;
}
