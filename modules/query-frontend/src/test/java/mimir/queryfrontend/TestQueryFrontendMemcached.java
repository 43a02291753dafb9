package mimir.queryfrontend;

import static mimir.queryfrontend.TestingQuerierModel.body;
import static mimir.queryfrontend.TestingQuerierModel.matrix;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import mimir.queryfrontend.TestingQuerierModel.Received;
import mimir.queryfrontend.cache.memcached.TestingMemcachedServer;
import mimir.queryscheduler.client.SchedulerForFrontend;
import mimir.spi.http.HttpResponse;
import mimir.spi.limits.Limits;
import mimir.spi.service.Service;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingCoreServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The range query path with {@code -query-frontend.results-cache.backend=memcached} against Debian's
 * memcached, started by the test: what is cached, for whom, and that memcached going away costs only
 * cache hits.
 */
class TestQueryFrontendMemcached {
    private static final long DAY = TestQueryFrontend.DAY;
    private static final long MINUTE = TestQueryFrontend.MINUTE;
    private static final long JAN_1 = TestQueryFrontend.JAN_1;

    private final TestingScheduler scheduler = new TestingScheduler();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private TestingCoreServices core;
    private Service service;

    private void startFrontend(int maxItemSize, TestingMemcachedServer... servers) throws Exception {
        QueryFrontendProvider provider = new QueryFrontendProvider();
        List<String> addresses = new ArrayList<>();
        for (TestingMemcachedServer server : servers) {
            addresses.add(server.address());
        }
        TestingConfigValues config = TestQueryFrontend.defaultConfig(provider)
                .with(QueryFrontendConfig.CACHE_RESULTS, true)
                .with(QueryFrontendConfig.RESULTS_CACHE_BACKEND, "memcached")
                .with(QueryFrontendConfig.MEMCACHED_ADDRESSES, addresses)
                .with(QueryFrontendConfig.MEMCACHED_MAX_ITEM_SIZE, maxItemSize);
        core = new TestingCoreServices(config, null, Limits.defaults(), TestQueryFrontend.NOW, Set.of("query-frontend", "query-scheduler"));
        core.localInstances().register(SchedulerForFrontend.class, scheduler);
        service = provider.create(core, config).getFirst();
        service.start(cause -> {
            throw new AssertionError(cause);
        });
    }

    private TestingMemcachedServer memcached() throws Exception {
        TestingMemcachedServer server = TestingMemcachedServer.start();
        closeables.add(server);
        return server;
    }

    @AfterEach
    void stop() throws Exception {
        if (service != null) {
            service.stop();
        }
        for (AutoCloseable closeable : closeables.reversed()) {
            closeable.close();
        }
    }

    private HttpResponse queryRange(String tenant, long start, long end) {
        return queryRange(tenant, start, end, MINUTE);
    }

    private HttpResponse queryRange(String tenant, long start, long end, long step) {
        return core.routes().get(TestQueryFrontend.RANGE, tenant, "query", "up", "start", QueryRequests.formatSeconds(start),
                "end", QueryRequests.formatSeconds(end), "step", QueryRequests.formatSeconds(step));
    }

    private double counter(String name, String... tags) {
        var counter = core.simpleMeterRegistry().find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aRepeatedQueryIsAnsweredFromMemcached() throws Exception {
        TestingMemcachedServer server = memcached();
        startFrontend(1024 * 1024, server);
        long start = JAN_1;
        long end = JAN_1 + 3 * DAY - MINUTE;
        HttpResponse first = queryRange("tenant-a", start, end);
        assertThat(scheduler.model.rangeRequests()).hasSize(3);
        // One lookup for the three day-parts; the three extents are then stored asynchronously.
        assertThat(server.stat("cmd_get")).isEqualTo(3);
        server.awaitStat("cmd_set", 3);

        HttpResponse second = queryRange("tenant-a", start, end);
        assertThat(scheduler.model.rangeRequests()).hasSize(3);
        assertThat(body(second)).isEqualTo(body(first)).isEqualTo(matrix("tenant-a", start, end, MINUTE, List.of()));
        assertThat(server.stat("get_hits")).isEqualTo(3);
        assertThat(counter("cortex_frontend_query_result_cache_hits", "request_type", "query_range")).isEqualTo(3);
        assertThat(counter("thanos_cache_hits", "name", "frontend-cache", "backend", "memcached")).isEqualTo(3);
        assertThat(counter("thanos_cache_requests", "name", "frontend-cache")).isEqualTo(6);
        assertThat(counter("thanos_cache_operations", "name", "frontend-cache", "operation", "getmulti")).isEqualTo(2);
    }

    @Test
    void tenantsNeverShareEntries() throws Exception {
        TestingMemcachedServer server = memcached();
        startFrontend(1024 * 1024, server);
        long end = JAN_1 + DAY - MINUTE;
        queryRange("tenant-a", JAN_1, end);
        server.awaitStat("cmd_set", 1);

        HttpResponse other = queryRange("tenant-b", JAN_1, end);
        assertThat(body(other)).isEqualTo(matrix("tenant-b", JAN_1, end, MINUTE, List.of()));
        assertThat(scheduler.model.rangeRequests()).extracting(Received::tenant).containsExactly("tenant-a", "tenant-b");
        assertThat(server.stat("get_hits")).isZero();
    }

    @Test
    void anExtentOverTheMaxItemSizeIsNotStored() throws Exception {
        TestingMemcachedServer server = memcached();
        // A day of two series at one-minute steps is ~100 KB of JSON.
        startFrontend(10_000, server);
        long end = JAN_1 + DAY - MINUTE;
        queryRange("tenant-a", JAN_1, end);
        HttpResponse again = queryRange("tenant-a", JAN_1, end);

        assertThat(body(again)).isEqualTo(matrix("tenant-a", JAN_1, end, MINUTE, List.of()));
        assertThat(scheduler.model.rangeRequests()).hasSize(2);
        assertThat(counter("thanos_cache_operation_skipped", "name", "frontend-cache", "operation", "set", "reason", "max-item-size")).isEqualTo(2);
        assertThat(server.stat("cmd_set")).isZero();
    }

    @Test
    void queriesStillAnswerWhenMemcachedDiesAndTheCacheRefillsAfterItRestarts() throws Exception {
        TestingMemcachedServer server = memcached();
        startFrontend(1024 * 1024, server);
        long end = JAN_1 + 2 * DAY - MINUTE;
        String expected = matrix("tenant-a", JAN_1, end, MINUTE, List.of());
        queryRange("tenant-a", JAN_1, end);
        server.awaitStat("cmd_set", 2);

        server.kill();
        for (int i = 0; i < 3; i++) {
            HttpResponse response = queryRange("tenant-a", JAN_1, end);
            assertThat(response.status()).isEqualTo(200);
            assertThat(body(response)).isEqualTo(expected);
        }
        assertThat(scheduler.model.rangeRequests()).hasSize(2 + 3 * 2);
        assertThat(counter("thanos_cache_operation_failures", "name", "frontend-cache", "operation", "getmulti", "reason", "network-error"))
                .isGreaterThanOrEqualTo(3);

        server.restart();
        // The restarted memcached is empty: the next query misses and stores, the one after it hits.
        int requestsBefore = scheduler.model.rangeRequests().size();
        boolean stored = false;
        for (int attempt = 0; attempt < 20 && !stored; attempt++) {
            assertThat(body(queryRange("tenant-a", JAN_1, end))).isEqualTo(expected);
            Thread.sleep(100);
            stored = server.stat("curr_items") >= 2;
        }
        assertThat(stored).as("the restarted memcached got the extents again").isTrue();
        int requestsAfterRefill = scheduler.model.rangeRequests().size();
        assertThat(requestsAfterRefill).isGreaterThan(requestsBefore);

        assertThat(body(queryRange("tenant-a", JAN_1, end))).isEqualTo(expected);
        assertThat(scheduler.model.rangeRequests()).hasSize(requestsAfterRefill);
        assertThat(server.stat("get_hits")).isEqualTo(2);
    }

    @Test
    void twoMemcachedServersShareTheDayParts() throws Exception {
        TestingMemcachedServer first = memcached();
        TestingMemcachedServer second = memcached();
        startFrontend(1024 * 1024, first, second);
        long end = JAN_1 + 8 * DAY - 5 * MINUTE;
        assertThat(queryRange("tenant-a", JAN_1, end, 5 * MINUTE).status()).isEqualTo(200);
        // Eight day-parts over two servers; wait until all eight reached one or the other.
        long stored = 0;
        for (int attempt = 0; attempt < 100 && stored < 8; attempt++) {
            Thread.sleep(20);
            stored = first.stat("curr_items") + second.stat("curr_items");
        }
        assertThat(stored).isEqualTo(8);
        assertThat(first.stat("curr_items")).isPositive();
        assertThat(second.stat("curr_items")).isPositive();

        HttpResponse cached = queryRange("tenant-a", JAN_1, end, 5 * MINUTE);
        assertThat(body(cached)).isEqualTo(matrix("tenant-a", JAN_1, end, 5 * MINUTE, List.of()));
        assertThat(scheduler.model.rangeRequests()).hasSize(8);
        assertThat(first.stat("get_hits") + second.stat("get_hits")).isEqualTo(8);
    }
}
