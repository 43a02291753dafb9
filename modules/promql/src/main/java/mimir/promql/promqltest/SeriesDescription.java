package mimir.promql.promqltest;

import static java.util.Objects.requireNonNull;

import java.util.List;

import mimir.model.Labels;

/**
 * A series line: its labels and its expanded value sequence. {@code startTimestamps} is the raw item text
 * of a preceding {@code @st} line (start-timestamp offsets, {@code start_timestamps.test} only) or null.
 */
public record SeriesDescription(Labels labels, List<SequenceValue> values, String startTimestamps, int line) {
    public SeriesDescription {
        requireNonNull(labels, "labels is null");
        values = List.copyOf(values);
    }
}
