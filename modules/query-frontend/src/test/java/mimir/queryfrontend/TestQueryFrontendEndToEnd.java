package mimir.queryfrontend;

import static mimir.queryfrontend.TestingQuerierModel.body;
import static mimir.queryfrontend.TestingQuerierModel.matrix;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import mimir.queryscheduler.QuerySchedulerProvider;
import mimir.queryscheduler.client.GrpcSchedulerForQuerier;
import mimir.queryscheduler.client.ScheduledRequest;
import mimir.queryscheduler.client.SchedulerForQuerier;
import mimir.spi.http.HttpResponse;
import mimir.spi.limits.Limits;
import mimir.spi.service.Service;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingCoreServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real query-scheduler between the frontend and querier worker threads that answer from the model:
 * all in one process, and with the scheduler reached over gRPC ({@code -query-frontend.scheduler-address}).
 */
class TestQueryFrontendEndToEnd {
    private static final long JAN_1 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final long DAY = 86_400_000L;
    private static final long MINUTE = 60_000L;

    private final TestingQuerierModel model = new TestingQuerierModel();
    private final List<Thread> workers = new ArrayList<>();
    private final List<Service> services = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private volatile boolean running = true;
    private TestingCoreServices core;
    private TestingCoreServices schedulerCore;

    /**
     * Starts the scheduler and the frontend, and two querier workers. In one process they find each other
     * through the local instances; in {@code remote} mode the scheduler has its own core and serves its gRPC
     * services on 127.0.0.1, the frontend is given {@code -query-frontend.scheduler-address} and the workers
     * use {@link GrpcSchedulerForQuerier}.
     */
    private void start(boolean remote) throws Exception {
        QuerySchedulerProvider schedulerProvider = new QuerySchedulerProvider();
        QueryFrontendProvider frontendProvider = new QueryFrontendProvider();
        TestingConfigValues config = TestQueryFrontend.defaultConfig(schedulerProvider, frontendProvider)
                .with(QueryFrontendConfig.CACHE_RESULTS, true);
        Instant now = Instant.parse("2026-01-10T12:00:00Z");
        SchedulerForQuerier scheduler;
        if (remote) {
            schedulerCore = new TestingCoreServices(config, null, Limits.defaults(), now, Set.of("query-scheduler"));
            services.addAll(schedulerProvider.create(schedulerCore, config));
            String address = serveGrpc(schedulerCore);
            config = config.with(QueryFrontendConfig.SCHEDULER_ADDRESS, address);
            core = new TestingCoreServices(config, null, Limits.defaults(), now, Set.of("query-frontend"));
            GrpcSchedulerForQuerier client = new GrpcSchedulerForQuerier(address, 1 << 20);
            closeables.add(client);
            scheduler = client;
        }
        else {
            core = new TestingCoreServices(config, null, Limits.defaults(), now, Set.of("query-frontend", "query-scheduler"));
            schedulerCore = core;
            services.addAll(schedulerProvider.create(core, config));
            scheduler = null;
        }
        services.addAll(frontendProvider.create(core, config));
        for (Service service : services) {
            service.start(cause -> {
                throw new AssertionError(cause);
            });
        }
        SchedulerForQuerier workerScheduler = scheduler != null ? scheduler : core.localInstances().find(SchedulerForQuerier.class).orElseThrow();
        for (int i = 0; i < 2; i++) {
            String querierId = "querier-" + i;
            workers.add(Thread.ofVirtual().start(() -> {
                while (running) {
                    try {
                        Optional<ScheduledRequest> next = workerScheduler.next(querierId, Duration.ofMillis(100));
                        next.ifPresent(request -> request.complete(model.answer(request.tenant(), request.request())));
                    }
                    catch (InterruptedException e) {
                        return;
                    }
                    catch (RuntimeException e) {
                        // The scheduler went away (the stop test): ask again, as the querier's worker does.
                    }
                }
            }));
        }
    }

    /** The scheduler's registered gRPC services on a loopback server; returns its address. */
    private String serveGrpc(TestingCoreServices scheduler) throws Exception {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
        for (Object service : scheduler.registeredGrpcServices()) {
            builder.addService((BindableService) service);
        }
        Server server = builder.build().start();
        closeables.add(() -> {
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        });
        return "127.0.0.1:" + server.getPort();
    }

    @AfterEach
    void stop() throws Exception {
        running = false;
        for (Service service : services.reversed()) {
            service.stop();
        }
        for (Thread worker : workers) {
            worker.join(Duration.ofSeconds(30));
        }
        for (AutoCloseable closeable : closeables.reversed()) {
            closeable.close();
        }
    }

    @ParameterizedTest(name = "remote scheduler: {0}")
    @ValueSource(booleans = {false, true})
    void aRangeQueryTravelsThroughTheSchedulerToTheWorkersAndIsCached(boolean remote) throws Exception {
        start(remote);
        long start = JAN_1 + 3_600_000L;
        long end = JAN_1 + 3 * DAY - MINUTE;
        String[] params = {"query", "up", "start", QueryRequests.formatSeconds(start), "end", QueryRequests.formatSeconds(end), "step", "60"};

        HttpResponse response = core.routes().get("/prometheus/api/v1/query_range", "tenant-a", params);
        assertThat(response.status()).isEqualTo(200);
        assertThat(body(response)).isEqualTo(matrix("tenant-a", start, end, MINUTE, List.of()));
        assertThat(model.rangeRequests()).hasSize(3);
        assertThat(schedulerCore.simpleMeterRegistry().find("cortex_query_scheduler_queue_duration_seconds").timer().count()).isEqualTo(3);

        HttpResponse cached = core.routes().get("/prometheus/api/v1/query_range", "tenant-a", params);
        assertThat(body(cached)).isEqualTo(body(response));
        assertThat(model.rangeRequests()).hasSize(3);

        HttpResponse labels = core.routes().get("/prometheus/api/v1/labels", "tenant-a");
        assertThat(body(labels)).isEqualTo("{\"status\":\"success\",\"data\":[\"labels\"]}");
    }

    @ParameterizedTest(name = "remote scheduler: {0}")
    @ValueSource(booleans = {false, true})
    void aStoppedSchedulerAnswers503(boolean remote) throws Exception {
        start(remote);
        services.getFirst().stop();
        services.removeFirst();
        HttpResponse response = core.routes().get("/prometheus/api/v1/query", "tenant-a", "query", "up");
        assertThat(response.status()).isEqualTo(503);
    }
}
