package mimir.model.storage;

import java.util.List;

import mimir.model.Labels;
import mimir.model.Matcher;

/** A querier over no series: what a store answers for a tenant or range it holds nothing of. */
public enum EmptyQuerier implements Querier {
    INSTANCE;

    @Override
    public SeriesSet select(boolean sorted, List<Matcher> matchers) {
        return new SeriesSet() {
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
