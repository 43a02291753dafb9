package mimir.querier.storage;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
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
            private FederatedQuerier.BufferedSeries kept;

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
                        kept = null;
                        return true;
                    }
                    FederatedQuerier.BufferedSeries remaining = FederatedQuerier.BufferedSeries.read(candidate, set.iterator(), t -> {
                        for (SeriesDeletions.Request request : matching) {
                            if (t >= request.start() && t <= request.end()) {
                                return false;
                            }
                        }
                        return true;
                    });
                    if (remaining.size > 0) {
                        labels = candidate;
                        kept = remaining;
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
                return kept != null ? kept.iterator() : set.iterator();
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
}
