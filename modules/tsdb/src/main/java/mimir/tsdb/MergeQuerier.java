package mimir.tsdb;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;

import static java.util.Objects.requireNonNull;

/**
 * One {@link Querier} over several (the head and the blocks of a range): series with equal labels
 * from different queriers become one series whose samples are merged by time.
 *
 * <p>Duplicates: samples with the same timestamp are emitted once. When their values differ, the
 * value of the querier that comes <em>first in the constructor's list</em> wins (Prometheus's merge
 * keeps one of them as well); pass the most authoritative source first.
 *
 * <p>Output is always sorted by labels: every input is asked for sorted series and merged with a
 * k-way scan. Closing closes every input. Not thread-safe.
 */
public final class MergeQuerier implements Querier {
    private final List<Querier> queriers;

    public MergeQuerier(List<? extends Querier> queriers) {
        this.queriers = List.copyOf(requireNonNull(queriers, "queriers is null"));
    }

    @Override
    public SeriesSet select(boolean sorted, List<Matcher> matchers) {
        if (queriers.size() == 1) {
            return queriers.getFirst().select(sorted, matchers);
        }
        SeriesSet[] sets = new SeriesSet[queriers.size()];
        for (int i = 0; i < sets.length; i++) {
            sets[i] = queriers.get(i).select(true, matchers);
        }
        return new MergeSeriesSet(sets);
    }

    /**
     * Merges series sets that are each in ascending label order, as {@link #select} merges its inputs'
     * (equal labels become one series, samples merged by time, the first set winning on equal
     * timestamps); one set is returned as it is.
     */
    public static SeriesSet mergeSorted(List<SeriesSet> sets) {
        return sets.size() == 1 ? sets.getFirst() : new MergeSeriesSet(sets.toArray(SeriesSet[]::new));
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        TreeSet<String> names = new TreeSet<>(Labels::compareUtf8);
        for (Querier querier : queriers) {
            names.addAll(querier.labelNames(matchers));
        }
        return List.copyOf(names);
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        TreeSet<String> values = new TreeSet<>(Labels::compareUtf8);
        for (Querier querier : queriers) {
            values.addAll(querier.labelValues(name, matchers));
        }
        return List.copyOf(values);
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (Querier querier : queriers) {
            try {
                querier.close();
            }
            catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
                else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Merges sorted series sets. Inputs positioned on the current series are advanced lazily, at the
     * following {@link #next()}, so {@link #iterator()} can still ask them for their iterators.
     */
    static final class MergeSeriesSet implements SeriesSet {
        private final SeriesSet[] inputs;
        /** Whether input i is positioned on a series (false once exhausted). */
        private final boolean[] valid;
        /** Whether input i holds the current series (and must be advanced by the next call). */
        private final boolean[] atCurrent;
        private boolean started;
        private Labels current;

        MergeSeriesSet(SeriesSet[] inputs) {
            this.inputs = inputs;
            this.valid = new boolean[inputs.length];
            this.atCurrent = new boolean[inputs.length];
        }

        @Override
        public boolean next() {
            for (int i = 0; i < inputs.length; i++) {
                if (!started || atCurrent[i]) {
                    valid[i] = inputs[i].next();
                }
            }
            started = true;
            current = null;
            for (int i = 0; i < inputs.length; i++) {
                if (valid[i] && (current == null || inputs[i].labels().compareTo(current) < 0)) {
                    current = inputs[i].labels();
                }
            }
            for (int i = 0; i < inputs.length; i++) {
                atCurrent[i] = current != null && valid[i] && inputs[i].labels().equals(current);
            }
            return current != null;
        }

        @Override
        public Labels labels() {
            if (current == null) {
                throw new IllegalStateException("no current series");
            }
            return current;
        }

        @Override
        public SampleIterator iterator() {
            labels();
            List<SampleIterator> iterators = new ArrayList<>(inputs.length);
            for (int i = 0; i < inputs.length; i++) {
                if (atCurrent[i]) {
                    iterators.add(inputs[i].iterator());
                }
            }
            return iterators.size() == 1 ? iterators.getFirst() : new MergeSampleIterator(iterators.toArray(SampleIterator[]::new));
        }
    }
}
