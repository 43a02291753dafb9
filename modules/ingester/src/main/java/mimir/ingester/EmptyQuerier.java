package mimir.ingester;

import java.util.List;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;

/** The querier of a tenant this ingester has no data for. */
enum EmptyQuerier implements Querier {
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
