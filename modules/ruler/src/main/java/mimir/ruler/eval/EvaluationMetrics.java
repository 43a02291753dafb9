package mimir.ruler.eval;

/** What group evaluation reports, to the metrics of {@code cortex_prometheus_rule_*} and {@code cortex_ruler_*}. */
public interface EvaluationMetrics {
    /** One evaluation of one group. */
    void groupEvaluated(String tenant, String ruleGroup, int rules, int failures, long samples, long timestampMillis, double durationSeconds);

    /** Iterations skipped because an evaluation took longer than the interval. */
    void iterationsMissed(String tenant, String ruleGroup, long missed);

    /** A push of rule results through the distributor, and whether it failed. */
    void write(String tenant, boolean failed);

    /** A query of a rule, and whether it failed. */
    void query(String tenant, boolean failed);

    /** Forgets the group's series when it stops. */
    void groupRemoved(String tenant, String ruleGroup);
}
