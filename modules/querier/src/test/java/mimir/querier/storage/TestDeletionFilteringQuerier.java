package mimir.querier.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import mimir.bucket.SeriesDeletions;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.promql.storage.MemoryStorage;
import org.junit.jupiter.api.Test;

class TestDeletionFilteringQuerier {
    private static Map<String, List<Long>> read(Querier querier) {
        Map<String, List<Long>> result = new TreeMap<>();
        SeriesSet set = querier.select(true, List.of(Matcher.regex("__name__", ".+")));
        while (set.next()) {
            List<Long> times = new java.util.ArrayList<>();
            SampleIterator it = set.iterator();
            while (it.next()) {
                times.add(it.timestamp());
            }
            result.put(set.labels().get("instance"), times);
        }
        return result;
    }

    @Test
    void removesTheCoveredSamplesOfMatchedSeriesAndDropsSeriesLeftEmpty() {
        MemoryStorage storage = new MemoryStorage();
        for (String instance : List.of("a", "b", "c")) {
            for (long t = 0; t < 10; t++) {
                storage.append(Labels.of("__name__", "up", "instance", instance), t * 1000, t);
            }
        }
        List<SeriesDeletions.Request> requests = List.of(
                new SeriesDeletions.Request("1", List.of(List.of(Matcher.equal("instance", "a"))), 2000, 4000, 0),
                new SeriesDeletions.Request("2", List.of(List.of(Matcher.equal("instance", "a"))), 8000, 8000, 0),
                new SeriesDeletions.Request("3", List.of(List.of(Matcher.equal("instance", "b")), List.of(Matcher.equal("nope", "x"))), 0, 9000, 0));
        Map<String, List<Long>> got = read(new DeletionFilteringQuerier(storage.querier(0, 10_000), requests));
        assertThat(got).containsOnlyKeys("a", "c");
        assertThat(got.get("a")).containsExactly(0L, 1000L, 5000L, 6000L, 7000L, 9000L);
        assertThat(got.get("c")).hasSize(10);
        // The iterator of a filtered series can be taken again and seeks.
        SeriesSet set = new DeletionFilteringQuerier(storage.querier(0, 10_000), requests).select(true, List.of(Matcher.equal("instance", "a")));
        assertThat(set.next()).isTrue();
        SampleIterator it = set.iterator();
        assertThat(it.seek(2500)).isTrue();
        assertThat(it.timestamp()).isEqualTo(5000);
        assertThat(set.iterator().next()).isTrue();
    }
}
