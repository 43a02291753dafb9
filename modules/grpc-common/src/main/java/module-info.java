/**
 * What the gRPC client modules and the components serving them share, so that each piece exists once.
 * {@code mimir.grpccommon}, exported to the client modules: {@link mimir.grpccommon.TenantChannel}, a
 * plaintext channel that puts the call's tenant into its header, and
 * {@link mimir.grpccommon.GrpcClientPool}, one client per address. {@code mimir.grpccommon.convert},
 * exported to the client modules and their components: the conversions both ends of a call make
 * between the model's labels, matchers and samples and the {@code mimir.proto.prompb} messages (XOR
 * chunks encoded by the server, decoded by the client). {@code mimir.grpccommon.stream}, exported to
 * the components: the flow-controlled writing of a server-streaming call. Carries no component's code.
 */
@SuppressWarnings("module") // The qualified exports' targets are built after this module.
module mimir.grpccommon {
    // Plain requires for gRPC's automatic modules: every user of the exported packages requires them itself.
    requires io.grpc;
    requires io.grpc.netty;
    // gRPC's Netty transport is an automatic module: it does not make the explicit Netty modules it
    // uses resolve (the launcher adds ALL-MODULE-PATH for its runtime-only io.netty.handler.proxy).
    requires io.netty.codec.http2;
    requires io.grpc.stub;
    requires mimir.tsdb;
    requires transitive mimir.model;
    requires transitive mimir.proto;

    exports mimir.grpccommon to mimir.ingester.client, mimir.storegateway.client, mimir.ruler;
    exports mimir.grpccommon.convert to mimir.ingester.client, mimir.ingester, mimir.storegateway.client, mimir.storegateway;
    exports mimir.grpccommon.stream to mimir.ingester, mimir.storegateway;
}
