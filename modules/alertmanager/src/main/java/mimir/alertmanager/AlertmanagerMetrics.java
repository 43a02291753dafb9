package mimir.alertmanager;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The Alertmanager's metrics with Mimir's names ({@code cortex_alertmanager_*}, labelled by {@code user}). */
final class AlertmanagerMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> reloads = new ConcurrentHashMap<>();
    final AtomicInteger tenants = new AtomicInteger();

    AlertmanagerMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("cortex_alertmanager_tenants_owned", tenants, AtomicInteger::get).description("Number of tenants owned by the Alertmanager instance.")
                .register(registry);
    }

    private Counter counter(String name, String help, String... tags) {
        return counters.computeIfAbsent(name + String.join("\u0000", tags), key -> Counter.builder(name).description(help).tags(tags).register(registry));
    }

    void received(String tenant, int count, int invalid) {
        counter("cortex_alertmanager_alerts_received_total", "The total number of received alerts.", "user", tenant).increment(count);
        if (invalid > 0) {
            counter("cortex_alertmanager_alerts_invalid_total", "The total number of received alerts that were invalid.", "user", tenant).increment(invalid);
        }
    }

    void notification(String tenant, String integration, boolean failed) {
        counter("cortex_alertmanager_notifications_total", "The total number of attempted notifications.", "integration", integration, "user", tenant)
                .increment();
        if (failed) {
            counter("cortex_alertmanager_notifications_failed_total", "The total number of failed notifications.", "integration", integration, "user",
                    tenant).increment();
        }
    }

    void rateLimited(String tenant, String integration) {
        counter("cortex_alertmanager_notification_rate_limited_total", "Number of rate-limited notifications per integration.", "integration",
                integration, "user", tenant).increment();
    }

    void configReloaded(String tenant, boolean success) {
        reloads.computeIfAbsent(tenant, t -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder("cortex_alertmanager_config_last_reload_successful", value, AtomicInteger::get)
                    .description("Whether the last configuration reload attempt was successful.").tag("user", t).register(registry);
            return value;
        }).set(success ? 1 : 0);
    }
}
