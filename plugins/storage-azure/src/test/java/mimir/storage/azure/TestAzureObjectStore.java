package mimir.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import mimir.spi.config.Setting;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.StorageScope;
import mimir.storage.azure.AzureObjectStoreProvider.Settings;
import mimir.testing.AbstractTestObjectStore;
import mimir.testing.AzuriteServer;
import mimir.testing.TestingConfigValues;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The object store contract and the Azure backend's own behaviour, against a real Azurite on 127.0.0.1. */
class TestAzureObjectStore extends AbstractTestObjectStore {
    private static final AtomicInteger CONTAINERS = new AtomicInteger();
    private static AzuriteServer server;
    private static BlobServiceClient admin;

    private final AzureObjectStoreProvider provider = new AzureObjectStoreProvider();

    @BeforeAll
    static void startAzurite() throws Exception {
        server = AzuriteServer.start();
        admin = new BlobServiceClientBuilder().connectionString(server.connectionString()).buildClient();
    }

    @AfterAll
    static void stopAzurite() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected ObjectStore createStore() throws IOException {
        String container = "test-" + CONTAINERS.incrementAndGet();
        admin.createBlobContainer(container);
        return provider.open(StorageScope.BLOCKS, values(StorageScope.BLOCKS, container));
    }

    @Override
    protected long largeObjectSize() {
        return 40L * 1024 * 1024;
    }

    private TestingConfigValues values(StorageScope scope, String container) {
        Settings s = provider.settingsOf(scope);
        return TestingConfigValues.defaults(s.all())
                .with(s.connectionString(), server.connectionString())
                .with(s.containerName(), container)
                .with(s.maxRetries(), 2);
    }

    @Test
    void settingsUseMimirsNamesInEveryScope() {
        assertThat(provider.settings(StorageScope.ALERTMANAGER)).extracting(Setting::flag).containsExactly(
                "alertmanager-storage.azure.account-name", "alertmanager-storage.azure.account-key",
                "alertmanager-storage.azure.connection-string", "alertmanager-storage.azure.container-name",
                "alertmanager-storage.azure.endpoint-suffix", "alertmanager-storage.azure.max-retries",
                "alertmanager-storage.azure.user-assigned-id", "alertmanager-storage.azure.http.idle-conn-timeout",
                "alertmanager-storage.azure.http.response-header-timeout", "alertmanager-storage.azure.http.insecure-skip-verify",
                "alertmanager-storage.azure.tls-handshake-timeout", "alertmanager-storage.azure.expect-continue-timeout",
                "alertmanager-storage.azure.max-idle-connections", "alertmanager-storage.azure.max-idle-connections-per-host",
                "alertmanager-storage.azure.max-connections-per-host", "alertmanager-storage.azure.http.tls-ca-path",
                "alertmanager-storage.azure.http.tls-cert-path", "alertmanager-storage.azure.http.tls-key-path",
                "alertmanager-storage.azure.http.tls-server-name");
        assertThat(provider.settings(StorageScope.COMMON)).extracting(Setting::yamlPath).contains(
                "common.storage.azure.container_name", "common.storage.azure.max_retries", "common.storage.azure.user_assigned_id",
                "common.storage.azure.http.idle_conn_timeout", "common.storage.azure.http.tls_handshake_timeout",
                "common.storage.azure.http.max_connections_per_host", "common.storage.azure.http.tls_server_name");
        assertThat(provider.settings(StorageScope.BLOCKS)).extracting(Setting::flag).contains("blocks-storage.azure.user-assigned-id",
                "blocks-storage.azure.http.tls-ca-path");
        assertThat(provider.settings(StorageScope.RULER)).extracting(Setting::yamlPath).contains("ruler_storage.azure.user_assigned_id",
                "ruler_storage.azure.http.expect_continue_timeout");
        assertThat(provider.settingsOf(StorageScope.BLOCKS).maxRetries().defaultValue()).isEqualTo(20);
        assertThat(provider.settingsOf(StorageScope.BLOCKS).http().tlsHandshakeTimeout().defaultValue()).isEqualTo(Duration.ofSeconds(10));
        assertThat(provider.settingsOf(StorageScope.BLOCKS).http().maxIdleConnectionsPerHost().defaultValue()).isEqualTo(100);
        assertThat(provider.settingsOf(StorageScope.BLOCKS).http().insecureSkipVerify().help())
                .startsWith("If the client connects to object storage via HTTPS");
    }

    @Test
    void unsupportedNewSettingsAreRejectedNamingTheFlag() {
        Settings s = provider.settingsOf(StorageScope.BLOCKS);
        TestingConfigValues base = values(StorageScope.BLOCKS, "c");
        assertThatIllegalArgumentException().isThrownBy(() -> AzureObjectStoreProvider.config(s, base.with(s.userAssignedId(), "id-1")))
                .withMessageStartingWith("-blocks-storage.azure.user-assigned-id is not supported");
        assertThatIllegalArgumentException().isThrownBy(() -> AzureObjectStoreProvider.config(s, base.with(s.http().responseHeaderTimeout(),
                        Duration.ofSeconds(-1))))
                .withMessageStartingWith("-blocks-storage.azure.http.response-header-timeout must not be negative");
        assertThatIllegalArgumentException().isThrownBy(() -> AzureObjectStoreProvider.config(s, base.with(s.http().maxIdleConnections(), -5)))
                .withMessageStartingWith("-blocks-storage.azure.max-idle-connections must not be negative");
        assertThatIllegalArgumentException().isThrownBy(() -> AzureObjectStoreProvider.config(s, base.with(s.http().tlsKeyPath(), "/k.pem")))
                .withMessage("-blocks-storage.azure.http.tls-cert-path and -blocks-storage.azure.http.tls-key-path must be set together");
        assertThatIllegalArgumentException().isThrownBy(() -> AzureObjectStoreProvider.config(s, base.with(s.http().tlsCaPath(), "/no/ca.pem")))
                .withMessageStartingWith("-blocks-storage.azure.http.tls-ca-path=/no/ca.pem: cannot read the file");
    }

    @Test
    void httpSettingsApplyToTheStore() throws Exception {
        Settings s = provider.settingsOf(StorageScope.BLOCKS);
        admin.createBlobContainer("http-settings");
        TestingConfigValues values = values(StorageScope.BLOCKS, "http-settings")
                .with(s.http().maxConnectionsPerHost(), 1)
                .with(s.http().idleConnTimeout(), Duration.ofSeconds(1))
                .with(s.http().responseHeaderTimeout(), Duration.ofSeconds(20))
                .with(s.http().tlsHandshakeTimeout(), Duration.ofSeconds(5))  // a TLS spec of its own, unused over http://
                .with(s.http().expectContinueTimeout(), Duration.ZERO);
        try (ObjectStore store = provider.open(StorageScope.BLOCKS, values)) {
            store.put("a", bytes("a"));
            store.put("b", bytes("b"));
            // Two readers share the one connection the pool allows: the second waits for the first, and both finish.
            try (var a = store.get("a"); var b = store.get("b")) {
                assertThat(new String(a.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("a");
                assertThat(new String(b.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("b");
            }
        }
    }

    @Test
    void missingContainerFailsAtOpenNamingTheFlag() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> provider.open(StorageScope.BLOCKS, values(StorageScope.BLOCKS, "no-such-container")))
                .withMessageStartingWith("-blocks-storage.azure.container-name=no-such-container: container does not exist");
    }

    @Test
    void badCredentialsFailAtOpenNamingTheFlag() {
        admin.createBlobContainer("creds");
        Settings s = provider.settingsOf(StorageScope.RULER);
        String wrongKey = server.connectionString().replace(AzuriteServer.KEY, "d3Jvbmcga2V5IGZvciB0ZXN0aW5nIG9ubHkgMTIzNDU2Nzg5MA==");
        TestingConfigValues wrong = values(StorageScope.RULER, "creds").with(s.connectionString(), wrongKey);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> provider.open(StorageScope.RULER, wrong))
                .withMessageContaining("access denied").withMessageContaining("-ruler-storage.azure.connection-string");
    }

    @Test
    void invalidConfigurationIsRejectedNamingTheFlag() {
        Settings s = provider.settingsOf(StorageScope.BLOCKS);
        TestingConfigValues noCredentials = TestingConfigValues.defaults(s.all()).with(s.containerName(), "c");
        assertThatIllegalArgumentException().isThrownBy(() -> provider.open(StorageScope.BLOCKS, TestingConfigValues.defaults(s.all())))
                .withMessage("-blocks-storage.azure.container-name must be set");
        assertThatIllegalArgumentException().isThrownBy(() -> provider.open(StorageScope.BLOCKS, noCredentials))
                .withMessage("-blocks-storage.azure.account-name or -blocks-storage.azure.connection-string must be set");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> provider.open(StorageScope.BLOCKS, noCredentials.with(s.accountName(), "acct")))
                .withMessageStartingWith("-blocks-storage.azure.account-key must be set");
    }

    private static final String UTF16_ORDER = "Azurite lists keys in UTF-16 order; Azure lists in UTF-8 byte order,"
            + " which this backend passes through (see supplementaryCharactersRoundTripAndList)";

    @Override
    @Test
    @org.junit.jupiter.api.Disabled(UTF16_ORDER)
    public void recursiveListingIsInUtf8ByteOrder() {}

    @Override
    @Test
    @org.junit.jupiter.api.Disabled(UTF16_ORDER)
    public void delimitedListingCollapsesDirectoriesInUtf8ByteOrder() {}

    @Test
    void supplementaryCharactersRoundTripAndList() throws IOException {
        java.util.List<String> keys = java.util.List.of("a-b", "a.b", "a/b", "a/c/d", "a0", "x/\uE000", "x/\uFFFD", "x/\uD800\uDC00", "\uD800\uDC00");
        for (String key : keys) {
            store().put(key, bytes(key));
        }
        assertThat(list("", mimir.spi.objstore.ObjectStore.ListMode.RECURSIVE)).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(list("", mimir.spi.objstore.ObjectStore.ListMode.DELIMITED)).containsExactly("a-b", "a.b", "a/", "a0", "x/", "\uD800\uDC00");
        for (String key : keys) {
            assertThat(read(key)).isEqualTo(key);
        }
    }

    @Test
    void accountNameAndSuffixMakeTheEndpoint() {
        Settings s = provider.settingsOf(StorageScope.BLOCKS);
        TestingConfigValues values = TestingConfigValues.defaults(s.all()).with(s.containerName(), "c").with(s.accountName(), "acct")
                .with(s.accountKey(), AzuriteServer.KEY);
        assertThat(AzureObjectStoreProvider.config(s, values).endpoint()).isEqualTo("https://acct.blob.core.windows.net");
        assertThat(AzureObjectStoreProvider.config(s, values.with(s.endpointSuffix(), "blob.core.chinacloudapi.cn")).endpoint())
                .isEqualTo("https://acct.blob.core.chinacloudapi.cn");
    }

    /** Run once with -Dmimir.bench=true: 256 MiB up and down against the emulator, peak heap above idle. */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "mimir.bench", matches = "true")
    void throughput256MiB() throws Exception {
        String report = mimir.testing.ThroughputBench.run("azure", store(), 256L * 1024 * 1024);
        System.out.println(report);
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/bench-azure.txt"), report + "\n");
    }
}
