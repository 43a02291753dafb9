package mimir.tsdb;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import mimir.model.Matcher;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.tsdb.chunkenc.XorIterator;

/** Canonical text dumps of a head's samples and chunks, so tests compare heads exactly (value bits included). */
final class TestingHeads {
    private TestingHeads() {}

    /**
     * Appends {@code samples} random samples to up to {@code seriesCount} series (three metric-name and zone
     * spellings, one non-ASCII), timestamps increasing per series from {@code start}, values including a
     * NaN payload, committing at random points.
     */
    static void appendRandom(Head head, java.util.SplittableRandom random, long start, int seriesCount, int samples) throws Exception {
        long[] next = new long[seriesCount];
        java.util.Arrays.fill(next, start);
        HeadAppender appender = head.appender();
        for (int i = 0; i < samples; i++) {
            int s = random.nextInt(seriesCount);
            mimir.model.Labels labels = mimir.model.Labels.of("__name__", "metric_" + (s % 7), "instance", Integer.toString(s), "zone", s % 3 == 0 ? "ü" : "eu");
            next[s] += 1 + random.nextInt(30_000);
            double value = switch (random.nextInt(4)) {
                case 0 -> Double.longBitsToDouble(0x7ff0000000000002L);
                case 1 -> random.nextInt(100);
                default -> random.nextDouble() * 1e6;
            };
            appender.append(labels, next[s], value);
            if (random.nextInt(50) == 0) {
                appender.commit();
            }
        }
        appender.commit();
    }

    /** Every sample in {@code [mint, maxt]} as {@code labels t valueBits}, series in label order. */
    static List<String> samples(Head head, long mint, long maxt, Matcher... matchers) {
        List<String> lines = new ArrayList<>();
        try (HeadQuerier querier = head.querier(mint, maxt)) {
            SeriesSet set = querier.select(true, matchers.length == 0 ? List.of(Matcher.regex("__name__", ".+")) : List.of(matchers));
            while (set.next()) {
                SampleIterator iterator = set.iterator();
                while (iterator.next()) {
                    lines.add(set.labels() + " " + iterator.timestamp() + " " + Long.toHexString(Double.doubleToRawLongBits(iterator.value())));
                }
            }
        }
        return lines;
    }

    static List<String> samples(Head head) {
        return samples(head, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Every chunk of {@link Head#chunkSeriesSet} as {@code labels minT maxT samples base64}. */
    static List<String> chunks(Head head, long mint, long maxt) {
        List<String> lines = new ArrayList<>();
        ChunkSeriesSet set = head.chunkSeriesSet(mint, maxt);
        while (set.next()) {
            for (ChunkData chunk : set.chunks()) {
                lines.add(set.labels() + " " + chunk.minTime() + " " + chunk.maxTime() + " " + sampleCount(chunk) + " "
                        + Base64.getEncoder().encodeToString(chunk.data()));
            }
        }
        return lines;
    }

    /** Sample counts of the chunks of all series, in series then time order. */
    static List<Integer> chunkSizes(Head head) {
        List<Integer> sizes = new ArrayList<>();
        ChunkSeriesSet set = head.chunkSeriesSet(Long.MIN_VALUE, Long.MAX_VALUE);
        while (set.next()) {
            for (ChunkData chunk : set.chunks()) {
                sizes.add(sampleCount(chunk));
            }
        }
        return sizes;
    }

    static int sampleCount(ChunkData chunk) {
        XorIterator iterator = new XorIterator().reset(MemorySegment.ofArray(chunk.data()));
        int count = 0;
        long previous = Long.MIN_VALUE;
        while (iterator.next()) {
            if (count == 0 && iterator.timestamp() != chunk.minTime()) {
                throw new AssertionError("chunk minTime " + chunk.minTime() + " but first sample at " + iterator.timestamp());
            }
            if (iterator.timestamp() <= previous) {
                throw new AssertionError("chunk timestamps not increasing");
            }
            previous = iterator.timestamp();
            count++;
        }
        if (iterator.failure() != null) {
            throw new AssertionError(iterator.failure());
        }
        if (previous != chunk.maxTime()) {
            throw new AssertionError("chunk maxTime " + chunk.maxTime() + " but last sample at " + previous);
        }
        return count;
    }
}
