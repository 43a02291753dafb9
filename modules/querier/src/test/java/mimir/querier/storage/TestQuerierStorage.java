package mimir.querier.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.EmptyQuerier;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.promql.api.GoDurations;
import mimir.promql.storage.MemoryStorage;
import mimir.spi.limits.Limits;
import mimir.testing.TestingClock;
import mimir.testing.TestingOverrides;
import mimir.tsdb.Head;
import mimir.tsdb.HeadAppender;
import mimir.tsdb.HeadOptions;
import org.junit.jupiter.api.Test;

/** Several sources of one tenant merge into one querier: the store-gateway will be one more {@link QuerySource}. */
class TestQuerierStorage {
    private static final Labels UP_A = Labels.of("__name__", "up", "instance", "a");
    private static final Labels UP_B = Labels.of("__name__", "up", "instance", "b");

    private static QuerySource source(String name, mimir.model.storage.Queryable queryable) {
        return new QuerySource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Querier querier(String tenant, long mint, long maxt) {
                return tenant.equals("team-a") ? queryable.querier(mint, maxt) : EmptyQuerier.INSTANCE;
            }
        };
    }

    @Test
    void seriesOfTwoSourcesMergeAndOverlappingSamplesCountOnce() throws Exception {
        try (Head head = Head.inMemory(HeadOptions.defaults())) {
            HeadAppender appender = head.appender();
            appender.append(UP_A, 1000, 1);
            appender.append(UP_A, 2000, 2);
            appender.commit();
            MemoryStorage memory = new MemoryStorage();
            memory.append(UP_A, 2000, 2);
            memory.append(UP_A, 3000, 3);
            memory.append(UP_B, 1000, 10);
            TestingOverrides overrides = new TestingOverrides(Limits.defaults());
            QuerierStorage storage = new QuerierStorage(List.of(source("head", head::querier), source("memory", memory)), overrides,
                    new TestingClock(Instant.ofEpochMilli(10_000)));
            QueryLimiter limiter = QueryLimiter.unlimited();

            try (Querier querier = storage.queryable(List.of("team-a"), limiter, true).querier(0, 10_000)) {
                SeriesSet set = querier.select(false, List.of(Matcher.equal("__name__", "up")));
                List<String> read = new ArrayList<>();
                while (set.next()) {
                    StringBuilder line = new StringBuilder(set.labels().get("instance")).append(':');
                    SampleIterator it = set.iterator();
                    while (it.next()) {
                        line.append(' ').append(it.timestamp()).append('=').append(it.value());
                    }
                    read.add(line.toString());
                }
                assertThat(read).containsExactly("a: 1000=1.0 2000=2.0 3000=3.0", "b: 1000=10.0");
                assertThat(querier.labelValues("instance", List.of())).containsExactly("a", "b");
            }
            assertThat(limiter.seriesCount()).isEqualTo(2);
            assertThat(limiter.chunkCount()).isEqualTo(2);
            assertThat(limiter.chunkBytes()).isEqualTo(4 * QueryLimiter.BYTES_PER_SAMPLE);

            try (Querier other = storage.queryable(List.of("team-b"), QueryLimiter.unlimited(), true).querier(0, 10_000)) {
                assertThat(other.select(false, List.of(Matcher.equal("__name__", "up"))).next()).isFalse();
            }
            overrides.set(Map.of("team-a", Limits.defaults().withOverrides(Map.of("max_query_lookback", "8500ms"))));
            try (Querier clamped = storage.queryable(List.of("team-a"), QueryLimiter.unlimited(), true).querier(0, 10_000)) {
                SeriesSet set = clamped.select(false, List.of(Matcher.equal("instance", "a")));
                assertThat(set.next()).isTrue();
                SampleIterator it = set.iterator();
                assertThat(it.next()).isTrue();
                assertThat(it.timestamp()).isEqualTo(2000);
            }
        }
    }

    @Test
    void goDurationsPrintLikeGo() {
        assertThat(GoDurations.format(0)).isEqualTo("0s");
        assertThat(GoDurations.format(250)).isEqualTo("250ms");
        assertThat(GoDurations.format(1500)).isEqualTo("1.5s");
        assertThat(GoDurations.format(60_000)).isEqualTo("1m0s");
        assertThat(GoDurations.format(3_600_000)).isEqualTo("1h0m0s");
        assertThat(GoDurations.format(3_899_999)).isEqualTo("1h4m59.999s");
        assertThat(GoDurations.format(-90_000)).isEqualTo("-1m30s");
    }
}
