package mimir.queryfrontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class TestQueryFrontendConfig {
    private static QueryFrontendConfig config(String backend, Duration split) {
        return new QueryFrontendConfig("/prometheus/", split, true, backend, 1024, 5, Duration.ZERO, Duration.ofMinutes(2), "", 1024);
    }

    @Test
    void theEmbeddedCacheIsTheOnlyBackendForNow() {
        assertThat(config("", Duration.ofHours(24)).resultsCacheBackend()).isEmpty();
        assertThat(config("inmemory", Duration.ofHours(24)).resultsCacheBackend()).isEqualTo("inmemory");
        assertThatThrownBy(() -> config("memcached", Duration.ofHours(24)))
                .hasMessage("-query-frontend.results-cache.backend=memcached is not available yet: use inmemory (the embedded cache)");
        assertThatThrownBy(() -> QueryFrontendConfig.RESULTS_CACHE_BACKEND.type().parse("redis")).hasMessageContaining("supported values");
    }

    @Test
    void settingsAreChecked() {
        assertThat(config("", Duration.ZERO).prometheusHttpPrefix()).isEqualTo("/prometheus");
        assertThatThrownBy(() -> config("", Duration.ofHours(-1))).hasMessageContaining("-query-frontend.split-queries-by-interval");
        assertThatThrownBy(() -> new QueryFrontendConfig("/prometheus", Duration.ZERO, false, "", 1024, 5, Duration.ZERO, Duration.ZERO, "", 1024))
                .hasMessageContaining("-query-frontend.query-timeout");
    }
}
