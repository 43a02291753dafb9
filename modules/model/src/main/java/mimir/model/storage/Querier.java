package mimir.model.storage;

import java.util.List;

import mimir.model.Matcher;

/**
 * Reads series from storage within a fixed time range {@code [mint, maxt]} (inclusive, milliseconds),
 * the interface between the query engine and every store (head, blocks, ingesters, store-gateways).
 * Prometheus's {@code storage.Querier}.
 */
public interface Querier extends AutoCloseable {
    /**
     * The series whose labels match every matcher, with their samples in {@code [mint, maxt]}.
     *
     * @param sorted whether the series must come in ascending label order
     */
    SeriesSet select(boolean sorted, List<Matcher> matchers);

    /** Label names of the series matching the matchers (all series if none), sorted. */
    List<String> labelNames(List<Matcher> matchers);

    /** Values of a label among the series matching the matchers, sorted. */
    List<String> labelValues(String name, List<Matcher> matchers);

    @Override
    void close();
}
