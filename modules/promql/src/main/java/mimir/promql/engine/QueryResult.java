package mimir.promql.engine;

import static java.util.Objects.requireNonNull;

import java.util.List;

import mimir.promql.value.Value;

/**
 * The outcome of a successful query.
 *
 * @param value    the result
 * @param warnings annotation texts of Prometheus's {@code warnings}, each ending with the position of the
 *                 offending sub-expression, e.g. {@code PromQL warning: ... (1:5)}
 * @param infos    annotation texts of Prometheus's {@code infos}
 * @param stats    what the query cost
 */
public record QueryResult(Value value, List<String> warnings, List<String> infos, QueryStats stats) {
    public QueryResult {
        requireNonNull(value, "value is null");
        warnings = List.copyOf(warnings);
        infos = List.copyOf(infos);
        requireNonNull(stats, "stats is null");
    }
}
