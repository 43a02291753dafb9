package mimir.querier.storage;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import mimir.bucket.SeriesDeletions;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;

/**
 * Hides the samples a tenant's series deletion requests cover, whichever source they come from (head,
 * blocks not yet rewritten by the compactor, replicas): a series a request matches has the samples in
 * the request's range removed, and is left out when none remain. Series no request matches pass
 * through untouched; only matched ones are buffered.
 */
final class DeletionFilteringQuerier implements Querier {
    private final Querier inner;
    private final List<SeriesDeletions.Request> requests;

    /** @param requests the tenant's requests that reach into the queried range (not empty) */
    DeletionFilteringQuerier(Querier inner, List<SeriesDeletions.Request> requests) {
        this.inner = requireNonNull(inner, "inner is null");
        this.requests = List.copyOf(requests);
    }

    @Override
    public SeriesSet select(boolean sorted, List<Matcher> matchers) {
        SeriesSet set = inner.select(sorted, matchers);
        return new SeriesSet() {
            private Labels labels;
            private Buffered iterator;

            @Override
            public boolean next() {
                while (set.next()) {
                    Labels candidate = set.labels();
                    List<SeriesDeletions.Request> matching = new ArrayList<>();
                    for (SeriesDeletions.Request request : requests) {
                        if (request.matches(candidate)) {
                            matching.add(request);
                        }
                    }
                    if (matching.isEmpty()) {
                        labels = candidate;
                        iterator = null;
                        return true;
                    }
                    Buffered kept = Buffered.without(set.iterator(), matching);
                    if (kept.size > 0) {
                        labels = candidate;
                        iterator = kept;
                        return true;
                    }
                }
                return false;
            }

            @Override
            public Labels labels() {
                return labels;
            }

            @Override
            public SampleIterator iterator() {
                return iterator != null ? iterator.reset() : set.iterator();
            }
        };
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        return inner.labelNames(matchers);
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        return inner.labelValues(name, matchers);
    }

    @Override
    public void close() {
        inner.close();
    }

    /** The samples of a matched series that no request covers, in memory. */
    private static final class Buffered implements SampleIterator {
        private long[] timestamps = new long[64];
        private double[] values = new double[64];
        private int size;
        private int position = -1;

        static Buffered without(SampleIterator source, List<SeriesDeletions.Request> matching) {
            Buffered buffered = new Buffered();
            while (source.next()) {
                long t = source.timestamp();
                boolean deleted = false;
                for (SeriesDeletions.Request request : matching) {
                    if (t >= request.start() && t <= request.end()) {
                        deleted = true;
                        break;
                    }
                }
                if (!deleted) {
                    buffered.add(t, source.value());
                }
            }
            return buffered;
        }

        private void add(long t, double v) {
            if (size == timestamps.length) {
                timestamps = Arrays.copyOf(timestamps, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            timestamps[size] = t;
            values[size] = v;
            size++;
        }

        SampleIterator reset() {
            position = -1;
            return this;
        }

        @Override
        public boolean next() {
            if (position + 1 >= size) {
                position = size;
                return false;
            }
            position++;
            return true;
        }

        @Override
        public boolean seek(long t) {
            if (position < 0) {
                position = 0;
            }
            while (position < size && timestamps[position] < t) {
                position++;
            }
            return position < size;
        }

        @Override
        public long timestamp() {
            return timestamps[position];
        }

        @Override
        public double value() {
            return values[position];
        }
    }
}
