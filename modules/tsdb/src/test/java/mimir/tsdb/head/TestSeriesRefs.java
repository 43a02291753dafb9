package mimir.tsdb.head;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import mimir.model.Labels;
import org.junit.jupiter.api.Test;

class TestSeriesRefs {
    private static MemSeries series(long ref) {
        return new MemSeries(ref, Labels.of("__name__", "s" + ref), TestSeriesRefs.class);
    }

    @Test
    void denseAndSparseRefsAreFoundUntilRemoved() {
        SeriesRefs refs = new SeriesRefs();
        long[] keys = {1, 2, 4095, 4096, 4097, 100_000, SeriesRefs.DENSE_LIMIT - 1, SeriesRefs.DENSE_LIMIT, Long.MAX_VALUE, 0};
        for (long key : keys) {
            assertThat(refs.get(key)).isNull();
            refs.put(series(key));
        }
        for (long key : keys) {
            assertThat(refs.get(key).ref()).isEqualTo(key);
        }
        assertThat(refs.get(3)).isNull();
        assertThat(refs.get(-1)).isNull();
        List<Long> seen = new ArrayList<>();
        refs.forEach(s -> seen.add(s.ref()));
        assertThat(seen).containsExactlyInAnyOrder(1L, 2L, 4095L, 4096L, 4097L, 100_000L, SeriesRefs.DENSE_LIMIT - 1,
                SeriesRefs.DENSE_LIMIT, Long.MAX_VALUE, 0L);
        for (long key : keys) {
            refs.remove(key);
            assertThat(refs.get(key)).isNull();
        }
        refs.remove(12345);
        List<MemSeries> left = new ArrayList<>();
        refs.forEach(left::add);
        assertThat(left).isEmpty();
        // A freed page comes back on the next put.
        refs.put(series(4097));
        assertThat(refs.get(4097).ref()).isEqualTo(4097);
        assertThat(refs.get(4096)).isNull();
    }
}
