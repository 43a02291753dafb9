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
