package mimir.tsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import org.junit.jupiter.api.Test;

class TestHeadAppender {
    private static final long HOUR = 3_600_000L;
    private static final long STALE_NAN_BITS = 0x7ff0000000000002L;
    private static final Labels UP = Labels.of("__name__", "up", "job", "a");

    private final Head head = Head.inMemory(HeadOptions.defaults());

    @Test
    void samplesAreInvisibleUntilCommitAndGoneAfterRollback() throws Exception {
        HeadAppender appender = head.appender();
        appender.append(UP, 1000, 1);
        assertThat(TestingHeads.samples(head)).isEmpty();
        appender.commit();
        assertThat(TestingHeads.samples(head)).hasSize(1);

        appender.append(UP, 2000, 2);
        appender.rollback();
        assertThat(TestingHeads.samples(head)).hasSize(1);
        // The rolled-back timestamp is free again.
        appender.append(UP, 2000, 3);
        appender.commit();
        assertThat(TestingHeads.samples(head)).containsExactly(line(UP, 1000, 1), line(UP, 2000, 3));
    }

    @Test
    void aSampleOvertakenByAConcurrentCommitIsReportedNotSilentlyDropped() throws Exception {
        HeadAppender first = head.appender();
        HeadAppender second = head.appender();
        first.append(UP, 10_000, 1);
        first.append(UP, 20_000, 2);
        // Appendable when appended: nothing newer is committed yet.
        second.append(UP, 15_000, 9);
        second.append(Labels.of("__name__", "up", "job", "b"), 15_000, 3);
        assertThat(first.commit()).isZero();
        assertThat(second.commit()).as("the 15s sample of job a lost the race").isEqualTo(1);
        assertThat(head.samplesRejectedAtCommit()).isEqualTo(1);
        assertThat(TestingHeads.samples(head)).hasSize(3);
        // An identical duplicate that loses the race is not a loss.
        HeadAppender third = head.appender();
        HeadAppender fourth = head.appender();
        third.append(UP, 30_000, 4);
        fourth.append(UP, 30_000, 4);
        assertThat(third.commit()).isZero();
        assertThat(fourth.commit()).isZero();
        assertThat(head.samplesRejectedAtCommit()).isEqualTo(1);
    }

    @Test
    void appendByRefReachesTheSameSeries() throws Exception {
        HeadAppender appender = head.appender();
        long ref = appender.append(UP, 1000, 1);
        assertThat(appender.append(ref, 2000, 2)).isEqualTo(ref);
        assertThat(appender.append(ref, UP, 3000, 3)).isEqualTo(ref);
        assertThat(appender.append(Labels.of("job", "a", "__name__", "up"), 4000, 4)).isEqualTo(ref);
        appender.commit();
        assertThat(TestingHeads.samples(head)).hasSize(4);
        assertThat(head.numSeries()).isEqualTo(1);
        assertThatThrownBy(() -> appender.append(ref + 100, 5000, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown series ref");
        assertThat(appender.append(ref + 100, Labels.of("__name__", "other"), 5000, 5)).isNotEqualTo(ref);
    }

    @Test
    void outOfOrderSampleIsRejectedWithSeriesAndTimestamps() throws Exception {
        HeadAppender appender = head.appender();
        appender.append(UP, 10_000, 1);
        appender.commit();
        assertThatThrownBy(() -> appender.append(UP, 9_000, 1))
                .isInstanceOfSatisfying(OutOfOrderSampleException.class, e -> {
                    assertThat(e.labels()).isEqualTo(UP);
                    assertThat(e.timestamp()).isEqualTo(9_000);
                    assertThat(e.lastTimestamp()).isEqualTo(10_000);
                    assertThat(e.errorId()).isEqualTo("err-mimir-sample-out-of-order");
                })
                .hasMessageContaining("err-mimir-sample-out-of-order").hasMessageContaining("job=\"a\"");
        // Within one batch, too: the batch's own earlier sample counts.
        appender.append(UP, 20_000, 1);
        assertThatThrownBy(() -> appender.append(UP, 15_000, 1)).isInstanceOf(OutOfOrderSampleException.class);
        appender.commit();
        assertThat(TestingHeads.samples(head)).hasSize(2);
    }

    @Test
    void sameTimestampSameValueIsAcceptedOnceAndDifferentValueIsRejected() throws Exception {
        HeadAppender appender = head.appender();
        appender.append(UP, 10_000, 1.5);
        appender.append(UP, 10_000, 1.5);
        assertThatThrownBy(() -> appender.append(UP, 10_000, 2.5)).isInstanceOfSatisfying(DuplicateSampleException.class, e -> {
            assertThat(e.existingValue()).isEqualTo(1.5);
            assertThat(e.newValue()).isEqualTo(2.5);
            assertThat(e.errorId()).isEqualTo("err-mimir-sample-duplicate-timestamp");
        });
        appender.commit();
        appender.append(UP, 10_000, 1.5);
        assertThatThrownBy(() -> appender.append(UP, 10_000, 3)).isInstanceOf(DuplicateSampleException.class);
        appender.commit();
        assertThat(TestingHeads.samples(head)).containsExactly(line(UP, 10_000, 1.5));
    }

    @Test
    void samplesOlderThanHalfAChunkRangeBehindTheNewestAreOutOfBounds() throws Exception {
        HeadAppender appender = head.appender();
        appender.append(UP, 10 * HOUR, 1);
        appender.commit();
        Labels other = Labels.of("__name__", "other");
        appender.append(other, 9 * HOUR, 1);
        assertThatThrownBy(() -> appender.append(other, 9 * HOUR - 1, 1)).isInstanceOfSatisfying(OutOfBoundsSampleException.class, e -> {
            assertThat(e.minValidTime()).isEqualTo(9 * HOUR);
            assertThat(e.labels()).isEqualTo(other);
            assertThat(e.errorId()).isEqualTo("err-mimir-sample-timestamp-too-old");
        });
        appender.commit();
        head.setMinValidTime(9 * HOUR + 5);
        assertThatThrownBy(() -> head.appender().append(other, 9 * HOUR + 4, 1)).isInstanceOf(OutOfBoundsSampleException.class);
    }

    @Test
    void staleMarkersKeepTheirExactBits() throws Exception {
        HeadAppender appender = head.appender();
        appender.append(UP, 1000, 1);
        appender.append(UP, 2000, Double.longBitsToDouble(STALE_NAN_BITS));
        appender.append(UP, 3000, Double.NaN);
        appender.commit();
        try (HeadQuerier querier = head.querier(0, 10_000)) {
            SeriesSet set = querier.select(true, List.of(Matcher.equal("job", "a")));
            assertThat(set.next()).isTrue();
            SampleIterator iterator = set.iterator();
            assertThat(iterator.seek(2000)).isTrue();
            assertThat(Double.doubleToRawLongBits(iterator.value())).isEqualTo(STALE_NAN_BITS);
            assertThat(iterator.next()).isTrue();
            assertThat(Double.doubleToRawLongBits(iterator.value())).isEqualTo(Double.doubleToRawLongBits(Double.NaN));
            assertThat(iterator.next()).isFalse();
        }
    }

    @Test
    void iteratorsHonourTheQueryRangeAndSeekForwardOnly() throws Exception {
        HeadAppender appender = head.appender();
        for (int i = 0; i < 1000; i++) {
            appender.append(UP, i * 15_000L, i);
        }
        appender.commit();
        try (HeadQuerier querier = head.querier(150_000, 3_000_000)) {
            SeriesSet set = querier.select(false, List.of(Matcher.equal("__name__", "up")));
            assertThat(set.next()).isTrue();
            SampleIterator iterator = set.iterator();
            assertThat(iterator.next()).isTrue();
            assertThat(iterator.timestamp()).isEqualTo(150_000);
            assertThat(iterator.seek(2_000_000)).isTrue();
            assertThat(iterator.timestamp()).isEqualTo(2_010_000);
            assertThat(iterator.value()).isEqualTo(134);
            assertThat(iterator.seek(1_000)).isTrue();
            assertThat(iterator.timestamp()).isEqualTo(2_010_000);
            int rest = 0;
            while (iterator.next()) {
                rest++;
            }
            assertThat(rest).isEqualTo(200 - 134);
            assertThat(iterator.seek(Long.MAX_VALUE)).isFalse();
            assertThat(set.next()).isFalse();
        }
        try (HeadQuerier querier = head.querier(20_000_000, 30_000_000)) {
            assertThat(querier.select(true, List.of(Matcher.equal("__name__", "up"))).next()).as("no samples in range").isFalse();
        }
    }

    static String line(Labels labels, long t, double value) {
        return labels + " " + t + " " + Long.toHexString(Double.doubleToRawLongBits(value));
    }
}
