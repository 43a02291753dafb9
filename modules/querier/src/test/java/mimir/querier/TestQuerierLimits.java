package mimir.querier;

import static mimir.querier.QuerierFixture.NOW_MS;
import static mimir.querier.QuerierFixture.NOW_S;
import static mimir.querier.QuerierFixture.body;
import static mimir.querier.QuerierFixture.errorJson;
import static mimir.querier.QuerierFixture.ok;
import static mimir.querier.QuerierFixture.ts;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import mimir.model.Labels;
import mimir.spi.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Mimir's per-query limits: each breach an error naming the limit, with Prometheus's status code and errorType. */
class TestQuerierLimits {
    private static final String TENANT = "team-a";
    private static final String STRATEGY = ". Consider reducing the time range and/or number of series selected by the query. One way to reduce the "
            + "number of selected series is to add more label matchers to the query. Otherwise, to adjust the related per-tenant limit, configure -";

    private static QuerierFixture twoSeries(QuerierConfig config) {
        return QuerierFixture.started(config)
                .series(TENANT, Labels.of("__name__", "up", "instance", "a"), 1, 10, 5, 0)
                .series(TENANT, Labels.of("__name__", "up", "instance", "b"), 1, 10, 5, 0);
    }

    private static double rejected(QuerierFixture fixture, String reason) {
        Counter counter = fixture.core.simpleMeterRegistry().find("cortex_querier_queries_rejected_total").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void maxFetchedSeriesPerQuery() {
        QuerierFixture fixture = twoSeries(QuerierConfig.defaults()).limits(TENANT, Map.of("max_fetched_series_per_query", 1));
        HttpResponse response = fixture.get("/api/v1/query", TENANT, "query", "up", "time", NOW_S);
        assertThat(body(response)).isEqualTo(errorJson("execution", "the query exceeded the maximum number of series (limit: 1 series) "
                + "(err-mimir-max-series-per-query)" + STRATEGY + "querier.max-fetched-series-per-query, or contact your service administrator."));
        assertThat(response.status()).isEqualTo(422);
        assertThat(rejected(fixture, "max-fetched-series-per-query")).isEqualTo(1);
        // One series is within the limit, and the series endpoint counts as well.
        ok(fixture.get("/api/v1/query", TENANT, "query", "up{instance=\"a\"}", "time", NOW_S));
        assertThat(fixture.get("/api/v1/series", TENANT, "match[]", "up").status()).isEqualTo(422);
    }

    @Test
    void maxFetchedChunksPerQueryCountsAChunkPer120Samples() {
        QuerierFixture fixture = QuerierFixture.started().limits(TENANT, Map.of("max_fetched_chunks_per_query", 1));
        Labels series = Labels.of("__name__", "busy");
        for (int i = 0; i <= 120; i++) {
            fixture.ingester.add(TENANT, series, NOW_MS - i * 1000L, i);
        }
        ok(fixture.get("/api/v1/query", TENANT, "query", "count_over_time(busy[119s])", "time", NOW_S));
        HttpResponse response = fixture.get("/api/v1/query", TENANT, "query", "count_over_time(busy[121s])", "time", NOW_S);
        assertThat(body(response)).isEqualTo(errorJson("execution", "the query exceeded the maximum number of chunks (limit: 1 chunks) "
                + "(err-mimir-max-chunks-per-query)" + STRATEGY + "querier.max-fetched-chunks-per-query, or contact your service administrator."));
        assertThat(response.status()).isEqualTo(422);
        assertThat(rejected(fixture, "max-fetched-chunks-per-query")).isEqualTo(1);
    }

    @Test
    void maxFetchedChunkBytesPerQuery() {
        QuerierFixture fixture = twoSeries(QuerierConfig.defaults()).limits(TENANT, Map.of("max_fetched_chunk_bytes_per_query", 10));
        ok(fixture.get("/api/v1/query_range", TENANT, "query", "up{instance=\"a\"}", "start", ts(10), "end", NOW_S, "step", "5m"));
        HttpResponse response = fixture.get("/api/v1/query_range", TENANT, "query", "up", "start", ts(10), "end", NOW_S, "step", "5m");
        assertThat(body(response)).isEqualTo(errorJson("execution", "the query exceeded the aggregated chunks size limit (limit: 10 bytes) "
                + "(err-mimir-max-chunks-bytes-per-query)" + STRATEGY + "querier.max-fetched-chunk-bytes-per-query, or contact your service administrator."));
        assertThat(response.status()).isEqualTo(422);
    }

    @Test
    void maxQueryLengthCountsTheSelectorsLookback() {
        QuerierFixture fixture = twoSeries(QuerierConfig.defaults()).limits(TENANT, Map.of("max_partial_query_length", "1h"));
        ok(fixture.get("/api/v1/query_range", TENANT, "query", "up", "start", ts(55), "end", NOW_S, "step", "5m"));
        HttpResponse response = fixture.get("/api/v1/query_range", TENANT, "query", "up", "start", ts(60), "end", NOW_S, "step", "5m");
        assertThat(body(response)).isEqualTo(errorJson("execution", "the query time range exceeds the limit (query length: 1h4m59.999s, limit: 1h0m0s) "
                + "(err-mimir-max-query-length). To adjust the related per-tenant limit, configure -querier.max-partial-query-length, "
                + "or contact your service administrator."));
        assertThat(response.status()).isEqualTo(422);
        assertThat(fixture.get("/api/v1/query", TENANT, "query", "rate(up[2h])", "time", NOW_S).status()).isEqualTo(422);
        // Metadata queries are not PromQL queries: the partial query length does not apply to them.
        ok(fixture.get("/api/v1/series", TENANT, "match[]", "up"));
    }

    @Test
    void maxQueryLookbackClampsTheStart() {
        QuerierFixture fixture = QuerierFixture.started().limits(TENANT, Map.of("max_query_lookback", "1h"))
                .series(TENANT, Labels.of("__name__", "up"), 1, 120, 30, 0);
        assertThat(ok(fixture.get("/api/v1/query_range", TENANT, "query", "up", "start", ts(180), "end", NOW_S, "step", "30m"))).isEqualTo(
                "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"__name__\":\"up\"},\"values\":[["
                        + ts(30) + ",\"1\"],[" + ts(0) + ",\"1\"]]}]}}");
        assertThat(ok(fixture.get("/api/v1/query", TENANT, "query", "up", "time", ts(120))))
                .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}");
    }

    @Test
    void ingestersAreAskedOnlyWithinQueryIngestersWithin() {
        QuerierFixture fixture = QuerierFixture.started().limits(TENANT, Map.of("query_ingesters_within", "1h"))
                .series(TENANT, Labels.of("__name__", "up"), 1, 120, 0);
        int before = fixture.ingester.queriersOpened;
        assertThat(ok(fixture.get("/api/v1/query", TENANT, "query", "up", "time", ts(120))))
                .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}");
        assertThat(fixture.ingester.queriersOpened).isEqualTo(before);
        ok(fixture.get("/api/v1/query", TENANT, "query", "up", "time", NOW_S));
        assertThat(fixture.ingester.queriersOpened).isEqualTo(before + 1);
    }

    @Test
    void maxSamplesFailsTheQueryWithPrometheusMessage() {
        QuerierFixture fixture = twoSeries(QuerierConfig.defaults().withEngine(Duration.ofMinutes(2), 5));
        ok(fixture.get("/api/v1/query", TENANT, "query", "up", "time", NOW_S));
        HttpResponse response = fixture.get("/api/v1/query_range", TENANT, "query", "up", "start", ts(10), "end", NOW_S, "step", "1m");
        assertThat(body(response)).isEqualTo(errorJson("execution", "query processing would load too many samples into memory in query execution"));
        assertThat(response.status()).isEqualTo(422);
    }

    @Test
    void timeoutParameterAndFlagStopTheQuery() {
        QuerierFixture fixture = twoSeries(QuerierConfig.defaults());
        // The storage takes longer than the query may: 20 ms per querier against a 1 ms timeout.
        fixture.ingester.onQuerier = () -> sleep(20);
        HttpResponse response = fixture.get("/api/v1/query", TENANT, "query", "up", "time", NOW_S, "timeout", "1ms");
        assertThat(body(response)).isEqualTo(errorJson("timeout", "query timed out in expression evaluation"));
        assertThat(response.status()).isEqualTo(503);

        QuerierFixture flagged = twoSeries(QuerierConfig.defaults().withEngine(Duration.ofMillis(1), 50_000_000));
        flagged.ingester.onQuerier = () -> sleep(20);
        // A longer timeout parameter does not extend -querier.timeout.
        assertThat(flagged.get("/api/v1/query", TENANT, "query", "up", "time", NOW_S, "timeout", "1h").status()).isEqualTo(503);
    }

    @Test
    void queriesBeyondMaxConcurrentWaitInsteadOfFailing() throws Exception {
        QuerierConfig config = QuerierConfig.defaults().withMaxConcurrent(4);
        QuerierFixture fixture = twoSeries(config);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        CountDownLatch fourInside = new CountDownLatch(4);
        fixture.ingester.onQuerier = () -> {
            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            fourInside.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inside.decrementAndGet();
        };
        List<CompletableFuture<HttpResponse>> responses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            CompletableFuture<HttpResponse> response = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> response.complete(fixture.get("/api/v1/query", TENANT, "query", "up", "time", NOW_S)));
            responses.add(response);
        }
        assertThat(fourInside.await(30, TimeUnit.SECONDS)).isTrue();
        Thread fifth = Thread.ofPlatform().start(() -> responses.add(CompletableFuture.completedFuture(
                fixture.get("/api/v1/query", TENANT, "query", "up", "time", NOW_S))));
        // Bounded wait until the fifth query is parked on the semaphore.
        for (int i = 0; i < 3000 && fifth.getState() != Thread.State.TIMED_WAITING && fifth.getState() != Thread.State.WAITING; i++) {
            Thread.sleep(1);
        }
        assertThat(inside.get()).isEqualTo(4);
        release.countDown();
        fifth.join(30_000);
        for (CompletableFuture<HttpResponse> response : responses) {
            assertThat(response.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        assertThat(responses).hasSize(5);
        assertThat(maxInside.get()).isEqualTo(4);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
