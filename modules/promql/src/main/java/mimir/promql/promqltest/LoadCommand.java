package mimir.promql.promqltest;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * {@code load <step>} or {@code load_with_nhcb <step>}: the i-th value of each series is stored at
 * {@code i * stepMillis}. With {@code withNhcb} classic histograms are also loaded as native histograms
 * with custom buckets.
 */
public record LoadCommand(String file, int line, long stepMillis, boolean withNhcb, List<SeriesDescription> series)
        implements Command {
    public LoadCommand {
        requireNonNull(file, "file is null");
        series = List.copyOf(series);
    }
}
