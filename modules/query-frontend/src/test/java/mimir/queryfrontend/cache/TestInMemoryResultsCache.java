package mimir.queryfrontend.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class TestInMemoryResultsCache {
    private static List<Extent> extentOf(int bytes) {
        return List.of(new Extent(0, 1, new byte[bytes]));
    }

    @Test
    void theLeastRecentlyUsedEntriesGoWhenTheBytesPassTheBound() {
        InMemoryResultsCache cache = new InMemoryResultsCache(3_000);
        cache.put("a", extentOf(800), Long.MAX_VALUE);
        cache.put("b", extentOf(800), Long.MAX_VALUE);
        cache.put("c", extentOf(800), Long.MAX_VALUE);
        assertThat(cache.get("a", 0)).isPresent(); // a is now more recent than b
        cache.put("d", extentOf(800), Long.MAX_VALUE);

        assertThat(cache.get("b", 0)).isEmpty();
        assertThat(cache.get("a", 0)).isPresent();
        assertThat(cache.get("d", 0)).isPresent();
        assertThat(cache.bytes()).isLessThanOrEqualTo(3_000);
    }

    @Test
    void entriesExpireAndReplacingAnEntryKeepsTheAccountRight() {
        InMemoryResultsCache cache = new InMemoryResultsCache(10_000);
        cache.put("a", extentOf(100), 1_000);
        assertThat(cache.get("a", 999)).isPresent();
        assertThat(cache.get("a", 1_000)).isEmpty();
        assertThat(cache.bytes()).isZero();

        cache.put("a", extentOf(100), 5_000);
        long one = cache.bytes();
        cache.put("a", extentOf(100), 5_000);
        assertThat(cache.bytes()).isEqualTo(one);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void anEntryBiggerThanTheCacheIsNotStored() {
        InMemoryResultsCache cache = new InMemoryResultsCache(1_000);
        cache.put("small", extentOf(10), Long.MAX_VALUE);
        cache.put("huge", extentOf(5_000), Long.MAX_VALUE);
        assertThat(cache.get("huge", 0)).isEmpty();
        assertThat(cache.get("small", 0)).isPresent();
    }
}
