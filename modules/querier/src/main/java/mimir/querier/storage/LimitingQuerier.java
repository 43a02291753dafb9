package mimir.querier.storage;

import static java.util.Objects.requireNonNull;

import java.util.List;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;

/**
 * Counts what a select returns against the query's {@link QueryLimiter}: each series when the engine
 * reaches it, and its samples (as estimated chunks and bytes) as the engine reads them. The count is
 * kept per iterator, so reading a series costs an increment and a compare per sample, no allocation.
 */
final class LimitingQuerier implements Querier {
    private final Querier delegate;
    private final QueryLimiter limiter;

    LimitingQuerier(Querier delegate, QueryLimiter limiter) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.limiter = requireNonNull(limiter, "limiter is null");
    }

    @Override
    public SeriesSet select(boolean sorted, List<Matcher> matchers) {
        SeriesSet set = delegate.select(sorted, matchers);
        return new SeriesSet() {
            @Override
            public boolean next() {
                if (!set.next()) {
                    return false;
                }
                limiter.addSeries(set.labels());
                return true;
            }

            @Override
            public Labels labels() {
                return set.labels();
            }

            @Override
            public SampleIterator iterator() {
                return new CountingIterator(set.iterator(), limiter);
            }
        };
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        return delegate.labelNames(matchers);
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        return delegate.labelValues(name, matchers);
    }

    @Override
    public void close() {
        delegate.close();
    }

    private static final class CountingIterator implements SampleIterator {
        private final SampleIterator delegate;
        private final QueryLimiter limiter;
        /** Samples left before the next one starts a new (estimated) chunk; a countdown, no division per sample. */
        private int untilChunk;

        CountingIterator(SampleIterator delegate, QueryLimiter limiter) {
            this.delegate = delegate;
            this.limiter = limiter;
        }

        private boolean count(boolean present) {
            if (present) {
                if (--untilChunk < 0) {
                    untilChunk = QueryLimiter.SAMPLES_PER_CHUNK - 1;
                    limiter.addChunk();
                }
                limiter.addChunkBytes(QueryLimiter.BYTES_PER_SAMPLE);
            }
            return present;
        }

        @Override
        public boolean next() {
            return count(delegate.next());
        }

        @Override
        public boolean seek(long t) {
            // Counted like next(): a seek that stays put over-counts one sample, which only errs towards the limit.
            return count(delegate.seek(t));
        }

        @Override
        public long timestamp() {
            return delegate.timestamp();
        }

        @Override
        public double value() {
            return delegate.value();
        }

        @Override
        public boolean histogram() {
            return delegate.histogram();
        }
    }
}
