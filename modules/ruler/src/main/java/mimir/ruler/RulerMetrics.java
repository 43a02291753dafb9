package mimir.ruler;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

import mimir.ruler.eval.EvaluationMetrics;
import mimir.ruler.eval.Notifier;

/**
 * The ruler's metrics with Mimir's names: Prometheus's rule manager metrics prefixed {@code cortex_}
 * with labels {@code user} and {@code rule_group} ({@code <namespace>;<group>}), the ruler's own
 * {@code cortex_ruler_*}, and the notifier's {@code cortex_prometheus_notifications_*}.
 */
final class RulerMetrics implements EvaluationMetrics, Notifier.Listener {
    private final MeterRegistry registry;
    private final Map<String, GroupMeters> groups = new ConcurrentHashMap<>();
    final AtomicInteger managers = new AtomicInteger();

    /** Per-group values behind gauges. */
    private static final class GroupMeters {
        final List<Meter> meters = new ArrayList<>();
        final Counter evaluations;
        final Counter failures;
        final Counter iterations;
        final Counter missed;
        volatile double lastTimestamp;
        volatile double lastDuration;
        volatile double rules;
        volatile double samples;

        GroupMeters(MeterRegistry registry, String tenant, String group) {
            Tags tags = Tags.of("rule_group", group, "user", tenant);
            evaluations = add(Counter.builder("cortex_prometheus_rule_evaluations_total").description("The total number of rule evaluations.")
                    .tags(tags).register(registry));
            failures = add(Counter.builder("cortex_prometheus_rule_evaluation_failures_total")
                    .description("The total number of rule evaluation failures.").tags(tags).register(registry));
            iterations = add(Counter.builder("cortex_prometheus_rule_group_iterations_total")
                    .description("The total number of scheduled rule group evaluations, whether executed or missed.").tags(tags).register(registry));
            missed = add(Counter.builder("cortex_prometheus_rule_group_iterations_missed_total")
                    .description("The total number of rule group evaluations missed due to slow rule group evaluation.").tags(tags).register(registry));
            gauge(registry, "cortex_prometheus_rule_group_last_evaluation_timestamp_seconds",
                    "The timestamp of the last rule group evaluation in seconds.", tags, m -> m.lastTimestamp);
            gauge(registry, "cortex_prometheus_rule_group_last_duration_seconds", "The duration of the last rule group evaluation.", tags,
                    m -> m.lastDuration);
            gauge(registry, "cortex_prometheus_rule_group_rules", "The number of rules.", tags, m -> m.rules);
            gauge(registry, "cortex_prometheus_last_evaluation_samples", "The number of samples returned during the last rule group evaluation.",
                    tags, m -> m.samples);
        }

        private <M extends Meter> M add(M meter) {
            meters.add(meter);
            return meter;
        }

        private void gauge(MeterRegistry registry, String name, String help, Tags tags, ToDoubleFunction<GroupMeters> value) {
            meters.add(Gauge.builder(name, this, value).description(help).tags(tags).register(registry));
        }
    }

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    RulerMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("cortex_ruler_managers_total", managers, AtomicInteger::get).description("Total number of managers registered and running in the ruler")
                .register(registry);
    }

    private GroupMeters group(String tenant, String group) {
        return groups.computeIfAbsent(tenant + "\u0000" + group, key -> new GroupMeters(registry, tenant, group));
    }

    private Counter counter(String name, String help, String... tags) {
        return counters.computeIfAbsent(name + String.join("\u0000", tags), key -> Counter.builder(name).description(help).tags(tags).register(registry));
    }

    @Override
    public void groupEvaluated(String tenant, String ruleGroup, int rules, int failures, long samples, long timestampMillis, double durationSeconds) {
        GroupMeters meters = group(tenant, ruleGroup);
        meters.evaluations.increment(rules);
        meters.failures.increment(failures);
        meters.iterations.increment();
        meters.lastTimestamp = timestampMillis / 1000.0;
        meters.lastDuration = durationSeconds;
        meters.rules = rules;
        meters.samples = samples;
    }

    @Override
    public void iterationsMissed(String tenant, String ruleGroup, long missed) {
        GroupMeters meters = group(tenant, ruleGroup);
        meters.missed.increment(missed);
        meters.iterations.increment(missed);
    }

    @Override
    public void write(String tenant, boolean failed) {
        counter("cortex_ruler_write_requests_total", "Number of write requests to ingesters.", "user", tenant).increment();
        if (failed) {
            counter("cortex_ruler_write_requests_failed_total", "Number of failed write requests to ingesters.", "user", tenant).increment();
        }
    }

    @Override
    public void query(String tenant, boolean failed) {
        counter("cortex_ruler_queries_total", "Number of queries executed by ruler.", "user", tenant).increment();
        if (failed) {
            counter("cortex_ruler_queries_failed_total", "Number of failed queries by ruler.", "user", tenant).increment();
        }
    }

    @Override
    public void groupRemoved(String tenant, String ruleGroup) {
        GroupMeters meters = groups.remove(tenant + "\u0000" + ruleGroup);
        if (meters != null) {
            meters.meters.forEach(registry::remove);
        }
    }

    void configUpdated(String tenant) {
        counter("cortex_ruler_config_updates_total", "Total number of config updates triggered by a user", "user", tenant).increment();
    }

    @Override
    public void sent(String tenant, String alertmanager, int count) {
        counter("cortex_prometheus_notifications_sent_total", "Total number of alerts sent.", "alertmanager", alertmanager, "user", tenant).increment(count);
    }

    @Override
    public void failed(String tenant, String alertmanager, int count) {
        counter("cortex_prometheus_notifications_errors_total", "Total number of errors sending alert notifications.", "alertmanager", alertmanager,
                "user", tenant).increment(count);
        sent(tenant, alertmanager, count);
    }

    @Override
    public void dropped(String tenant, int count) {
        counter("cortex_prometheus_notifications_dropped_total", "Total number of alerts dropped due to errors when sending to Alertmanager.",
                "user", tenant).increment(count);
    }

    void notificationQueue(Notifier notifier, int capacity) {
        Gauge.builder("cortex_prometheus_notifications_queue_length", notifier, Notifier::queueLength).description("The number of alert notifications in the queue.")
                .register(registry);
        Gauge.builder("cortex_prometheus_notifications_queue_capacity", () -> capacity).description("The capacity of the alert notifications queue.")
                .register(registry);
    }
}
