package mimir.promql.value;

import static java.util.Objects.requireNonNull;

import mimir.model.Labels;

/**
 * One element of an instant vector: a series' labels with the value at the evaluation time.
 *
 * @param labels    the series labels
 * @param timestamp milliseconds since the epoch
 * @param value     the float value
 */
public record Sample(Labels labels, long timestamp, double value) {
    public Sample {
        requireNonNull(labels, "labels is null");
    }
}
