package mimir.ingester;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import mimir.ingester.client.GrpcIngesterClient;
import mimir.ingester.client.GrpcIngesterClientConfig;
import mimir.ingester.client.IngesterClient;
import mimir.ingester.client.grpc.IngesterGrpc;
import mimir.testing.MemoryObjectStore;
import mimir.testing.TestingConfigValues;

/**
 * A started {@link TestingIngester} whose {@code cortex.Ingester} service runs on a real Netty gRPC
 * server on 127.0.0.1, a {@link GrpcIngesterClient} of it, and a plain channel for raw calls.
 */
final class TestingGrpcIngester implements AutoCloseable {
    final TestingIngester testing;
    final Server server;
    final GrpcIngesterClient client;
    final ManagedChannel channel;

    /** The service the provider registered, the server's default message size limit (100 MiB, Mimir's). */
    static TestingGrpcIngester start(Path dir, UnaryOperator<TestingConfigValues> settings) throws Exception {
        return start(dir, settings, 100 << 20, GrpcIngesterClientConfig.defaults(), null);
    }

    /**
     * @param service the service to serve over the ingester, or null for the one the provider registered
     */
    static TestingGrpcIngester start(Path dir, UnaryOperator<TestingConfigValues> settings, int maxInboundMessageBytes, GrpcIngesterClientConfig config,
            Function<IngesterClient, BindableService> service) throws Exception {
        TestingIngester testing = new TestingIngester(dir, new MemoryObjectStore(), settings);
        try {
            assertThat(testing.core.registeredGrpcServices()).hasSize(1);
            BindableService registered = (BindableService) testing.core.registeredGrpcServices().getFirst();
            assertThat(registered.bindService().getServiceDescriptor().getName()).isEqualTo(IngesterGrpc.SERVICE_NAME);
            Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .maxInboundMessageSize(maxInboundMessageBytes)
                    .addService(service == null ? registered : service.apply(testing.ingester))
                    .build()
                    .start();
            String address = "127.0.0.1:" + server.getPort();
            return new TestingGrpcIngester(testing, server, new GrpcIngesterClient(address, config),
                    NettyChannelBuilder.forTarget(address).usePlaintext().build());
        }
        catch (Exception | Error e) {
            testing.close();
            throw e;
        }
    }

    private TestingGrpcIngester(TestingIngester testing, Server server, GrpcIngesterClient client, ManagedChannel channel) {
        this.testing = testing;
        this.server = server;
        this.client = client;
        this.channel = channel;
    }

    String address() {
        return client.address();
    }

    /** The plain channel with {@code tenant} in the {@code x-scope-orgid} header of every call. */
    Channel channelFor(String tenant) {
        Metadata headers = new Metadata();
        headers.put(IngesterGrpc.TENANT_HEADER, tenant);
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    static CallOptions deadline() {
        return CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        try {
            client.close();
            channel.shutdownNow();
            server.shutdownNow();
            server.awaitTermination(10, TimeUnit.SECONDS);
        }
        finally {
            testing.close();
        }
    }
}
