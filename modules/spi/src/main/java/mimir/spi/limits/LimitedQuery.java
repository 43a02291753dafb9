package mimir.spi.limits;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import mimir.spi.config.Durations;

/**
 * One entry of the {@code limited_queries} limit: the query may run at most once per
 * {@code allowedFrequency}.
 *
 * @param query            the PromQL expression, matched literally
 * @param allowedFrequency the minimum time between two runs of the query
 */
public record LimitedQuery(String query, Duration allowedFrequency) {
    private static final Set<String> FIELDS = Set.of("query", "allowed_frequency");

    public LimitedQuery {
        requireNonNull(query, "query is null");
        requireNonNull(allowedFrequency, "allowedFrequency is null");
    }

    static LimitedQuery fromYaml(Object node, String context) {
        YamlFields fields = YamlFields.of(node, context, FIELDS);
        return new LimitedQuery(fields.string("query", ""), fields.duration("allowed_frequency", Duration.ZERO));
    }

    Map<String, Object> toYaml() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("query", query);
        out.put("allowed_frequency", Durations.format(allowedFrequency));
        return out;
    }
}
