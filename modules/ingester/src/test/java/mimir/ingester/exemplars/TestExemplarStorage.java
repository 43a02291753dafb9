package mimir.ingester.exemplars;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import mimir.ingester.client.ExemplarSeries;
import mimir.ingester.client.ExemplarSeries.Exemplar;
import mimir.model.Labels;
import mimir.model.Matcher;
import org.junit.jupiter.api.Test;

/** The circular exemplar storage: eviction of the oldest, dedupe, out-of-order refusal, resize and matcher sets. */
class TestExemplarStorage {
    private static final Labels A = Labels.of("__name__", "req", "job", "a");
    private static final Labels B = Labels.of("__name__", "req", "job", "b");
    private static final List<List<Matcher>> ALL = List.of(List.of(Matcher.equal("__name__", "req")));

    private static Labels trace(int id) {
        return Labels.of("trace_id", "t" + id);
    }

    private static List<Long> timestamps(List<ExemplarSeries> result, Labels series) {
        return result.stream().filter(s -> s.seriesLabels().equals(series)).flatMap(s -> s.exemplars().stream()).map(Exemplar::timestamp).toList();
    }

    @Test
    void theOldestExemplarsAreOverwrittenAcrossSeries() {
        ExemplarStorage storage = new ExemplarStorage(3);
        assertThat(storage.add(A, trace(1), 1000, 1)).isEqualTo(ExemplarStorage.Result.ADDED);
        storage.add(B, trace(2), 2000, 2);
        storage.add(A, trace(3), 3000, 3);
        storage.add(B, trace(4), 4000, 4); // evicts A@1000
        assertThat(storage.size()).isEqualTo(3);
        List<ExemplarSeries> result = storage.query(0, Long.MAX_VALUE, ALL);
        assertThat(result).extracting(ExemplarSeries::seriesLabels).containsExactly(A, B);
        assertThat(timestamps(result, A)).containsExactly(3000L);
        assertThat(timestamps(result, B)).containsExactly(2000L, 4000L);
        assertThat(result.getFirst().exemplars().getFirst()).isEqualTo(new Exemplar(trace(3), 3, 3000));

        storage.add(B, trace(5), 5000, 5); // evicts B@2000
        storage.add(B, trace(6), 6000, 6); // evicts A@3000: A is gone
        result = storage.query(0, Long.MAX_VALUE, ALL);
        assertThat(result).extracting(ExemplarSeries::seriesLabels).containsExactly(B);
        assertThat(timestamps(result, B)).containsExactly(4000L, 5000L, 6000L);
    }

    @Test
    void duplicatesAreDroppedAndOlderOnesRefused() {
        ExemplarStorage storage = new ExemplarStorage(10);
        storage.add(A, trace(1), 1000, 1);
        assertThat(storage.add(A, trace(1), 1000, 1)).isEqualTo(ExemplarStorage.Result.DUPLICATE);
        assertThat(storage.add(A, trace(2), 1000, 1)).isEqualTo(ExemplarStorage.Result.OUT_OF_ORDER);
        assertThat(storage.add(A, trace(2), 500, 1)).isEqualTo(ExemplarStorage.Result.OUT_OF_ORDER);
        assertThat(storage.add(B, trace(2), 500, 1)).as("order is per series").isEqualTo(ExemplarStorage.Result.ADDED);
        assertThat(storage.size()).isEqualTo(2);
    }

    @Test
    void capacityZeroStoresNothingAndResizeKeepsTheNewest() {
        ExemplarStorage storage = new ExemplarStorage(0);
        assertThat(storage.add(A, trace(1), 1000, 1)).isEqualTo(ExemplarStorage.Result.DISABLED);
        storage.resize(4);
        for (int i = 1; i <= 4; i++) {
            storage.add(i % 2 == 0 ? A : B, trace(i), i * 1000L, i);
        }
        storage.resize(2);
        List<ExemplarSeries> result = storage.query(0, Long.MAX_VALUE, ALL);
        assertThat(timestamps(result, B)).containsExactly(3000L);
        assertThat(timestamps(result, A)).containsExactly(4000L);
        storage.add(A, trace(5), 5000, 5);
        assertThat(timestamps(storage.query(0, Long.MAX_VALUE, ALL), B)).as("B@3000 was the oldest").isEmpty();
    }

    @Test
    void queriesFilterByTimeRangeAndAnyMatcherSet() {
        ExemplarStorage storage = new ExemplarStorage(10);
        storage.add(A, trace(1), 1000, 1);
        storage.add(A, trace(2), 2000, 2);
        storage.add(B, trace(3), 3000, 3);
        storage.add(Labels.of("__name__", "other"), trace(4), 2000, 4);
        assertThat(timestamps(storage.query(1500, 3000, ALL), A)).containsExactly(2000L);
        List<ExemplarSeries> either = storage.query(0, 5000, List.of(List.of(Matcher.equal("job", "b")), List.of(Matcher.equal("__name__", "other"))));
        assertThat(either).extracting(ExemplarSeries::seriesLabels).containsExactly(Labels.of("__name__", "other"), B);
        assertThat(storage.query(4000, 5000, ALL)).isEmpty();
    }
}
