package mimir.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import mimir.model.storage.SampleIterator;
import org.junit.jupiter.api.Test;

class TestMergeSampleIterator {
    /** Samples of one input, ascending. */
    private static final class ArrayIterator implements SampleIterator {
        private final long[] times;
        private final double[] values;
        private int position = -1;

        ArrayIterator(long[] times, double[] values) {
            this.times = times;
            this.values = values;
        }

        @Override
        public boolean next() {
            return ++position < times.length;
        }

        @Override
        public boolean seek(long t) {
            if (position < 0) {
                position = 0;
            }
            while (position < times.length && times[position] < t) {
                position++;
            }
            return position < times.length;
        }

        @Override
        public long timestamp() {
            return times[position];
        }

        @Override
        public double value() {
            return values[position];
        }
    }

    @Test
    void mergesDisjointOverlappingAndTiedInputsLikeAReferenceMerge() {
        SplittableRandom random = new SplittableRandom(42);
        for (int round = 0; round < 500; round++) {
            int inputs = 1 + random.nextInt(12);
            List<long[]> times = new ArrayList<>();
            List<double[]> values = new ArrayList<>();
            TreeMap<Long, Double> expected = new TreeMap<>();
            boolean disjoint = random.nextBoolean();
            for (int i = 0; i < inputs; i++) {
                int n = random.nextInt(30);
                long start = disjoint ? i * 1000L : random.nextInt(200);
                long[] t = new long[n];
                double[] v = new double[n];
                long at = start;
                for (int k = 0; k < n; k++) {
                    at += 1 + random.nextInt(disjoint ? 30 : 5);
                    t[k] = at;
                    v[k] = i * 1000 + k;
                    expected.putIfAbsent(at, v[k]); // the first input wins a tie
                }
                times.add(t);
                values.add(v);
            }
            SampleIterator[] its = new SampleIterator[inputs];
            for (int i = 0; i < inputs; i++) {
                its[i] = new ArrayIterator(times.get(i), values.get(i));
            }
            MergeSampleIterator merged = new MergeSampleIterator(its);
            TreeMap<Long, Double> actual = new TreeMap<>();
            long seekTo = random.nextBoolean() ? -1 : random.nextInt(3000);
            Map<Long, Double> want = seekTo < 0 ? expected : expected.tailMap(seekTo, true);
            boolean has = seekTo < 0 ? merged.next() : merged.seek(seekTo);
            long previous = Long.MIN_VALUE;
            while (has) {
                assertThat(merged.timestamp()).isGreaterThan(previous);
                previous = merged.timestamp();
                actual.put(merged.timestamp(), merged.value());
                has = merged.next();
            }
            assertThat(actual).as("round %d", round).isEqualTo(want);
        }
    }
}
