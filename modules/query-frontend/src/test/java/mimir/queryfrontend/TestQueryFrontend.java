package mimir.queryfrontend;

import static mimir.queryfrontend.TestingQuerierModel.body;
import static mimir.queryfrontend.TestingQuerierModel.matrix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import mimir.queryfrontend.TestingQuerierModel.Received;
import mimir.queryscheduler.client.SchedulerForFrontend;
import mimir.spi.ComponentProvider;
import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.Setting;
import mimir.spi.config.SharedSettings;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.limits.Limits;
import mimir.spi.service.Service;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingCoreServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TestQueryFrontend {
    static final Instant NOW = Instant.parse("2026-01-10T12:00:00Z");
    static final long DAY = 86_400_000L;
    static final long MINUTE = 60_000L;
    static final long JAN_1 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    static final String RANGE = "/prometheus/api/v1/query_range";

    private final TestingScheduler scheduler = new TestingScheduler();
    private TestingCoreServices core;
    private Service service;

    /** Builds and starts the frontend with the given settings changed from their defaults. */
    private void startFrontend(Map<Setting<?>, Object> settings) throws Exception {
        QueryFrontendProvider provider = new QueryFrontendProvider();
        TestingConfigValues config = defaultConfig(provider);
        for (Map.Entry<Setting<?>, Object> entry : settings.entrySet()) {
            config = with(config, entry.getKey(), entry.getValue());
        }
        core = new TestingCoreServices(config, null, Limits.defaults(), NOW, Set.of("query-frontend", "query-scheduler"));
        core.localInstances().register(SchedulerForFrontend.class, scheduler);
        service = provider.create(core, config).getFirst();
        service.start(cause -> {
            throw new AssertionError(cause);
        });
    }

    /** Default values for every setting the providers register, and the Prometheus prefix that core registers. */
    static TestingConfigValues defaultConfig(ComponentProvider... providers) {
        List<Setting<?>> registered = new ArrayList<>(List.of(SharedSettings.PROMETHEUS_HTTP_PREFIX));
        ConfigRegistry registry = new ConfigRegistry() {
            @Override
            public <T> Setting<T> register(Setting<T> setting) {
                registered.add(setting);
                return setting;
            }
        };
        for (ComponentProvider provider : providers) {
            provider.registerConfig(registry);
        }
        return TestingConfigValues.defaults(registered);
    }

    @SuppressWarnings("unchecked")
    private static <T> TestingConfigValues with(TestingConfigValues config, Setting<T> setting, Object value) {
        return config.with(setting, (T) value);
    }

    private void startFrontend() throws Exception {
        startFrontend(Map.of());
    }

    private void startCachingFrontend() throws Exception {
        startFrontend(Map.of(QueryFrontendConfig.CACHE_RESULTS, true));
    }

    @AfterEach
    void stop() throws Exception {
        if (service != null) {
            service.stop();
        }
    }

    private HttpResponse queryRange(String tenant, String query, long start, long end, long step) {
        return core.routes().get(RANGE, tenant, "query", query, "start", QueryRequests.formatSeconds(start),
                "end", QueryRequests.formatSeconds(end), "step", QueryRequests.formatSeconds(step));
    }

    private void setLimits(String tenant, Map<String, Object> overrides) {
        Map<String, Limits> all = new HashMap<>(core.testingOverrides().tenantOverrides());
        all.put(tenant, Limits.defaults().withOverrides(overrides));
        core.testingOverrides().set(all);
    }

    private double counter(String name, String... tags) {
        var counter = core.simpleMeterRegistry().find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aSplitRangeQueryEqualsTheUnsplitAnswer() throws Exception {
        startFrontend();
        long start = JAN_1 + 6 * 3_600_000L;
        long end = JAN_1 + 2 * DAY + 18 * 3_600_000L;
        long step = 5 * MINUTE;
        HttpResponse response = queryRange("tenant-a", "up", start, end, step);

        assertThat(response.status()).isEqualTo(200);
        assertThat(body(response)).isEqualTo(matrix("tenant-a", start, end, step, List.of()));
        // Split at day boundaries, each part ending on the last step before midnight.
        assertThat(scheduler.model.rangeRequests()).extracting(Received::start, Received::end).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(start, JAN_1 + DAY - step),
                org.assertj.core.groups.Tuple.tuple(JAN_1 + DAY, JAN_1 + 2 * DAY - step),
                org.assertj.core.groups.Tuple.tuple(JAN_1 + 2 * DAY, end));
        assertThat(counter("cortex_frontend_split_queries")).isEqualTo(3);
        assertThat(counter("cortex_query_frontend_queries", "op", "query_range", "user", "tenant-a")).isEqualTo(1);
    }

    @Test
    void aStepThatDoesNotDivideTheDayStillMergesWithoutDuplicates() throws Exception {
        startFrontend();
        long start = JAN_1 + 7 * MINUTE;
        long step = 7 * MINUTE; // 1440 minutes are not a multiple of 7
        long end = start + 600 * step;
        HttpResponse response = queryRange("tenant-a", "up", start, end, step);
        assertThat(body(response)).isEqualTo(matrix("tenant-a", start, end, step, List.of()));
        for (Received part : scheduler.model.rangeRequests()) {
            assertThat((part.start() - start) % step).isZero();
        }
    }

    @Test
    void splittingDisabledSendsOneRequestAndPassesTheResponseThrough() throws Exception {
        startFrontend(Map.of(QueryFrontendConfig.SPLIT_QUERIES_BY_INTERVAL, Duration.ZERO));
        long start = JAN_1;
        long end = JAN_1 + 3 * DAY;
        HttpResponse response = queryRange("tenant-a", "up", start, end, 30 * MINUTE);
        assertThat(body(response)).isEqualTo(matrix("tenant-a", start, end, 30 * MINUTE, List.of()));
        assertThat(scheduler.model.rangeRequests()).hasSize(1);
    }

    @Test
    void warningsOfThePartsAreMergedOnce() throws Exception {
        startFrontend();
        HttpResponse response = queryRange("tenant-a", "warn", JAN_1, JAN_1 + 2 * DAY + MINUTE, MINUTE);
        long day = JAN_1 / DAY;
        assertThat(body(response)).endsWith("\"warnings\":[\"day " + day + "\",\"common warning\",\"day " + (day + 1) + "\",\"day " + (day + 2) + "\"]}");
    }

    @Test
    void aRepeatedQueryIsAnsweredFromTheCache() throws Exception {
        startCachingFrontend();
        long start = JAN_1;
        long end = JAN_1 + 3 * DAY - MINUTE;
        HttpResponse first = queryRange("tenant-a", "up", start, end, MINUTE);
        assertThat(scheduler.model.rangeRequests()).hasSize(3);
        assertThat(counter("cortex_frontend_query_result_cache_requests", "request_type", "query_range")).isEqualTo(3);
        assertThat(counter("cortex_frontend_query_result_cache_hits", "request_type", "query_range")).isZero();

        HttpResponse second = queryRange("tenant-a", "up", start, end, MINUTE);
        assertThat(scheduler.model.rangeRequests()).hasSize(3);
        assertThat(counter("cortex_frontend_query_result_cache_hits", "request_type", "query_range")).isEqualTo(3);
        assertThat(body(second)).isEqualTo(body(first)).isEqualTo(matrix("tenant-a", start, end, MINUTE, List.of()));

        // A wider range reuses the cached extents and asks only for what is new.
        HttpResponse wider = queryRange("tenant-a", "up", start, end + 2 * DAY, MINUTE);
        assertThat(body(wider)).isEqualTo(matrix("tenant-a", start, end + 2 * DAY, MINUTE, List.of()));
        assertThat(scheduler.model.rangeRequests()).hasSize(5);
    }

    @Test
    void resultsNewerThanTheFreshnessLimitAreNeverCached() throws Exception {
        startCachingFrontend();
        long end = NOW.toEpochMilli();
        long start = end - 2 * 3_600_000L;
        queryRange("tenant-a", "up", start, end, MINUTE);
        int before = scheduler.model.rangeRequests().size();

        HttpResponse again = queryRange("tenant-a", "up", start, end, MINUTE);
        assertThat(body(again)).isEqualTo(matrix("tenant-a", start, end, MINUTE, List.of()));
        List<Received> refetched = scheduler.model.rangeRequests().subList(before, scheduler.model.rangeRequests().size());
        // Only the last 10 minutes (max_cache_freshness) are asked for again.
        assertThat(refetched).singleElement().satisfies(r -> {
            assertThat(r.start()).isEqualTo(end - 10 * MINUTE + MINUTE);
            assertThat(r.end()).isEqualTo(end);
        });
    }

    @Test
    void aQueryEntirelyWithinTheFreshnessLimitSkipsTheCache() throws Exception {
        startCachingFrontend();
        long end = NOW.toEpochMilli();
        queryRange("tenant-a", "up", end - 5 * MINUTE, end, MINUTE);
        queryRange("tenant-a", "up", end - 5 * MINUTE, end, MINUTE);
        assertThat(scheduler.model.rangeRequests()).hasSize(2);
        assertThat(counter("cortex_frontend_query_result_cache_requests", "request_type", "query_range")).isZero();
    }

    @Test
    void tenantsNeverShareCacheEntries() throws Exception {
        startCachingFrontend();
        long start = JAN_1;
        long end = JAN_1 + DAY - MINUTE;
        queryRange("tenant-a", "up", start, end, MINUTE);
        HttpResponse other = queryRange("tenant-b", "up", start, end, MINUTE);
        assertThat(body(other)).isEqualTo(matrix("tenant-b", start, end, MINUTE, List.of()));
        assertThat(scheduler.model.rangeRequests()).extracting(Received::tenant).containsExactly("tenant-a", "tenant-b");
    }

    @Test
    void cacheControlNoStoreBypassesTheCache() throws Exception {
        startCachingFrontend();
        long start = JAN_1;
        long end = JAN_1 + DAY - MINUTE;
        queryRange("tenant-a", "up", start, end, MINUTE);
        Map<String, List<String>> params = Map.of("query", List.of("up"), "start", List.of(QueryRequests.formatSeconds(start)),
                "end", List.of(QueryRequests.formatSeconds(end)), "step", List.of("60"));
        HttpResponse response = core.routes().call(new HttpRequest("GET", RANGE, params,
                Map.of("x-scope-orgid", List.of("tenant-a"), "cache-control", List.of("no-store")), new byte[0], Optional.empty()));
        assertThat(body(response)).isEqualTo(matrix("tenant-a", start, end, MINUTE, List.of()));
        assertThat(scheduler.model.rangeRequests()).hasSize(2);
        assertThat(counter("cortex_frontend_query_result_cache_hits", "request_type", "query_range")).isZero();
    }

    @Test
    void blockedQueriesAreRejectedWithMimirsMessage() throws Exception {
        startFrontend();
        setLimits("tenant-a", Map.of("blocked_queries", List.of(Map.of("pattern", "up"), Map.of("pattern", "rate\\(.*\\)", "regex", "true"))));

        for (String query : List.of("up", " up ", "rate(http_requests_total[5m])")) {
            HttpResponse response = queryRange("tenant-a", query, JAN_1, JAN_1 + 3_600_000L, MINUTE);
            assertThat(response.status()).isEqualTo(400);
            assertThat(body(response)).isEqualTo("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":"
                    + "\"the request has been blocked by the cluster administrator (err-mimir-query-blocked)\"}");
        }
        HttpResponse instant = core.routes().get("/prometheus/api/v1/query", "tenant-a", "query", "up");
        assertThat(instant.status()).isEqualTo(400);
        assertThat(scheduler.model.received).isEmpty();
        assertThat(counter("cortex_query_frontend_rejected_queries", "user", "tenant-a", "reason", "blocked")).isEqualTo(4);

        // Not blocked: a different query, and the same query of another tenant.
        assertThat(queryRange("tenant-a", "up{job=\"a\"}", JAN_1, JAN_1 + 3_600_000L, MINUTE).status()).isEqualTo(200);
        assertThat(queryRange("tenant-b", "up", JAN_1, JAN_1 + 3_600_000L, MINUTE).status()).isEqualTo(200);
    }

    @Test
    void aFederatedQueryIsBlockedWhenOneTenantBlocksIt() throws Exception {
        startFrontend();
        setLimits("tenant-b", Map.of("blocked_queries", List.of(Map.of("pattern", "up"))));
        assertThat(queryRange("tenant-a|tenant-b", "up", JAN_1, JAN_1 + 3_600_000L, MINUTE).status()).isEqualTo(400);
    }

    @Test
    void theTotalQueryLengthLimitRejectsLongerQueries() throws Exception {
        startFrontend();
        setLimits("tenant-a", Map.of("max_total_query_length", "1d"));
        HttpResponse response = queryRange("tenant-a", "up", JAN_1, JAN_1 + 60 * 3_600_000L, MINUTE);
        assertThat(response.status()).isEqualTo(400);
        assertThat(body(response)).contains("the total query time range exceeds the limit (query length: 60h0m0s, limit: 24h0m0s) "
                + "(err-mimir-max-total-query-length). To adjust the related per-tenant limit, configure -query-frontend.max-total-query-length");
        assertThat(scheduler.model.received).isEmpty();
        assertThat(queryRange("tenant-a", "up", JAN_1, JAN_1 + DAY, MINUTE).status()).isEqualTo(200);
    }

    @Test
    void theLookbackLimitClampsTheStartOrAnswersEmpty() throws Exception {
        startFrontend();
        setLimits("tenant-a", Map.of("max_query_lookback", "2d"));
        long minStart = NOW.toEpochMilli() - 2 * DAY;
        HttpResponse tooOld = queryRange("tenant-a", "up", JAN_1, JAN_1 + DAY, MINUTE);
        assertThat(body(tooOld)).isEqualTo(QueryFrontend.EMPTY_MATRIX);
        assertThat(scheduler.model.received).isEmpty();

        queryRange("tenant-a", "up", minStart - DAY, minStart + 3_600_000L, MINUTE);
        assertThat(scheduler.model.rangeRequests()).extracting(Received::start).containsExactly(minStart);
    }

    @Test
    void stepAlignmentMovesStartAndEndToMultiplesOfTheStep() throws Exception {
        startFrontend();
        setLimits("tenant-a", Map.of("align_queries_with_step", "true"));
        long step = 5 * MINUTE;
        HttpResponse response = queryRange("tenant-a", "up", JAN_1 + 90_000, JAN_1 + 3_600_000L + 150_000, step);
        assertThat(body(response)).isEqualTo(matrix("tenant-a", JAN_1, JAN_1 + 3_600_000L, step, List.of()));
        assertThat(scheduler.model.rangeRequests()).singleElement().satisfies(r -> {
            assertThat(r.start()).isEqualTo(JAN_1);
            assertThat(r.end()).isEqualTo(JAN_1 + 3_600_000L);
        });
        // Without the limit the request keeps its timestamps.
        queryRange("tenant-b", "up", JAN_1 + 90_000, JAN_1 + 3_600_000L + 150_000, step);
        assertThat(scheduler.model.rangeRequests().getLast().start()).isEqualTo(JAN_1 + 90_000);
    }

    @Test
    void serverErrorsAreRetriedAndClientErrorsAreNot() throws Exception {
        startFrontend();
        HttpResponse flaky = queryRange("tenant-a", "flaky", JAN_1, JAN_1 + 3_600_000L, MINUTE);
        assertThat(flaky.status()).isEqualTo(200);
        assertThat(scheduler.model.rangeRequests()).hasSize(3);

        HttpResponse bad = queryRange("tenant-a", "bad", JAN_1, JAN_1 + 3_600_000L, MINUTE);
        assertThat(bad.status()).isEqualTo(422);
        assertThat(body(bad)).contains("bad query");
        assertThat(scheduler.model.rangeRequests()).hasSize(4);
    }

    @Test
    void invalidParametersAre400WithPrometheusMessages() throws Exception {
        startFrontend();
        HttpResponse response = core.routes().get(RANGE, "tenant-a", "query", "up", "start", "yesterday", "end", "1", "step", "60");
        assertThat(response.status()).isEqualTo(400);
        assertThat(body(response)).contains("invalid parameter \\\"start\\\": cannot parse \\\"yesterday\\\" to a valid timestamp");
        HttpResponse negative = core.routes().get(RANGE, "tenant-a", "query", "up", "start", "100", "end", "1", "step", "60");
        assertThat(body(negative)).contains("end timestamp must not be before start time");
        HttpResponse rfc3339 = core.routes().get(RANGE, "tenant-a", "query", "up", "start", "2026-01-01T00:00:00Z", "end", "2026-01-01T01:00:00Z", "step", "1m");
        assertThat(rfc3339.status()).isEqualTo(200);
    }

    @Test
    void otherEndpointsAreForwardedUnsplit() throws Exception {
        startFrontend();
        for (String path : List.of("labels", "label/job/values", "series", "metadata", "query_exemplars", "format_query", "cardinality/label_names", "query")) {
            HttpResponse response = core.routes().get("/prometheus/api/v1/" + path, "tenant-a", "query", "up");
            assertThat(response.status()).as(path).isEqualTo(200);
        }
        assertThat(scheduler.model.received).extracting(Received::path).containsExactly(
                "/prometheus/api/v1/labels", "/prometheus/api/v1/label/job/values", "/prometheus/api/v1/series", "/prometheus/api/v1/metadata",
                "/prometheus/api/v1/query_exemplars", "/prometheus/api/v1/format_query", "/prometheus/api/v1/cardinality/label_names",
                "/prometheus/api/v1/query");
        assertThat(core.routes().has("/prometheus/api/v1/read")).isTrue();
    }

    @Test
    void theSchedulersTooManyRequestsReachesTheClient() throws Exception {
        startFrontend();
        HttpResponse response = queryRange("full", "up", JAN_1, JAN_1 + 3_600_000L, MINUTE);
        assertThat(response.status()).isEqualTo(429);
        assertThat(body(response)).contains("too many outstanding requests");
    }

    @Test
    void aTimeoutCancelsTheQueuedRequests() throws Exception {
        startFrontend(Map.of(QueryFrontendConfig.QUERY_TIMEOUT, Duration.ofMillis(200)));
        HttpResponse response = queryRange("tenant-a", "hang", JAN_1, JAN_1 + 2 * DAY - MINUTE, MINUTE);
        assertThat(response.status()).isEqualTo(503);
        assertThat(body(response)).contains("\"errorType\":\"timeout\"");
        assertThat(scheduler.hanging).hasSize(2).allSatisfy(f -> assertThat(f).isCancelled());
    }

    @Test
    void anInterruptedHandlerCancelsItsRequest() throws Exception {
        startFrontend();
        java.util.concurrent.CompletableFuture<HttpResponse> result = new java.util.concurrent.CompletableFuture<>();
        Thread handler = Thread.ofVirtual().start(() -> result.complete(core.routes().get("/prometheus/api/v1/query", "tenant-a", "query", "hang")));
        for (int i = 0; i < 3000 && scheduler.hanging.isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertThat(scheduler.hanging).hasSize(1);
        handler.interrupt();
        assertThat(result.get(30, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(499);
        assertThat(scheduler.hanging.getFirst()).isCancelled();
    }

    @Test
    void startFailsWithoutAQuerySchedulerInTheProcess() throws Exception {
        QueryFrontendProvider provider = new QueryFrontendProvider();
        TestingConfigValues config = defaultConfig(provider);
        TestingCoreServices alone = new TestingCoreServices(config, null, Limits.defaults(), NOW, Set.of("query-frontend"));
        Service frontend = provider.create(alone, config).getFirst();
        assertThatThrownBy(() -> frontend.start(cause -> {}))
                .hasMessageContaining("the query-frontend needs a query-scheduler in this process")
                .hasMessageContaining("-query-frontend.scheduler-address");
    }

    @Test
    void cachedResultsExpireAfterTheTenantsTtl() throws Exception {
        startCachingFrontend();
        setLimits("tenant-a", Map.of("results_cache_ttl", "1h"));
        long start = JAN_1;
        long end = JAN_1 + DAY - MINUTE;
        queryRange("tenant-a", "up", start, end, MINUTE);
        core.testingClock().advance(Duration.ofMinutes(59));
        queryRange("tenant-a", "up", start, end, MINUTE);
        assertThat(scheduler.model.rangeRequests()).hasSize(1);
        core.testingClock().advance(Duration.ofMinutes(2));
        queryRange("tenant-a", "up", start, end, MINUTE);
        assertThat(scheduler.model.rangeRequests()).hasSize(2);
    }

    @Test
    void slowQueriesAreLoggedWithTheirStats() throws Exception {
        startFrontend(Map.of(QueryFrontendConfig.LOG_QUERIES_LONGER_THAN, Duration.ofMillis(-1)));
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        ((QueryFrontend) service).slowQueryLog(lines::add);
        queryRange("tenant-a", "sum(up) by (job)", JAN_1, JAN_1 + 3_600_000L, MINUTE);
        assertThat(lines).singleElement().asString()
                .startsWith("slow query detected component=query-frontend user=tenant-a method=GET path=/prometheus/api/v1/query_range status_code=200 status=success time_taken=")
                .contains(" response_size_bytes=" + matrix("tenant-a", JAN_1, JAN_1 + 3_600_000L, MINUTE, List.of()).length())
                .contains(" param_query=\"sum(up) by (job)\" param_start=" + QueryRequests.formatSeconds(JAN_1));
    }

    @Test
    void queriesLargerThanTheExpressionSizeLimitAreRejected() throws Exception {
        startFrontend();
        setLimits("tenant-a", Map.of("max_query_expression_size_bytes", "10"));
        HttpResponse range = queryRange("tenant-a", "sum(rate(http_requests_total[5m]))", JAN_1, JAN_1 + 3_600_000L, MINUTE);
        assertThat(range.status()).isEqualTo(400);
        assertThat(body(range)).contains("the raw query size in bytes (34) exceeds the limit (10) (err-mimir-max-query-expression-size-bytes)");
        assertThat(core.routes().get("/prometheus/api/v1/query", "tenant-a", "query", "sum(rate(http_requests_total[5m]))").status()).isEqualTo(400);
        assertThat(queryRange("tenant-a", "up", JAN_1, JAN_1 + 3_600_000L, MINUTE).status()).isEqualTo(200);
        assertThat(scheduler.model.received).hasSize(1);
    }

    @Test
    void fastQueriesAreNotLogged() throws Exception {
        startFrontend(Map.of(QueryFrontendConfig.LOG_QUERIES_LONGER_THAN, Duration.ofHours(1)));
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        ((QueryFrontend) service).slowQueryLog(lines::add);
        queryRange("tenant-a", "up", JAN_1, JAN_1 + 3_600_000L, MINUTE);
        assertThat(lines).isEmpty();
    }

    @Test
    void atStartAndEndAreFixedToTheWholeQueryBeforeSplitting() throws Exception {
        startFrontend();
        long start = JAN_1;
        long end = JAN_1 + 2 * DAY + 3_600_000L;
        queryRange("tenant-a", "rate(up[5m] @ end()) - up @ start()", start, end, 5 * MINUTE);
        assertThat(scheduler.model.rangeRequests()).hasSize(3).extracting(Received::query).containsOnly(
                "rate(up[5m] @ " + QueryRequests.formatSeconds(end) + ".000) - up @ " + QueryRequests.formatSeconds(start) + ".000");
        assertThat(AtModifiers.evaluate("up{job=\"start\"}", start, end)).isEqualTo("up{job=\"start\"}");
        assertThat(AtModifiers.evaluate("not valid (", start, end)).isEqualTo("not valid (");
    }

    @Test
    void aResponseMarkedNoStoreIsNotCached() throws Exception {
        startCachingFrontend();
        queryRange("tenant-a", "nostore", JAN_1, JAN_1 + DAY - MINUTE, MINUTE);
        queryRange("tenant-a", "nostore", JAN_1, JAN_1 + DAY - MINUTE, MINUTE);
        assertThat(scheduler.model.rangeRequests()).hasSize(2);
    }

    @Test
    void aFederatedQueryHasItsOwnCacheEntries() throws Exception {
        startCachingFrontend();
        queryRange("tenant-a", "up", JAN_1, JAN_1 + DAY - MINUTE, MINUTE);
        queryRange("tenant-a|tenant-c", "up", JAN_1, JAN_1 + DAY - MINUTE, MINUTE);
        queryRange("tenant-a|tenant-c", "up", JAN_1, JAN_1 + DAY - MINUTE, MINUTE);
        assertThat(scheduler.model.rangeRequests()).extracting(Received::tenant).containsExactly("tenant-a", "tenant-a|tenant-c");
    }

    @Test
    void labelAndCardinalityResponsesAreCachedOnlyWithTheirTtl() throws Exception {
        startCachingFrontend();
        // Mimir's defaults: no TTL, so no caching.
        core.routes().get("/prometheus/api/v1/labels", "tenant-a");
        core.routes().get("/prometheus/api/v1/labels", "tenant-a");
        assertThat(scheduler.model.received).hasSize(2);

        setLimits("tenant-a", Map.of("results_cache_ttl_for_labels_query", "1m", "results_cache_ttl_for_cardinality_query", "1m"));
        HttpResponse first = core.routes().get("/prometheus/api/v1/label/job/values", "tenant-a", "match[]", "up");
        HttpResponse second = core.routes().get("/prometheus/api/v1/label/job/values", "tenant-a", "match[]", "up");
        assertThat(body(second)).isEqualTo(body(first));
        core.routes().get("/prometheus/api/v1/label/job/values", "tenant-a", "match[]", "down");
        core.routes().get("/prometheus/api/v1/label/job/values", "tenant-b", "match[]", "up");
        core.routes().get("/prometheus/api/v1/cardinality/label_names", "tenant-a");
        core.routes().get("/prometheus/api/v1/cardinality/label_names", "tenant-a");
        assertThat(scheduler.model.received).hasSize(6);
        assertThat(counter("cortex_frontend_query_result_cache_hits", "request_type", "label_names_and_values")).isEqualTo(1);
        assertThat(counter("cortex_frontend_query_result_cache_hits", "request_type", "cardinality")).isEqualTo(1);

        core.testingClock().advance(Duration.ofMinutes(2));
        core.routes().get("/prometheus/api/v1/label/job/values", "tenant-a", "match[]", "up");
        assertThat(scheduler.model.received).hasSize(7);
    }

    @Test
    void partsRunInParallelUpToMaxQueryParallelism() throws Exception {
        startFrontend();
        setLimits("tenant-a", Map.of("max_query_parallelism", "2"));
        long end = JAN_1 + 5 * DAY - MINUTE;
        java.util.concurrent.CompletableFuture<HttpResponse> result = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().start(() -> result.complete(queryRange("tenant-a", "hold", JAN_1, end, MINUTE)));
        for (int remaining = 5; remaining > 0; remaining--) {
            scheduler.releaseOneWhenHolding(Math.min(2, remaining));
        }
        assertThat(result.get(30, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(scheduler.maxHeld()).isEqualTo(2);
        assertThat(body(result.get())).isEqualTo(matrix("tenant-a", JAN_1, end, MINUTE, List.of()));
    }
}
