package mimir.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
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
        assertThat(provider.settings(StorageScope.BLOCKS)).extracting(Setting::flag)
                .containsExactly("blocks-storage.gcs.bucket-name", "blocks-storage.gcs.service-account");
        assertThat(provider.settings(StorageScope.ALERTMANAGER)).extracting(Setting::yamlPath)
                .containsExactly("alertmanager_storage.gcs.bucket_name", "alertmanager_storage.gcs.service_account");
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
