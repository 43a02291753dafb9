package mimir.promql.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import org.junit.jupiter.api.Test;

class TestMemoryStorage {
    @Test
    void selectsByMatchersWithinTheRangeInLabelOrder() {
        MemoryStorage storage = new MemoryStorage();
        Labels b = Labels.of("__name__", "up", "job", "b");
        Labels a = Labels.of("__name__", "up", "job", "a");
        for (long t = 0; t <= 100; t += 10) {
            storage.append(b, t, t);
            storage.append(a, t, -t);
        }
        storage.append(a, 50, 7);
        try (Querier querier = storage.querier(20, 60)) {
            SeriesSet set = querier.select(true, List.of(Matcher.equal("__name__", "up")));
            List<String> seen = new ArrayList<>();
            while (set.next()) {
                SampleIterator it = set.iterator();
                StringBuilder points = new StringBuilder(set.labels().get("job")).append(':');
                while (it.next()) {
                    points.append(' ').append(it.timestamp()).append('=').append(it.value());
                }
                seen.add(points.toString());
            }
            assertThat(seen).containsExactly("a: 20=-20.0 30=-30.0 40=-40.0 50=7.0 60=-60.0", "b: 20=20.0 30=30.0 40=40.0 50=50.0 60=60.0");

            SeriesSet onlyB = querier.select(true, List.of(Matcher.regex("job", "b|c")));
            assertThat(onlyB.next()).isTrue();
            SampleIterator it = onlyB.iterator();
            assertThat(it.seek(45)).isTrue();
            assertThat(it.timestamp()).isEqualTo(50);
            assertThat(it.seek(61)).isFalse();
            assertThat(onlyB.next()).isFalse();

            assertThat(querier.labelNames(List.of())).containsExactly("__name__", "job");
            assertThat(querier.labelValues("job", List.of(Matcher.notEqual("job", "a")))).containsExactly("b");
        }
    }
}
