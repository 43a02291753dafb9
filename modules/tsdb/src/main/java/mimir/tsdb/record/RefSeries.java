package mimir.tsdb.record;

import mimir.model.Labels;

import static java.util.Objects.requireNonNull;

/** A series record entry: the head's series ref and the series' labels. */
public record RefSeries(long ref, Labels labels) {
    public RefSeries {
        requireNonNull(labels, "labels is null");
    }
}
