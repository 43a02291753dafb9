package mimir.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import mimir.spi.config.Setting;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.StorageScope;
import mimir.storage.gcs.GcsObjectStoreProvider.Settings;
import mimir.testing.AbstractTestObjectStore;
import mimir.testing.FakeGcsServer;
import mimir.testing.TestingConfigValues;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The object store contract and the GCS backend's own behaviour, against the in-repo fake of the GCS JSON API. */
class TestGcsObjectStore extends AbstractTestObjectStore {
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static FakeGcsServer server;
    private static GcsObjectStoreProvider provider;

    @BeforeAll
    static void startFake() throws IOException {
        server = new FakeGcsServer(3);  // tiny pages, so listings cross page tokens
        provider = new GcsObjectStoreProvider(server.endpoint());
    }

    @AfterAll
    static void stopFake() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected ObjectStore createStore() throws IOException {
        String bucket = "test-" + BUCKETS.incrementAndGet();
        server.createBucket(bucket);
        return provider.open(StorageScope.BLOCKS, values(StorageScope.BLOCKS, bucket));
    }

    @Override
    protected long largeObjectSize() {
        return 40L * 1024 * 1024;  // several resumable chunks of 8 MiB
    }

    private static TestingConfigValues values(StorageScope scope, String bucket) {
        Settings s = provider.settingsOf(scope);
        return TestingConfigValues.defaults(s.all()).with(s.bucketName(), bucket);
    }

    @Test
    void settingsUseMimirsNamesInEveryScope() {
        assertThat(provider.settings(StorageScope.BLOCKS)).extracting(Setting::flag).containsExactly(
                "blocks-storage.gcs.bucket-name", "blocks-storage.gcs.service-account", "blocks-storage.gcs.enable-upload-retries",
                "blocks-storage.gcs.max-retries", "blocks-storage.gcs.upload-rate-limit-enabled", "blocks-storage.gcs.upload-initial-qps",
                "blocks-storage.gcs.upload-max-qps", "blocks-storage.gcs.upload-ramp-period", "blocks-storage.gcs.read-rate-limit-enabled",
                "blocks-storage.gcs.read-initial-qps", "blocks-storage.gcs.read-max-qps", "blocks-storage.gcs.read-ramp-period",
                "blocks-storage.gcs.http.idle-conn-timeout", "blocks-storage.gcs.http.response-header-timeout",
                "blocks-storage.gcs.http.insecure-skip-verify", "blocks-storage.gcs.tls-handshake-timeout",
                "blocks-storage.gcs.expect-continue-timeout", "blocks-storage.gcs.max-idle-connections",
                "blocks-storage.gcs.max-idle-connections-per-host", "blocks-storage.gcs.max-connections-per-host",
                "blocks-storage.gcs.http.tls-ca-path", "blocks-storage.gcs.http.tls-cert-path", "blocks-storage.gcs.http.tls-key-path",
                "blocks-storage.gcs.http.tls-server-name");
        assertThat(provider.settings(StorageScope.ALERTMANAGER)).extracting(Setting::yamlPath).containsExactly(
                "alertmanager_storage.gcs.bucket_name", "alertmanager_storage.gcs.service_account",
                "alertmanager_storage.gcs.enable_upload_retries", "alertmanager_storage.gcs.max_retries",
                "alertmanager_storage.gcs.upload_rate_limit_enabled", "alertmanager_storage.gcs.upload_initial_qps",
                "alertmanager_storage.gcs.upload_max_qps", "alertmanager_storage.gcs.upload_ramp_period",
                "alertmanager_storage.gcs.read_rate_limit_enabled", "alertmanager_storage.gcs.read_initial_qps",
                "alertmanager_storage.gcs.read_max_qps", "alertmanager_storage.gcs.read_ramp_period",
                "alertmanager_storage.gcs.http.idle_conn_timeout", "alertmanager_storage.gcs.http.response_header_timeout",
                "alertmanager_storage.gcs.http.insecure_skip_verify", "alertmanager_storage.gcs.http.tls_handshake_timeout",
                "alertmanager_storage.gcs.http.expect_continue_timeout", "alertmanager_storage.gcs.http.max_idle_connections",
                "alertmanager_storage.gcs.http.max_idle_connections_per_host", "alertmanager_storage.gcs.http.max_connections_per_host",
                "alertmanager_storage.gcs.http.tls_ca_path", "alertmanager_storage.gcs.http.tls_cert_path",
                "alertmanager_storage.gcs.http.tls_key_path", "alertmanager_storage.gcs.http.tls_server_name");
        assertThat(provider.settings(StorageScope.RULER)).extracting(Setting::flag).contains("ruler-storage.gcs.max-retries",
                "ruler-storage.gcs.http.tls-server-name");
        assertThat(provider.settings(StorageScope.COMMON)).extracting(Setting::yamlPath).contains("common.storage.gcs.read_ramp_period",
                "common.storage.gcs.http.max_idle_connections");
        Settings s = provider.settingsOf(StorageScope.BLOCKS);
        assertThat(s.maxRetries().defaultValue()).isEqualTo(20);
        assertThat(s.upload().initialQps().defaultValue()).isEqualTo(1000);
        assertThat(s.upload().maxQps().defaultValue()).isEqualTo(3200);
        assertThat(s.read().initialQps().defaultValue()).isEqualTo(5000);
        assertThat(s.read().maxQps().defaultValue()).isEqualTo(16000);
        assertThat(s.read().rampPeriod().defaultValue()).isEqualTo(Duration.ofMinutes(20));
    }

    @Test
    void badNewSettingsAreRejectedNamingTheFlag() {
        Settings s = provider.settingsOf(StorageScope.BLOCKS);
        TestingConfigValues base = values(StorageScope.BLOCKS, "b");
        assertThatIllegalArgumentException().isThrownBy(() -> GcsObjectStoreProvider.config(s, base.with(s.maxRetries(), -1), null))
                .withMessage("-blocks-storage.gcs.max-retries must not be negative: -1");
        assertThatIllegalArgumentException().isThrownBy(() -> GcsObjectStoreProvider.config(s, base.with(s.upload().enabled(), true)
                        .with(s.upload().initialQps(), 0), null))
                .withMessage("-blocks-storage.gcs.upload-initial-qps must be greater than 0 when rate limiting is enabled"
                        + " (-blocks-storage.gcs.upload-rate-limit-enabled)");
        assertThatIllegalArgumentException().isThrownBy(() -> GcsObjectStoreProvider.config(s, base.with(s.read().enabled(), true)
                        .with(s.read().maxQps(), -3), null))
                .withMessageStartingWith("-blocks-storage.gcs.read-max-qps must be greater than 0");
        assertThatIllegalArgumentException().isThrownBy(() -> GcsObjectStoreProvider.config(s, base.with(s.read().enabled(), true)
                        .with(s.read().rampPeriod(), Duration.ZERO), null))
                .withMessageStartingWith("-blocks-storage.gcs.read-ramp-period must be greater than 0");
        assertThatIllegalArgumentException().isThrownBy(() -> GcsObjectStoreProvider.config(s, base.with(s.http().tlsHandshakeTimeout(),
                        Duration.ofSeconds(-1)), null))
                .withMessageStartingWith("-blocks-storage.gcs.tls-handshake-timeout must not be negative");
        assertThatIllegalArgumentException().isThrownBy(() -> GcsObjectStoreProvider.config(s, base.with(s.http().tlsCertPath(), "/c.pem"), null))
                .withMessage("-blocks-storage.gcs.http.tls-cert-path and -blocks-storage.gcs.http.tls-key-path must be set together");
        // Disabled limits are not validated, as in Mimir.
        assertThat(GcsObjectStoreProvider.config(s, base.with(s.upload().initialQps(), 0), null).uploadLimit()).isNull();
    }

    @Test
    void rateLimiterRampsFromTheInitialToTheMaximumRate() {
        long[] now = {0};
        RampingRateLimiter limiter = new RampingRateLimiter(new GcsObjectStoreProvider.RateLimit(10, 35, Duration.ofSeconds(60)), () -> now[0]);
        assertThat(limiter.qps(0)).isEqualTo(10);
        assertThat(limiter.qps(Duration.ofSeconds(61).toNanos())).isEqualTo(20);
        assertThat(limiter.qps(Duration.ofSeconds(121).toNanos())).isEqualTo(35);
        assertThat(limiter.qps(Duration.ofDays(365).toNanos())).isEqualTo(35);
        // 10 qps: requests at the same instant are spaced 100 ms apart.
        assertThat(limiter.reserve()).isZero();
        assertThat(limiter.reserve()).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(limiter.reserve()).isEqualTo(Duration.ofMillis(200).toNanos());
        now[0] = Duration.ofSeconds(10).toNanos();  // idle time is not saved up as a burst
        assertThat(limiter.reserve()).isZero();
    }

    @Test
    void newSettingsApplyToTheStore() throws IOException {
        Settings s = provider.settingsOf(StorageScope.BLOCKS);
        server.createBucket("limited");
        TestingConfigValues values = values(StorageScope.BLOCKS, "limited")
                .with(s.enableUploadRetries(), true)
                .with(s.maxRetries(), 3)
                .with(s.upload().enabled(), true).with(s.upload().initialQps(), 10).with(s.upload().maxQps(), 10)
                .with(s.read().enabled(), true).with(s.read().initialQps(), 1000)
                .with(s.http().maxConnectionsPerHost(), 2)
                .with(s.http().idleConnTimeout(), Duration.ofSeconds(1))
                .with(s.http().responseHeaderTimeout(), Duration.ofSeconds(20));
        try (ObjectStore store = provider.open(StorageScope.BLOCKS, values)) {
            long start = System.nanoTime();
            for (int i = 0; i < 4; i++) {
                store.put("k" + i, bytes("v" + i));
            }
            // 10 uploads a second: the fourth waits for its slot 300 ms after the first.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
            try (var in = store.get("k3")) {
                assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("v3");
            }
        }
    }

    @Test
    void missingBucketFailsAtOpenNamingTheFlag() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> provider.open(StorageScope.RULER, values(StorageScope.RULER, "no-such-bucket")))
                .withMessageStartingWith("-ruler-storage.gcs.bucket-name=no-such-bucket: bucket does not exist");
    }

    @Test
    void invalidConfigurationIsRejectedNamingTheFlag() {
        Settings s = provider.settingsOf(StorageScope.BLOCKS);
        assertThatIllegalArgumentException().isThrownBy(() -> provider.open(StorageScope.BLOCKS, values(StorageScope.BLOCKS, "")))
                .withMessage("-blocks-storage.gcs.bucket-name must be set");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> provider.open(StorageScope.BLOCKS, values(StorageScope.BLOCKS, "b").with(s.serviceAccount(), "/etc/key.json")))
                .withMessage("-blocks-storage.gcs.service-account must be the JSON of a service account key, not a path");
    }

    @Test
    void badServiceAccountFailsAtOpenNamingTheFlag() {
        GcsObjectStoreProvider real = new GcsObjectStoreProvider(null);
        Settings s = real.settingsOf(StorageScope.BLOCKS);
        TestingConfigValues values = TestingConfigValues.defaults(s.all()).with(s.bucketName(), "b").with(s.serviceAccount(), "{\"type\":\"nonsense\"}");
        assertThatIllegalArgumentException().isThrownBy(() -> real.open(StorageScope.BLOCKS, values))
                .withMessageStartingWith("-blocks-storage.gcs.service-account is not a valid service account JSON");
    }

    /** Run once with -Dmimir.bench=true: 256 MiB up and down against the emulator, peak heap above idle. */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "mimir.bench", matches = "true")
    void throughput256MiB() throws Exception {
        String report = mimir.testing.ThroughputBench.run("gcs", store(), 256L * 1024 * 1024);
        System.out.println(report);
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/bench-gcs.txt"), report + "\n");
    }
}
