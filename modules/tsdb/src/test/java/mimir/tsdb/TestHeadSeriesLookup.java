package mimir.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import mimir.model.Labels;
import org.junit.jupiter.api.Test;

/** Looking series up without creating them, and the per-label-value and lifetime series counts. */
class TestHeadSeriesLookup {
    @Test
    void lookupDoesNotCreateAndCountsFollowTruncation() throws Exception {
        Head head = Head.inMemory(HeadOptions.defaults());
        Labels a = Labels.of("__name__", "up", "job", "a");
        Labels b = Labels.of("__name__", "up", "job", "b");
        assertThat(head.seriesRef(a)).isZero();
        assertThat(head.numSeries()).isZero();

        HeadAppender appender = head.appender();
        long ref = appender.append(a, 1000, 1);
        appender.append(b, 1000, 1);
        appender.append(Labels.of("__name__", "other"), 1000, 1);
        appender.commit();

        assertThat(head.seriesRef(a)).isEqualTo(ref);
        assertThat(head.seriesRef(Labels.of("__name__", "up", "job", "c"))).isZero();
        assertThat(head.seriesCount("__name__", "up")).isEqualTo(2);
        assertThat(head.seriesCount("__name__", "missing")).isZero();
        assertThat(head.seriesCreatedTotal()).isEqualTo(3);

        head.truncate(HeadOptions.DEFAULT_CHUNK_RANGE);
        assertThat(head.seriesRemovedTotal()).isEqualTo(3);
        assertThat(head.seriesRef(a)).isZero();
    }

    @Test
    void aHandleFindsItsSeriesOnlyWithItsOwnLabelsInItsOwnHeadWhileTheSeriesLives() throws Exception {
        Head head = Head.inMemory(HeadOptions.defaults());
        Head other = Head.inMemory(HeadOptions.defaults());
        HeadAppender appender = head.appender();
        long ref = appender.append(Labels.of("__name__", "up", "job", "a"), 1000, 1);
        appender.commit();
        Labels own = appender.lastLabels();
        Object handle = appender.lastHandle();
        assertThat(handle).isNotNull();

        assertThat(appender.ref(own, handle)).isEqualTo(ref);
        assertThat(appender.ref(Labels.of("__name__", "up", "job", "a"), handle)).as("equal labels are looked up").isEqualTo(ref);
        assertThat(appender.ref(Labels.of("__name__", "up", "job", "b"), handle)).as("other labels ignore the handle").isZero();
        assertThat(appender.ref(own, "not a handle")).isEqualTo(ref);
        assertThat(other.appender().ref(own, handle)).as("another head ignores the handle").isZero();

        appender.append(ref, own, 2000, 2);
        appender.commit();
        head.truncate(HeadOptions.DEFAULT_CHUNK_RANGE);
        assertThat(appender.ref(own, handle)).as("a removed series' handle is stale").isZero();
    }
}
