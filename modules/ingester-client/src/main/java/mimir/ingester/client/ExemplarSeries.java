package mimir.ingester.client;

import static java.util.Objects.requireNonNull;

import java.util.List;

import mimir.model.Labels;

/**
 * The exemplars of one series.
 *
 * @param seriesLabels the series' labels
 * @param exemplars    its exemplars in time order
 */
public record ExemplarSeries(Labels seriesLabels, List<Exemplar> exemplars) {
    public ExemplarSeries {
        requireNonNull(seriesLabels, "seriesLabels is null");
        exemplars = List.copyOf(exemplars);
    }

    /**
     * One exemplar.
     *
     * @param labels    its own labels (e.g. {@code trace_id})
     * @param value     the sample value it was recorded with
     * @param timestamp milliseconds
     */
    public record Exemplar(Labels labels, double value, long timestamp) {
        public Exemplar {
            requireNonNull(labels, "labels is null");
        }
    }
}
