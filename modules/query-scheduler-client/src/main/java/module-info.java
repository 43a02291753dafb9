/**
 * The query-scheduler's client module: {@link mimir.queryscheduler.client.SchedulerForFrontend}, which
 * the query-frontend enqueues into, and {@link mimir.queryscheduler.client.SchedulerForQuerier}, which
 * querier workers take requests from (Mimir's two gRPC services of the same names). In one process the
 * scheduler registers its in-process implementation through {@code mimir.spi.LocalInstances}: a request
 * travels as the {@code mimir.spi.http} request and response objects, not serialized. Carries no
 * scheduler code.
 */
module mimir.queryscheduler.client {
    requires transitive mimir.spi;

    exports mimir.queryscheduler.client;
}
