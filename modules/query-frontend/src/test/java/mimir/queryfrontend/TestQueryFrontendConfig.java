package mimir.queryfrontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import mimir.queryfrontend.cache.memcached.MemcachedClientConfig;
import mimir.testing.TestingConfigValues;
import org.junit.jupiter.api.Test;

class TestQueryFrontendConfig {
    private static QueryFrontendConfig config(String backend, Duration split) {
        return config(backend, split, List.of());
    }

    private static QueryFrontendConfig config(String backend, Duration split, List<String> memcachedAddresses) {
        TestingConfigValues values = TestQueryFrontend.defaultConfig(new QueryFrontendProvider())
                .with(QueryFrontendConfig.MEMCACHED_ADDRESSES, memcachedAddresses);
        return new QueryFrontendConfig("/prometheus/", split, true, backend, 1024, QueryFrontendConfig.memcached(values), 5, Duration.ZERO,
                Duration.ofMinutes(2), "", 1024);
    }

    @Test
    void theBackendIsEmbeddedOrMemcached() {
        assertThat(config("", Duration.ofHours(24)).resultsCacheBackend()).isEmpty();
        assertThat(config("inmemory", Duration.ofHours(24)).resultsCacheBackend()).isEqualTo("inmemory");
        assertThat(config("memcached", Duration.ofHours(24), List.of("127.0.0.1:11211")).memcached().addresses()).containsExactly("127.0.0.1:11211");
        assertThatThrownBy(() -> config("memcached", Duration.ofHours(24)))
                .hasMessage("-query-frontend.results-cache.memcached.addresses must list at least one memcached server (host:port or dns+host:port) "
                        + "when -query-frontend.results-cache.backend=memcached");
        assertThatThrownBy(() -> QueryFrontendConfig.RESULTS_CACHE_BACKEND.type().parse("redis")).hasMessageContaining("supported values");
    }

    @Test
    void memcachedSettingsHaveMimirsNamesAndDefaults() {
        MemcachedClientConfig memcached = QueryFrontendConfig.memcached(TestQueryFrontend.defaultConfig(new QueryFrontendProvider()));
        assertThat(QueryFrontendConfig.MEMCACHED_TIMEOUT.flag()).isEqualTo("query-frontend.results-cache.memcached.timeout");
        assertThat(QueryFrontendConfig.MEMCACHED_MAX_ITEM_SIZE.yamlPath()).isEqualTo("frontend.results_cache.memcached.max_item_size");
        assertThat(memcached).isEqualTo(new MemcachedClientConfig("query-frontend.results-cache.memcached.", List.of(), Duration.ofMillis(200),
                Duration.ofMillis(200), 100, 50, 25000, 100, 100, 1024 * 1024));
        assertThatThrownBy(() -> config("memcached", Duration.ofHours(24), List.of("dnssrv+_memcached._tcp.cache")))
                .hasMessageStartingWith("-query-frontend.results-cache.memcached.addresses: dnssrv+ addresses");
    }

    @Test
    void settingsAreChecked() {
        assertThat(config("", Duration.ZERO).prometheusHttpPrefix()).isEqualTo("/prometheus");
        assertThatThrownBy(() -> config("", Duration.ofHours(-1))).hasMessageContaining("-query-frontend.split-queries-by-interval");
        MemcachedClientConfig memcached = config("", Duration.ZERO).memcached();
        assertThatThrownBy(() -> new QueryFrontendConfig("/prometheus", Duration.ZERO, false, "", 1024, memcached, 5, Duration.ZERO, Duration.ZERO, "", 1024))
                .hasMessageContaining("-query-frontend.query-timeout");
    }
}
