/**
 * The {@code query-scheduler} component: an in-memory queue between query-frontends and querier
 * workers, fair across tenants (round robin over tenants with queued requests), bounded per tenant by
 * {@code -query-scheduler.max-outstanding-requests-per-tenant}, with optional querier shuffle sharding
 * ({@code max_queriers_per_tenant}). In one process it registers itself as the
 * {@link mimir.queryscheduler.client.SchedulerForFrontend} and
 * {@link mimir.queryscheduler.client.SchedulerForQuerier} of {@code mimir.spi.LocalInstances}, and serves
 * query-frontends and querier workers in other processes through the {@code schedulerpb} gRPC services.
 * Found by the launcher through {@link mimir.spi.ComponentProvider}.
 */
module mimir.queryscheduler {
    requires com.google.protobuf;
    requires dagger;
    requires io.grpc;
    requires io.grpc.stub;
    requires jakarta.inject;
    requires javax.inject;
    requires mimir.proto;
    requires mimir.queryscheduler.client;
    requires mimir.ring;
    requires mimir.spi;

    provides mimir.spi.ComponentProvider with mimir.queryscheduler.QuerySchedulerProvider;
}
