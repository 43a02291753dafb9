package mimir.queryscheduler;

import io.grpc.BindableService;
import io.grpc.ForwardingServerCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.google.protobuf.InvalidProtocolBufferException;
import mimir.proto.schedulerpb.FrontendToScheduler;
import mimir.proto.schedulerpb.FrontendToSchedulerType;
import mimir.queryscheduler.client.GrpcSchedulerForFrontend;
import mimir.queryscheduler.client.GrpcSchedulerForQuerier;
import mimir.queryscheduler.client.ScheduledRequest;
import mimir.queryscheduler.client.grpc.SchedulerGrpc;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.Setting;
import mimir.spi.http.HttpRequest;
import mimir.spi.limits.Limits;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingCoreServices;

/**
 * A started query-scheduler, built by its provider, whose registered gRPC services run on a Netty server
 * on 127.0.0.1; clients connect to it directly ({@link #address}) or through a {@link TestingTcpProxy}
 * ({@link #proxiedAddress}) whose connections a test can break. Closes every client it made.
 */
final class QuerySchedulerGrpcFixture implements AutoCloseable {
    static final int MAX_RECEIVE_BYTES = 1 << 20;

    final TestingCoreServices core;
    final QueryScheduler scheduler;
    /** Breaks a FrontendLoop stream when its first ENQUEUE arrives, once armed. */
    final EnqueueBreaker breaker = new EnqueueBreaker();
    private final Server server;
    private final TestingTcpProxy proxy;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private boolean schedulerStopped;

    QuerySchedulerGrpcFixture(int maxOutstandingPerTenant) throws Exception {
        QuerySchedulerProvider provider = new QuerySchedulerProvider();
        List<Setting<?>> settings = new ArrayList<>();
        provider.registerConfig(new ConfigRegistry() {
            @Override
            public <T> Setting<T> register(Setting<T> setting) {
                settings.add(setting);
                return setting;
            }
        });
        TestingConfigValues config = TestingConfigValues.defaults(settings)
                .with(QuerySchedulerConfig.MAX_OUTSTANDING_REQUESTS_PER_TENANT, maxOutstandingPerTenant);
        core = new TestingCoreServices(config, null, Limits.defaults(), Instant.parse("2026-01-01T00:00:00Z"), Set.of("query-scheduler"));
        scheduler = (QueryScheduler) provider.create(core, config).getFirst();
        scheduler.start(cause -> {
            throw new AssertionError(cause);
        });
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
        for (Object service : core.registeredGrpcServices()) {
            builder.addService(ServerInterceptors.intercept((BindableService) service, breaker));
        }
        server = builder.build().start();
        proxy = new TestingTcpProxy(server.getPort());
    }

    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    String proxiedAddress() {
        return proxy.address();
    }

    /** Drops every connection made through {@link #proxiedAddress}, as a network failure would. */
    void breakProxiedConnections() {
        proxy.breakConnections();
    }

    GrpcSchedulerForFrontend frontend(String address, int maxReceiveBytes) {
        return closing(new GrpcSchedulerForFrontend(address, "test-frontend", maxReceiveBytes));
    }

    GrpcSchedulerForFrontend frontend() {
        return frontend(address(), MAX_RECEIVE_BYTES);
    }

    GrpcSchedulerForQuerier querier(String address) {
        return closing(new GrpcSchedulerForQuerier(address, MAX_RECEIVE_BYTES));
    }

    /** A worker loop as the querier runs it, over its own client, handing each request to {@code handler}. */
    Worker worker(String address, String querierId, Consumer<ScheduledRequest> handler) {
        return closing(new Worker(querier(address), querierId, handler));
    }

    /** A plain channel to the scheduler, for calls no client would make. */
    ManagedChannel channel() {
        ManagedChannel channel = NettyChannelBuilder.forTarget(address()).usePlaintext().build();
        closeables.add(() -> {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        });
        return channel;
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    void stopScheduler() throws InterruptedException {
        schedulerStopped = true;
        scheduler.stop();
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable closeable : closeables.reversed()) {
            closeable.close();
        }
        if (!schedulerStopped) {
            scheduler.stop();
        }
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
        proxy.close();
    }

    static HttpRequest request(String query) {
        return new HttpRequest("GET", "/prometheus/api/v1/query", Map.of("query", List.of(query)), Map.of(), new byte[0], Optional.empty());
    }

    /** A querier worker thread: next, handle, repeat, until closed; a broken stream is asked again, as the querier does. */
    static final class Worker implements AutoCloseable {
        final GrpcSchedulerForQuerier client;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Worker(GrpcSchedulerForQuerier client, String querierId, Consumer<ScheduledRequest> handler) {
            this.client = client;
            this.thread = Thread.ofVirtual().name("test-worker-" + querierId).start(() -> {
                while (running.get()) {
                    try {
                        client.next(querierId, Duration.ofMillis(200)).ifPresent(handler);
                    }
                    catch (InterruptedException e) {
                        return;
                    }
                    catch (RuntimeException e) {
                        // The stream broke (a test breaks it); the next call reconnects after the backoff.
                    }
                }
            });
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            thread.join(Duration.ofSeconds(10));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(Duration.ofSeconds(5));
            }
            client.close();
        }
    }

    /**
     * Once armed, closes the FrontendLoop call whose ENQUEUE arrives next with UNAVAILABLE before the
     * scheduler sees it, and tells the service the call is gone, as a transport failure would.
     */
    static final class EnqueueBreaker implements ServerInterceptor {
        private final AtomicBoolean armed = new AtomicBoolean();
        final AtomicInteger broken = new AtomicInteger();

        void arm() {
            armed.set(true);
        }

        @Override
        public <Req, Resp> ServerCall.Listener<Req> interceptCall(ServerCall<Req, Resp> call, Metadata headers, ServerCallHandler<Req, Resp> next) {
            ServerCall.Listener<Req> listener = next.startCall(call, headers);
            if (!call.getMethodDescriptor().getFullMethodName().equals(SchedulerGrpc.FRONTEND_LOOP.getFullMethodName())) {
                return listener;
            }
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
                @Override
                public void onMessage(Req message) {
                    if (isEnqueue(message) && armed.compareAndSet(true, false)) {
                        broken.incrementAndGet();
                        call.close(Status.UNAVAILABLE.withDescription("broken by the test"), new Metadata());
                        super.onCancel();
                        return;
                    }
                    super.onMessage(message);
                }
            };
        }

        private static boolean isEnqueue(Object message) {
            try {
                return message instanceof byte[] bytes && FrontendToScheduler.parseFrom(bytes).getType() == FrontendToSchedulerType.ENQUEUE;
            }
            catch (InvalidProtocolBufferException e) {
                return false;
            }
        }
    }
}
