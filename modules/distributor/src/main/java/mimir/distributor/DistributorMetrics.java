package mimir.distributor;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicLong;

import mimir.distributor.remotewrite.Discards;

/**
 * The distributor's metrics under Mimir's names, so Mimir's dashboards work. Counters are looked up
 * once per request and reason, never per sample.
 */
@Singleton
public final class DistributorMetrics {
    private final MeterRegistry registry;
    final AtomicLong inflightRequests = new AtomicLong();
    final AtomicLong inflightBytes = new AtomicLong();

    @Inject
    public DistributorMetrics(MeterRegistry registry, DistributorConfig config) {
        this.registry = requireNonNull(registry, "registry is null");
        Gauge.builder("cortex_distributor_inflight_push_requests", inflightRequests, AtomicLong::get)
                .description("Current number of inflight push requests in distributor.").register(registry);
        Gauge.builder("cortex_distributor_inflight_push_requests_bytes", inflightBytes, AtomicLong::get)
                .description("Current sum of inflight push requests in distributor in bytes.").register(registry);
        instanceLimit("max_inflight_push_requests", config.maxInflightPushRequests());
        instanceLimit("max_ingestion_rate", config.maxIngestionRate());
        instanceLimit("max_inflight_push_requests_bytes", config.maxInflightPushRequestsBytes());
    }

    private void instanceLimit(String limit, double value) {
        Gauge.builder("cortex_distributor_instance_limits", () -> value)
                .description("Instance limits used by this distributor.").tag("limit", limit).register(registry);
    }

    private void count(String name, String description, String tenant, double amount) {
        if (amount > 0) {
            Counter.builder(name).description(description).tag("user", tenant).register(registry).increment(amount);
        }
    }

    void requestIn(String tenant) {
        count("cortex_distributor_requests_in", "The total number of requests that have come in to the distributor, including rejected or "
                + "deduped requests.", tenant, 1);
    }

    void in(String tenant, int samples, int exemplars, int metadata) {
        count("cortex_distributor_samples_in", "The total number of samples that have come in to the distributor, including rejected or "
                + "deduped samples.", tenant, samples);
        count("cortex_distributor_exemplars_in", "The total number of exemplars that have come in to the distributor, including rejected or "
                + "deduped exemplars.", tenant, exemplars);
        count("cortex_distributor_metadata_in", "The total number of metadata the have come in to the distributor, including rejected.",
                tenant, metadata);
    }

    void received(String tenant, int samples, int exemplars, int metadata) {
        count("cortex_distributor_received_requests", "The total number of received requests, excluding rejected and deduped requests.",
                tenant, 1);
        count("cortex_distributor_received_samples", "The total number of received samples, excluding rejected and deduped samples.", tenant,
                samples);
        count("cortex_distributor_received_exemplars", "The total number of received exemplars, excluding rejected and deduped exemplars.",
                tenant, exemplars);
        count("cortex_distributor_received_metadata", "The total number of received metadata, excluding rejected.", tenant, metadata);
    }

    void deduped(String tenant, String cluster, int samples) {
        if (samples > 0) {
            Counter.builder("cortex_distributor_deduped_samples").description("The total number of deduplicated samples.")
                    .tags("user", tenant, "cluster", cluster).register(registry).increment(samples);
        }
    }

    void discarded(String tenant, Discards discards) {
        discards.forEachSampleReason((reason, count) -> discardedSamples(tenant, reason, count));
        discards.forEachExemplarReason((reason, count) -> Counter.builder("cortex_discarded_exemplars")
                .description("The total number of exemplars that were discarded.")
                .tags("reason", reason, "user", tenant).register(registry).increment(count));
        discards.forEachMetadataReason((reason, count) -> Counter.builder("cortex_discarded_metadata")
                .description("The total number of metadata that were discarded.")
                .tags("reason", reason, "user", tenant).register(registry).increment(count));
    }

    void discardedSamples(String tenant, String reason, int count) {
        if (count > 0) {
            Counter.builder("cortex_discarded_samples").description("The total number of samples that were discarded.")
                    .tags("reason", reason, "user", tenant).register(registry).increment(count);
        }
    }
}
