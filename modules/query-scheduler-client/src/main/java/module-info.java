/**
 * The query-scheduler's client module: {@link mimir.queryscheduler.client.SchedulerForFrontend}, which
 * the query-frontend enqueues into, and {@link mimir.queryscheduler.client.SchedulerForQuerier}, which
 * querier workers take requests from (Mimir's two gRPC services of the same names). In one process the
 * scheduler registers its in-process implementation through {@code mimir.spi.LocalInstances}: a request
 * travels as the {@code mimir.spi.http} request and response objects, not serialized. For a scheduler
 * in another process, {@link mimir.queryscheduler.client.GrpcSchedulerForFrontend} and
 * {@link mimir.queryscheduler.client.GrpcSchedulerForQuerier} call its {@code schedulerpb} gRPC services.
 * The wire contract both ends share ({@code mimir.queryscheduler.client.grpc}: method descriptors and
 * message conversions) is exported to the scheduler only. Carries no scheduler code.
 */
@SuppressWarnings("module") // mimir.queryscheduler, the qualified export's target, is built after this module.
module mimir.queryscheduler.client {
    requires io.grpc;
    requires io.grpc.netty;
    requires io.grpc.protobuf;
    requires io.grpc.stub;
    requires mimir.proto;
    requires transitive mimir.ring;
    requires transitive mimir.spi;

    exports mimir.queryscheduler.client;
    exports mimir.queryscheduler.client.grpc to mimir.queryscheduler;
}
