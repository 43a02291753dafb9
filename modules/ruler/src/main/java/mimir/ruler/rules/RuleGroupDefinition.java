package mimir.ruler.rules;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * One tenant's rule group in one namespace: Prometheus's rule group with Mimir's extensions.
 *
 * @param namespace      the namespace (Prometheus's rule file); the config API's path element
 * @param name           the group name, unique within the namespace
 * @param interval       the evaluation interval; zero means {@code -ruler.evaluation-interval}
 * @param limit          the most series or alerts one evaluation of a rule may produce; 0 means no limit
 * @param queryOffset    how far before the evaluation time queries look; null means the tenant's
 *                       {@code ruler_evaluation_delay_duration}
 * @param sourceTenants  tenants the group's queries read (federated rule groups); empty means the owner
 * @param alignEvaluationTimeOnInterval whether evaluations happen at multiples of the interval
 * @param rules          the rules in evaluation order
 */
public record RuleGroupDefinition(String namespace, String name, Duration interval, long limit, Duration queryOffset,
        List<String> sourceTenants, boolean alignEvaluationTimeOnInterval, List<RuleDefinition> rules) {
    public RuleGroupDefinition {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(name, "name is null");
        requireNonNull(interval, "interval is null");
        sourceTenants = List.copyOf(sourceTenants);
        rules = List.copyOf(rules);
    }
}
