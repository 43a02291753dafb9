package mimir.ingester.client;

import static java.util.Objects.requireNonNull;

/**
 * One metric family's metadata, as remote write carries it.
 *
 * @param metricFamilyName the family name (no {@code _bucket}/{@code _total} suffix for histograms and counters
 *                         whose exposition added one)
 * @param type             the type
 * @param help             the help text, possibly empty
 * @param unit             the unit, possibly empty
 */
public record MetricMetadata(String metricFamilyName, Type type, String help, String unit) {
    public MetricMetadata {
        requireNonNull(metricFamilyName, "metricFamilyName is null");
        requireNonNull(type, "type is null");
        requireNonNull(help, "help is null");
        requireNonNull(unit, "unit is null");
    }

    /** Prometheus's metric types, with the names the HTTP API prints. */
    public enum Type {
        UNKNOWN("unknown"),
        COUNTER("counter"),
        GAUGE("gauge"),
        HISTOGRAM("histogram"),
        GAUGEHISTOGRAM("gaugehistogram"),
        SUMMARY("summary"),
        INFO("info"),
        STATESET("stateset");

        private final String apiName;

        Type(String apiName) {
            this.apiName = apiName;
        }

        /** The name in {@code /api/v1/metadata}, e.g. {@code counter}. */
        public String apiName() {
            return apiName;
        }
    }
}
