package mimir.queryscheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import mimir.queryscheduler.client.ScheduledRequest;
import mimir.queryscheduler.client.SchedulerForFrontend;
import mimir.queryscheduler.client.SchedulerForQuerier;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.Setting;
import mimir.spi.http.HttpException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.limits.Limits;
import mimir.spi.service.Service;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingCoreServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TestQueryScheduler {
    private static final Duration NO_WAIT = Duration.ZERO;

    private TestingCoreServices core;
    private SchedulerForFrontend frontend;
    private SchedulerForQuerier querier;
    private Service service;

    private void startScheduler(int maxOutstanding) throws Exception {
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
                .with(QuerySchedulerConfig.MAX_OUTSTANDING_REQUESTS_PER_TENANT, maxOutstanding);
        core = new TestingCoreServices(config, null, Limits.defaults(), Instant.parse("2026-01-01T00:00:00Z"), Set.of("query-scheduler"));
        List<Service> services = provider.create(core, config);
        service = services.getFirst();
        service.start(cause -> {
            throw new AssertionError(cause);
        });
        frontend = core.localInstances().find(SchedulerForFrontend.class).orElseThrow();
        querier = core.localInstances().find(SchedulerForQuerier.class).orElseThrow();
    }

    @AfterEach
    void stop() throws Exception {
        if (service != null) {
            service.stop();
        }
    }

    private static HttpRequest request(String query) {
        return new HttpRequest("GET", "/api/v1/query", Map.of("query", List.of(query)), Map.of(), new byte[0], Optional.empty());
    }

    /** Calls {@code next} with a long timeout on another thread. */
    private CompletableFuture<Optional<ScheduledRequest>> waitForNext(String querierId) {
        CompletableFuture<Optional<ScheduledRequest>> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(querier.next(querierId, Duration.ofMinutes(5)));
            }
            catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private double counter(String name, String... tags) {
        var counter = core.simpleMeterRegistry().find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    private double gauge(String name, String... tags) {
        var gauge = core.simpleMeterRegistry().find(name).tags(tags).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    @Test
    void registersBothInterfacesInProcess() throws Exception {
        startScheduler(100);
        assertThat(frontend).isSameAs(querier);
    }

    @Test
    void aTenantWithOneRequestIsServedWithinTwoDequeuesBehindATenantWithFifty() throws Exception {
        startScheduler(100);
        for (int i = 0; i < 50; i++) {
            frontend.enqueue("tenant-a", request("a" + i));
        }
        frontend.enqueue("tenant-b", request("b0"));
        assertThat(gauge("cortex_query_scheduler_queue_length", "user", "tenant-a")).isEqualTo(50);

        List<String> served = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            served.add(querier.next("querier-1", NO_WAIT).orElseThrow().tenant());
        }
        assertThat(served).contains("tenant-b");
        // Tenant A's own requests stay in order.
        assertThat(querier.next("querier-1", NO_WAIT).orElseThrow().request().param("query")).contains("a1");
        assertThat(gauge("cortex_query_scheduler_queue_length", "user", "tenant-a")).isEqualTo(48);
        assertThat(gauge("cortex_query_scheduler_connected_querier_clients")).isEqualTo(1);
    }

    @Test
    void requestsBeyondTheOutstandingLimitAre429AndCounted() throws Exception {
        startScheduler(3);
        for (int i = 0; i < 3; i++) {
            frontend.enqueue("tenant-a", request("q"));
        }
        assertThatThrownBy(() -> frontend.enqueue("tenant-a", request("q")))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(429))
                .hasMessage("too many outstanding requests");
        assertThat(counter("cortex_query_scheduler_discarded_requests", "user", "tenant-a")).isEqualTo(1);
        // Other tenants have their own budget, and a dequeue frees a slot.
        frontend.enqueue("tenant-b", request("q"));
        querier.next("querier-1", NO_WAIT).orElseThrow();
        frontend.enqueue("tenant-a", request("q"));
    }

    @Test
    void theQuerierResponseCompletesTheFrontendsFuture() throws Exception {
        startScheduler(100);
        CompletableFuture<HttpResponse> future = frontend.enqueue("tenant-a", request("up"));
        ScheduledRequest scheduled = querier.next("querier-1", NO_WAIT).orElseThrow();
        assertThat(future).isNotDone();
        scheduled.complete(HttpResponse.json(200, "{}"));
        assertThat(future.get().status()).isEqualTo(200);

        CompletableFuture<HttpResponse> failing = frontend.enqueue("tenant-a", request("up"));
        querier.next("querier-1", NO_WAIT).orElseThrow().fail(new HttpException(422, "bad"));
        assertThatThrownBy(failing::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(HttpException.class);
        assertThat(core.simpleMeterRegistry().find("cortex_query_scheduler_queue_duration_seconds").timer().count()).isEqualTo(2);
    }

    @Test
    void cancellingAQueuedRequestRemovesItFromTheQueue() throws Exception {
        startScheduler(1);
        CompletableFuture<HttpResponse> future = frontend.enqueue("tenant-a", request("first"));
        future.cancel(true);
        assertThat(querier.next("querier-1", NO_WAIT)).isEmpty();
        // The cancelled request no longer counts against the limit.
        frontend.enqueue("tenant-a", request("second"));
        assertThat(querier.next("querier-1", NO_WAIT).orElseThrow().request().param("query")).contains("second");
    }

    @Test
    void cancellingARunningRequestTellsTheQuerier() throws Exception {
        startScheduler(100);
        CompletableFuture<HttpResponse> future = frontend.enqueue("tenant-a", request("slow"));
        ScheduledRequest scheduled = querier.next("querier-1", NO_WAIT).orElseThrow();
        AtomicInteger cancelCalls = new AtomicInteger();
        scheduled.onCancel(cancelCalls::incrementAndGet);
        assertThat(scheduled.cancelled()).isFalse();

        future.cancel(true);
        assertThat(cancelCalls).hasValue(1);
        assertThat(scheduled.cancelled()).isTrue();
        // A late registration runs at once; a late response is ignored.
        scheduled.onCancel(cancelCalls::incrementAndGet);
        assertThat(cancelCalls).hasValue(2);
        scheduled.complete(HttpResponse.json(200, "{}"));
        assertThatThrownBy(future::get).isInstanceOf(CancellationException.class);
    }

    @Test
    void stopFailsQueuedRequestsWith503AndLeavesRunningOnesToFinish() throws Exception {
        startScheduler(100);
        CompletableFuture<HttpResponse> running = frontend.enqueue("tenant-a", request("q"));
        ScheduledRequest scheduled = querier.next("querier-1", NO_WAIT).orElseThrow();
        CompletableFuture<HttpResponse> queued = frontend.enqueue("tenant-b", request("q"));

        service.stop();
        service = null;
        assertThatThrownBy(queued::get).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(503));
        assertThat(running).isNotDone();
        scheduled.complete(HttpResponse.json(200, "{}"));
        assertThat(running.get().status()).isEqualTo(200);
        assertThatThrownBy(() -> frontend.enqueue("tenant-a", request("q")))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.status()).isEqualTo(503));
        assertThat(querier.next("querier-1", Duration.ofMinutes(5))).isEmpty();
    }

    @Test
    void stopReleasesAQuerierWaitingForWork() throws Exception {
        startScheduler(100);
        CompletableFuture<Optional<ScheduledRequest>> waiter = waitForNext("querier-1");
        // Whether the waiter is already blocked when stop comes or calls next() after it, it gets nothing.
        service.stop();
        service = null;
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void maxQueriersPerTenantKeepsATenantOnItsShard() throws Exception {
        startScheduler(100);
        core.testingOverrides().set(Map.of("tenant-a", Limits.defaults().withOverrides(Map.of("max_queriers_per_tenant", "1"))));
        List<String> queriers = List.of("querier-1", "querier-2", "querier-3");
        for (String id : queriers) {
            assertThat(querier.next(id, NO_WAIT)).isEmpty();
        }
        for (int i = 0; i < 6; i++) {
            frontend.enqueue("tenant-a", request("a" + i));
        }
        List<String> serving = new ArrayList<>();
        for (String id : queriers) {
            if (querier.next(id, NO_WAIT).isPresent()) {
                serving.add(id);
            }
        }
        assertThat(serving).hasSize(1);
        for (String id : queriers) {
            if (!serving.contains(id)) {
                assertThat(querier.next(id, NO_WAIT)).isEmpty();
            }
        }
        // When the shard's querier leaves, another one takes over.
        querier.notifyQuerierShutdown(serving.getFirst());
        int served = 0;
        for (String id : queriers) {
            if (!id.equals(serving.getFirst()) && querier.next(id, NO_WAIT).isPresent()) {
                served++;
            }
        }
        assertThat(served).isEqualTo(1);
    }

    @Test
    void aQuerierThatShutsDownIsReleasedAndForgotten() throws Exception {
        startScheduler(100);
        CompletableFuture<Optional<ScheduledRequest>> waiter = waitForNext("querier-1");
        // The querier registers and starts waiting under one hold of the scheduler's lock, so once it is
        // counted as connected it is waiting.
        for (int i = 0; i < 3000 && gauge("cortex_query_scheduler_connected_querier_clients") < 1; i++) {
            Thread.sleep(10);
        }
        assertThat(gauge("cortex_query_scheduler_connected_querier_clients")).isEqualTo(1);
        querier.notifyQuerierShutdown("querier-1");
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isEmpty();
        assertThat(gauge("cortex_query_scheduler_connected_querier_clients")).isZero();
    }
}
