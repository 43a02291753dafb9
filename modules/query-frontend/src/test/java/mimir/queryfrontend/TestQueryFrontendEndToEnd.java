package mimir.queryfrontend;

import static mimir.queryfrontend.TestingQuerierModel.body;
import static mimir.queryfrontend.TestingQuerierModel.matrix;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import mimir.queryscheduler.QuerySchedulerProvider;
import mimir.queryscheduler.client.ScheduledRequest;
import mimir.queryscheduler.client.SchedulerForQuerier;
import mimir.spi.ComponentProvider;
import mimir.spi.http.HttpResponse;
import mimir.spi.limits.Limits;
import mimir.spi.service.Service;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingCoreServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real query-scheduler between the frontend and querier worker threads that answer from the model. */
class TestQueryFrontendEndToEnd {
    private static final long JAN_1 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final long DAY = 86_400_000L;
    private static final long MINUTE = 60_000L;

    private final TestingQuerierModel model = new TestingQuerierModel();
    private final List<Thread> workers = new ArrayList<>();
    private final List<Service> services = new ArrayList<>();
    private volatile boolean running = true;
    private TestingCoreServices core;

    private void start() throws Exception {
        List<ComponentProvider> providers = List.of(new QuerySchedulerProvider(), new QueryFrontendProvider());
        TestingConfigValues config = TestQueryFrontend.defaultConfig(providers.toArray(ComponentProvider[]::new))
                .with(QueryFrontendConfig.CACHE_RESULTS, true);
        core = new TestingCoreServices(config, null, Limits.defaults(), Instant.parse("2026-01-10T12:00:00Z"), Set.of("query-frontend", "query-scheduler"));
        for (ComponentProvider provider : providers) {
            services.addAll(provider.create(core, config));
        }
        for (Service service : services) {
            service.start(cause -> {
                throw new AssertionError(cause);
            });
        }
        SchedulerForQuerier scheduler = core.localInstances().find(SchedulerForQuerier.class).orElseThrow();
        for (int i = 0; i < 2; i++) {
            String querierId = "querier-" + i;
            workers.add(Thread.ofVirtual().start(() -> {
                while (running) {
                    try {
                        Optional<ScheduledRequest> next = scheduler.next(querierId, Duration.ofMillis(100));
                        next.ifPresent(request -> request.complete(model.answer(request.tenant(), request.request())));
                    }
                    catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
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
    }

    @Test
    void aRangeQueryTravelsThroughTheSchedulerToTheWorkersAndIsCached() throws Exception {
        start();
        long start = JAN_1 + 3_600_000L;
        long end = JAN_1 + 3 * DAY - MINUTE;
        String[] params = {"query", "up", "start", QueryRequests.formatSeconds(start), "end", QueryRequests.formatSeconds(end), "step", "60"};

        HttpResponse response = core.routes().get("/prometheus/api/v1/query_range", "tenant-a", params);
        assertThat(response.status()).isEqualTo(200);
        assertThat(body(response)).isEqualTo(matrix("tenant-a", start, end, MINUTE, List.of()));
        assertThat(model.rangeRequests()).hasSize(3);
        assertThat(core.simpleMeterRegistry().find("cortex_query_scheduler_queue_duration_seconds").timer().count()).isEqualTo(3);

        HttpResponse cached = core.routes().get("/prometheus/api/v1/query_range", "tenant-a", params);
        assertThat(body(cached)).isEqualTo(body(response));
        assertThat(model.rangeRequests()).hasSize(3);

        HttpResponse labels = core.routes().get("/prometheus/api/v1/labels", "tenant-a");
        assertThat(body(labels)).isEqualTo("{\"status\":\"success\",\"data\":[\"labels\"]}");
    }

    @Test
    void aStoppedSchedulerAnswers503() throws Exception {
        start();
        services.getFirst().stop();
        services.removeFirst();
        HttpResponse response = core.routes().get("/prometheus/api/v1/query", "tenant-a", "query", "up");
        assertThat(response.status()).isEqualTo(503);
    }
}
