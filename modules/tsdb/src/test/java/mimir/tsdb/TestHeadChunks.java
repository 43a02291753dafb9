package mimir.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import mimir.model.Labels;
import mimir.tsdb.head.MemSeries;
import org.junit.jupiter.api.Test;

/** Chunk boundaries must be Prometheus's, so that blocks cut from our head look like Prometheus's. */
class TestHeadChunks {
    private static final long HOUR = 3_600_000L;
    private static final Labels SERIES = Labels.of("__name__", "up", "job", "a");

    @Test
    void oneHundredTwentyOneSamplesAtFifteenSecondsMakeChunksOf120And1() throws Exception {
        Head head = Head.inMemory(HeadOptions.defaults());
        appendEvery(head, 0, 15_000, 121);
        assertThat(TestingHeads.chunkSizes(head)).containsExactly(120, 1);
    }

    @Test
    void aBlockRangeSplitsIntoEqualChunksAndABoundaryAlwaysCuts() throws Exception {
        Head head = Head.inMemory(HeadOptions.defaults());
        // 2h at 15s is 480 samples: four chunks of 120 per range; 1000 samples span three ranges.
        appendEvery(head, 0, 15_000, 1000);
        assertThat(TestingHeads.chunkSizes(head)).containsExactly(120, 120, 120, 120, 120, 120, 120, 120, 40);
        assertThat(TestingHeads.chunks(head, 0, 2 * HOUR)).hasSize(4);
    }

    @Test
    void samplesSpanningTheTwoHourBoundaryAreCutThere() throws Exception {
        Head head = Head.inMemory(HeadOptions.defaults());
        appendEvery(head, 2 * HOUR - 10 * 15_000, 15_000, 20);
        assertThat(TestingHeads.chunkSizes(head)).containsExactly(10, 10);
        assertThat(TestingHeads.chunks(head, 2 * HOUR, 4 * HOUR)).singleElement().asString().startsWith(SERIES + " " + 2 * HOUR + " ");
    }

    @Test
    void aRateIncreaseAfterTheEstimateCutsAtTwiceTheTargetCount() throws Exception {
        Head head = Head.inMemory(HeadOptions.defaults());
        // 30 samples at 10s make the estimate cut at 20 min; then 1ms samples would reach it only after 1.2M samples,
        // so the chunk is cut at 240; the next chunk estimates from the 1ms rate and is cut at 120.
        long t = appendEvery(head, 0, 10_000, 30);
        appendEvery(head, t, 1, 500);
        assertThat(TestingHeads.chunkSizes(head)).containsExactly(240, 120, 120, 50);
    }

    @Test
    void incompressibleValuesCutAtTheXorByteCap() throws Exception {
        Head head = Head.inMemory(HeadOptions.defaults());
        SplittableRandom random = new SplittableRandom(1);
        HeadAppender appender = head.appender();
        // The rate jump lets the chunk grow towards 240 samples; random bits need ~8 bytes each, so 1 KiB comes first.
        for (int i = 0; i < 230; i++) {
            long t = i < 30 ? i * 10_000L : 290_000L + i;
            appender.append(SERIES, t, Double.longBitsToDouble(random.nextLong()));
        }
        appender.commit();
        ChunkSeriesSet set = head.chunkSeriesSet(Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(set.next()).isTrue();
        ChunkData first = set.chunks().getFirst();
        assertThat(TestingHeads.sampleCount(first)).isLessThan(200);
        assertThat(first.data().length).isBetween(MemSeries.MAX_BYTES_PER_XOR_CHUNK, 1024);
    }

    @Test
    void chunkEndEstimateIsPrometheus() {
        // 30 samples at 15s from 0 (last at 435s): 7.2M / (435001 * 4) = 4.14 -> four chunks -> end at 30 min.
        assertThat(MemSeries.computeChunkEndTime(0, 435_000, 2 * HOUR, 4)).isEqualTo(HOUR / 2);
        assertThat(MemSeries.computeChunkEndTime(0, 2 * HOUR, 2 * HOUR, 4)).isEqualTo(2 * HOUR);
        assertThat(MemSeries.computeChunkEndTime(1000, 1029, 1000 + 2 * HOUR, 4)).isEqualTo(1000 + 120);
    }

    /** Appends {@code count} samples {@code step} apart starting at {@code start}; returns the next timestamp. */
    private static long appendEvery(Head head, long start, long step, int count) throws Exception {
        HeadAppender appender = head.appender();
        long t = start;
        for (int i = 0; i < count; i++) {
            appender.append(SERIES, t, i);
            t += step;
        }
        appender.commit();
        return t;
    }
}
