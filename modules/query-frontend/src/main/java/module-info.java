/**
 * The {@code query-frontend} component: the Prometheus HTTP API's query endpoints in front of the
 * query-scheduler. Range queries are checked against the tenant's limits (blocked queries, lookback,
 * total length), optionally aligned to their step, split by interval, answered in parallel and from
 * the results cache, and merged; everything else is forwarded. Found by the launcher through
 * {@link mimir.spi.ComponentProvider}; needs a query-scheduler in the same process, or one in another
 * process at {@code -query-frontend.scheduler-address}. The results cache is embedded or in memcached
 * ({@code -query-frontend.results-cache.backend}), reached through Netty's binary memcache codec.
 */
module mimir.queryfrontend {
    requires com.fasterxml.jackson.core;
    requires dagger;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.memcache;
    requires io.netty.common;
    requires io.netty.transport;
    requires jakarta.inject;
    requires javax.inject;
    requires mimir.promql;
    requires mimir.queryscheduler.client;
    requires mimir.spi;

    provides mimir.spi.ComponentProvider with mimir.queryfrontend.QueryFrontendProvider;
}
