/**
 * What the gRPC client modules and the components serving them share, so that each piece exists once:
 * {@code mimir.grpccommon}, the client side ({@link mimir.grpccommon.TenantChannel}, a plaintext channel
 * that puts the call's tenant into its header, and {@link mimir.grpccommon.GrpcClientPool}, one client
 * per address), exported to the client modules; and {@code mimir.grpccommon.convert}, the conversions
 * both ends of a call make between the model's labels, matchers and samples and the
 * {@code mimir.proto.prompb} messages (XOR chunks encoded by the server, decoded by the client),
 * exported to the client modules and their components; and {@code mimir.grpccommon.stream}, the
 * flow-controlled writing of a server-streaming call, exported to the components. Carries no
 * component's code.
 */
@SuppressWarnings("module") // The qualified exports' targets are built after this module.
module mimir.grpccommon {
    requires io.grpc.netty.shaded;
    requires mimir.tsdb;
    requires transitive io.grpc;
    requires transitive io.grpc.stub;
    requires transitive mimir.model;
    requires transitive mimir.proto;

    exports mimir.grpccommon to mimir.ingester.client, mimir.storegateway.client;
    exports mimir.grpccommon.convert to mimir.ingester.client, mimir.ingester, mimir.storegateway.client, mimir.storegateway;
    exports mimir.grpccommon.stream to mimir.ingester, mimir.storegateway;
}
