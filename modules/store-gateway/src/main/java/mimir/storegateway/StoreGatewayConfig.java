package mimir.storegateway;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import mimir.spi.config.ConfigRegistry;
import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import mimir.spi.config.ValueTypes;
import mimir.storegateway.client.BucketStoreSettings;

/**
 * The store-gateway's settings, Mimir's {@code blocks_storage.bucket_store} flags, YAML keys and defaults.
 *
 * @param syncDir             {@code -blocks-storage.bucket-store.sync-dir}: index-headers and meta.json copies, per tenant and block
 * @param bucketStore         the settings shared with the querier (sync interval, ignored blocks)
 * @param lazyLoading         {@code -blocks-storage.bucket-store.index-header.lazy-loading-enabled}: open a block on its first query
 * @param lazyLoadingIdle     {@code -blocks-storage.bucket-store.index-header.lazy-loading-idle-timeout}: close a block unused this long (0: never)
 * @param indexCacheBytes     {@code -blocks-storage.bucket-store.index-cache.inmemory.max-size-bytes}: the in-memory cache of index and
 *                            chunk pages read from the bucket
 * @param blockSyncConcurrency {@code -blocks-storage.bucket-store.block-sync-concurrency}: blocks prepared in parallel per tenant
 */
public record StoreGatewayConfig(Path syncDir, BucketStoreSettings bucketStore, boolean lazyLoading, Duration lazyLoadingIdle, long indexCacheBytes,
        int blockSyncConcurrency) {
    static final Setting<String> SYNC_DIR = Setting.basic("blocks-storage.bucket-store.sync-dir", "blocks_storage.bucket_store.sync_dir",
            ValueTypes.STRING, "./tsdb-sync/", "Directory to store synchronized TSDB index headers. This directory is not required to be persisted "
                    + "between restarts, but it's highly recommended in order to improve the store-gateway startup time.");
    static final Setting<Boolean> LAZY_LOADING = Setting.advanced("blocks-storage.bucket-store.index-header.lazy-loading-enabled",
            "blocks_storage.bucket_store.index_header.lazy_loading_enabled", ValueTypes.BOOLEAN, true,
            "If enabled, store-gateway will lazy load an index-header only once required by a query.");
    static final Setting<Duration> LAZY_LOADING_IDLE = Setting.advanced("blocks-storage.bucket-store.index-header.lazy-loading-idle-timeout",
            "blocks_storage.bucket_store.index_header.lazy_loading_idle_timeout", ValueTypes.DURATION, Duration.ofHours(1),
            "If index-header lazy loading is enabled and this setting is > 0, the store-gateway will offload unused index-headers after 'idle timeout' inactivity.");
    static final Setting<Long> INDEX_CACHE_BYTES = Setting.advanced("blocks-storage.bucket-store.index-cache.inmemory.max-size-bytes",
            "blocks_storage.bucket_store.index_cache.inmemory.max_size_bytes", ValueTypes.LONG, 1L << 30,
            "Maximum size in bytes of in-memory index cache used to speed up blocks index lookups (shared between all tenants).");
    static final Setting<Integer> BLOCK_SYNC_CONCURRENCY = Setting.advanced("blocks-storage.bucket-store.block-sync-concurrency",
            "blocks_storage.bucket_store.block_sync_concurrency", ValueTypes.INT, 4,
            "Maximum number of concurrent blocks synching per tenant.");

    static final List<Setting<?>> SETTINGS = List.of(SYNC_DIR, LAZY_LOADING, LAZY_LOADING_IDLE, INDEX_CACHE_BYTES, BLOCK_SYNC_CONCURRENCY);

    public StoreGatewayConfig {
        requireNonNull(syncDir, "syncDir is null");
        requireNonNull(bucketStore, "bucketStore is null");
        requireNonNull(lazyLoadingIdle, "lazyLoadingIdle is null");
        if (indexCacheBytes < 0) {
            throw new IllegalArgumentException("-blocks-storage.bucket-store.index-cache.inmemory.max-size-bytes must not be negative");
        }
        if (blockSyncConcurrency < 1) {
            throw new IllegalArgumentException("-blocks-storage.bucket-store.block-sync-concurrency must be at least 1");
        }
    }

    static void register(ConfigRegistry registry) {
        SETTINGS.forEach(registry::register);
        BucketStoreSettings.register(registry);
    }

    static StoreGatewayConfig from(ConfigValues values) {
        return new StoreGatewayConfig(Path.of(values.get(SYNC_DIR)), BucketStoreSettings.from(values), values.get(LAZY_LOADING),
                values.get(LAZY_LOADING_IDLE), values.get(INDEX_CACHE_BYTES), values.get(BLOCK_SYNC_CONCURRENCY));
    }

    /** Defaults with {@code syncDir}, for tests. */
    public static StoreGatewayConfig defaults(Path syncDir) {
        return new StoreGatewayConfig(syncDir, BucketStoreSettings.defaults(), true, Duration.ofHours(1), 1L << 30, 4);
    }

    public StoreGatewayConfig withBucketStore(BucketStoreSettings settings) {
        return new StoreGatewayConfig(syncDir, settings, lazyLoading, lazyLoadingIdle, indexCacheBytes, blockSyncConcurrency);
    }

    public StoreGatewayConfig withLazyLoading(boolean enabled, Duration idle) {
        return new StoreGatewayConfig(syncDir, bucketStore, enabled, idle, indexCacheBytes, blockSyncConcurrency);
    }
}
