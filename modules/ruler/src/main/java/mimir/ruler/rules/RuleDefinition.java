package mimir.ruler.rules;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One rule of a group, as written in Prometheus's rule file format.
 *
 * @param record        the recorded metric name (a recording rule), or empty
 * @param alert         the alert name (an alerting rule), or empty
 * @param expr          the PromQL expression
 * @param forDuration   how long an alert is pending before it fires (alerting only)
 * @param keepFiringFor how long a firing alert keeps firing after its condition cleared (alerting only)
 * @param labels        labels added to the result (templated for alerting rules), in file order
 * @param annotations   annotations of the alert (templated), in file order
 */
public record RuleDefinition(String record, String alert, String expr, Duration forDuration, Duration keepFiringFor,
        Map<String, String> labels, Map<String, String> annotations) {
    public RuleDefinition {
        requireNonNull(record, "record is null");
        requireNonNull(alert, "alert is null");
        requireNonNull(expr, "expr is null");
        requireNonNull(forDuration, "forDuration is null");
        requireNonNull(keepFiringFor, "keepFiringFor is null");
        labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        annotations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    }

    public boolean isAlerting() {
        return !alert.isEmpty();
    }

    /** The alert or record name. */
    public String name() {
        return isAlerting() ? alert : record;
    }
}
