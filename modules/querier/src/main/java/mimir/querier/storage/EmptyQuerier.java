package mimir.querier.storage;

import java.util.List;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;

/** A querier over nothing: for a range outside every source, or a lookback-clamped empty range. */
final class EmptyQuerier implements Querier {
    static final EmptyQuerier INSTANCE = new EmptyQuerier();

    static final SeriesSet EMPTY_SET = new SeriesSet() {
        @Override
        public boolean next() {
            return false;
        }

        @Override
        public Labels labels() {
            throw new IllegalStateException("no series");
        }

        @Override
        public SampleIterator iterator() {
            throw new IllegalStateException("no series");
        }
    };

    private EmptyQuerier() {}

    @Override
    public SeriesSet select(boolean sorted, List<Matcher> matchers) {
        return EMPTY_SET;
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        return List.of();
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        return List.of();
    }

    @Override
    public void close() {}
}
