package mimir.querier;

import static mimir.querier.QuerierFixture.NOW_S;
import static mimir.querier.QuerierFixture.body;
import static mimir.querier.QuerierFixture.errorJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import mimir.model.Labels;
import mimir.queryscheduler.client.ScheduledRequest;
import mimir.queryscheduler.client.SchedulerForQuerier;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** With the query-frontend in the process the querier serves no Prometheus routes and executes scheduled requests in its workers. */
class TestQuerierWorkers {
    private static final Set<String> WITH_FRONTEND = Set.of("querier", "ingester", "query-frontend", "query-scheduler");

    private final TestingScheduler scheduler = new TestingScheduler();
    private QuerierFixture fixture;

    private QuerierFixture startWithFrontend() {
        fixture = new QuerierFixture(QuerierConfig.defaults().withMaxConcurrent(4), WITH_FRONTEND, true);
        fixture.core.testingLocalInstances().register(SchedulerForQuerier.class, scheduler);
        fixture.series("team-a", Labels.of("__name__", "up", "instance", "a"), 1, 0);
        fixture.start();
        return fixture;
    }

    @AfterEach
    void stop() throws Exception {
        if (fixture != null) {
            fixture.querier.stop();
        }
    }

    @Test
    void routesAreLeftToTheFrontendAndWorkersAnswerScheduledRequests() throws Exception {
        startWithFrontend();
        assertThat(fixture.core.routes().has(QuerierFixture.PREFIX + "/api/v1/query")).isFalse();
        assertThat(fixture.core.routes().has(QuerierFixture.PREFIX + "/api/v1/series")).isFalse();
        assertThat(fixture.core.routes().has("/api/v1/user_stats")).isTrue();

        TestingRequest request = scheduler.enqueue("team-a", get("/prometheus/api/v1/query", "query", "up", "time", NOW_S));
        HttpResponse response = request.result.get(30, TimeUnit.SECONDS);
        assertThat(body(response)).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":"
                + "{\"__name__\":\"up\",\"instance\":\"a\"},\"value\":[" + NOW_S + ",\"1\"]}]}}");

        TestingRequest bad = scheduler.enqueue("team-a", get("/prometheus/api/v1/query_range", "query", "up"));
        assertThat(body(bad.result.get(30, TimeUnit.SECONDS))).isEqualTo(errorJson("bad_data", "invalid parameter \"start\": cannot parse \"\" to a valid timestamp"));
        TestingRequest other = scheduler.enqueue("team-b", get("/prometheus/api/v1/series", "match[]", "up"));
        assertThat(body(other.result.get(30, TimeUnit.SECONDS))).isEqualTo("{\"status\":\"success\",\"data\":[]}");
        assertThat(scheduler.querierIds).allMatch(id -> !id.isEmpty());
    }

    @Test
    void cancellingTheRequestStopsTheRunningQuery() throws Exception {
        startWithFrontend();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        fixture.ingester.onQuerier = () -> {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        TestingRequest request = scheduler.enqueue("team-a", get("/prometheus/api/v1/query", "query", "up", "time", NOW_S));
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        request.cancel();
        release.countDown();
        HttpResponse response = request.result.get(30, TimeUnit.SECONDS);
        assertThat(body(response)).isEqualTo(errorJson("canceled", "query was canceled in expression evaluation"));
        assertThat(response.status()).isEqualTo(499);
    }

    @Test
    void stoppingTellsTheSchedulerTheQuerierIsGone() throws Exception {
        startWithFrontend();
        fixture.querier.stop();
        assertThat(scheduler.shutdownNotified).hasSize(1);
        fixture = null;
    }

    @Test
    void startFailsWithoutTheIngesterRingOrWithAFrontendButNoScheduler() {
        QuerierFixture noIngester = new QuerierFixture(QuerierConfig.defaults(), Set.of("querier"), false);
        assertThatThrownBy(noIngester::start).rootCause().hasMessageStartingWith("querier: the ingester-ring module is not running");

        QuerierFixture noScheduler = new QuerierFixture(QuerierConfig.defaults(), WITH_FRONTEND, true);
        assertThatThrownBy(noScheduler::start).rootCause()
                .hasMessageStartingWith("querier: the query-frontend runs in this process but no query-scheduler does")
                .hasMessageContaining("set -querier.scheduler-address to use a query-scheduler in another process");
    }

    private static HttpRequest get(String path, String... params) {
        Map<String, List<String>> map = new HashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            map.computeIfAbsent(params[i], k -> new ArrayList<>()).add(params[i + 1]);
        }
        return new HttpRequest("GET", path, map, Map.of(), new byte[0], Optional.empty());
    }

    /** A scheduler queue the test fills. */
    static final class TestingScheduler implements SchedulerForQuerier {
        private final BlockingQueue<ScheduledRequest> queue = new LinkedBlockingQueue<>();
        final List<String> querierIds = new CopyOnWriteArrayList<>();
        final List<String> shutdownNotified = new CopyOnWriteArrayList<>();

        TestingRequest enqueue(String tenant, HttpRequest request) {
            TestingRequest scheduled = new TestingRequest(tenant, request);
            queue.add(scheduled);
            return scheduled;
        }

        @Override
        public Optional<ScheduledRequest> next(String querierId, Duration timeout) throws InterruptedException {
            querierIds.add(querierId);
            return Optional.ofNullable(queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS));
        }

        @Override
        public void notifyQuerierShutdown(String querierId) {
            shutdownNotified.add(querierId);
        }
    }

    /** A scheduled request whose outcome lands in a future. */
    static final class TestingRequest implements ScheduledRequest {
        private final String tenant;
        private final HttpRequest request;
        private final List<Runnable> onCancel = new CopyOnWriteArrayList<>();
        private volatile boolean cancelled;
        final CompletableFuture<HttpResponse> result = new CompletableFuture<>();

        TestingRequest(String tenant, HttpRequest request) {
            this.tenant = tenant;
            this.request = request;
        }

        void cancel() {
            cancelled = true;
            onCancel.forEach(Runnable::run);
        }

        @Override
        public String tenant() {
            return tenant;
        }

        @Override
        public HttpRequest request() {
            return request;
        }

        @Override
        public Duration queueTime() {
            return Duration.ZERO;
        }

        @Override
        public boolean cancelled() {
            return cancelled;
        }

        @Override
        public void onCancel(Runnable action) {
            if (cancelled) {
                action.run();
            }
            else {
                onCancel.add(action);
            }
        }

        @Override
        public void complete(HttpResponse response) {
            if (!result.complete(response)) {
                throw new AssertionError("completed twice");
            }
        }

        @Override
        public void fail(Throwable failure) {
            if (!result.completeExceptionally(failure)) {
                throw new AssertionError("completed twice");
            }
        }
    }
}
