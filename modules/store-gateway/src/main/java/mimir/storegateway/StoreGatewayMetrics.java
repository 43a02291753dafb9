package mimir.storegateway;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The store-gateway's metrics, with Mimir's names where Mimir has the metric. */
final class StoreGatewayMetrics {
    final Counter blockLoads;
    final Counter blockLoadFailures;
    final Counter blockDrops;
    final Counter syncs;
    final Counter syncFailures;
    final LongAdder fetchedBytes = new LongAdder();
    final LongAdder requests = new LongAdder();
    volatile double lastSuccessfulSyncSeconds;
    volatile int tenantsDiscovered;

    StoreGatewayMetrics(MeterRegistry registry, StoreGateway gateway, PageCache cache) {
        requireNonNull(registry, "registry is null");
        blockLoads = Counter.builder("cortex_bucket_store_block_loads").description("Total number of remote block loading attempts.").register(registry);
        blockLoadFailures = Counter.builder("cortex_bucket_store_block_load_failures")
                .description("Total number of failed remote block loading attempts.").register(registry);
        blockDrops = Counter.builder("cortex_bucket_store_block_drops").description("Total number of local blocks that were dropped.").register(registry);
        syncs = Counter.builder("cortex_blocks_meta_syncs").tag("component", "store-gateway").description("Total blocks metadata synchronization attempts.")
                .register(registry);
        syncFailures = Counter.builder("cortex_blocks_meta_sync_failures").tag("component", "store-gateway")
                .description("Total blocks metadata synchronization failures.").register(registry);
        Gauge.builder("cortex_bucket_store_blocks_loaded", gateway, StoreGateway::loadedBlocks).description("Number of currently loaded blocks.")
                .register(registry);
        Gauge.builder("cortex_bucket_stores_tenants_discovered", this, m -> m.tenantsDiscovered)
                .description("Number of tenants discovered in the bucket.").register(registry);
        Gauge.builder("cortex_bucket_stores_tenants_synced", gateway, g -> g.tenantIds().size())
                .description("Number of tenants synced.").register(registry);
        Gauge.builder("cortex_bucket_stores_blocks_last_successful_sync_timestamp_seconds", this, m -> m.lastSuccessfulSyncSeconds)
                .description("Unix timestamp of the last successful blocks sync.").register(registry);
        Gauge.builder("cortex_bucket_store_index_cache_items", cache, PageCache::items)
                .description("Current number of items in the index cache (pages of index and chunk objects).").register(registry);
        Gauge.builder("cortex_bucket_store_index_cache_size_bytes", cache, PageCache::bytes)
                .description("Current byte size of items in the index cache.").register(registry);
        FunctionCounter.builder("cortex_bucket_store_index_cache_hits", cache, PageCache::hits)
                .description("Total number of requests to the cache that were a hit.").register(registry);
        FunctionCounter.builder("cortex_bucket_store_index_cache_requests", cache, c -> c.hits() + c.misses())
                .description("Total number of requests to the cache.").register(registry);
        FunctionCounter.builder("cortex_bucket_store_index_cache_evictions", cache, PageCache::evictions)
                .description("Total number of items that were evicted from the index cache.").register(registry);
        FunctionCounter.builder("cortex_bucket_store_fetched_bytes", fetchedBytes, LongAdder::sum)
                .description("Bytes read from the bucket (index-headers, postings, series and chunks).").register(registry);
        FunctionCounter.builder("cortex_bucket_store_range_requests", requests, LongAdder::sum)
                .description("Ranged GETs sent to the bucket for postings, series and chunks.").register(registry);
    }
}
