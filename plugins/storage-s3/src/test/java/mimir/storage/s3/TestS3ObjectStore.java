package mimir.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import mimir.spi.config.Setting;
import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.StorageScope;
import mimir.storage.s3.S3ObjectStoreProvider.Settings;
import mimir.testing.AbstractTestObjectStore;
import mimir.testing.S3ProxyServer;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** The object store contract and the S3 backend's own behaviour, against a real S3Proxy on 127.0.0.1. */
class TestS3ObjectStore extends AbstractTestObjectStore {
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static S3ProxyServer server;
    private static S3Client admin;

    private final S3ObjectStoreProvider provider = new S3ObjectStoreProvider();

    @BeforeAll
    static void startS3Proxy() throws Exception {
        server = S3ProxyServer.start("768m");
        S3ObjectStoreProvider adminProvider = new S3ObjectStoreProvider();
        admin = S3ObjectStore.client(S3ObjectStoreProvider.config(adminProvider.settingsOf(StorageScope.BLOCKS),
                values(adminProvider, StorageScope.BLOCKS, "admin")));
    }

    @AfterAll
    static void stopS3Proxy() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected ObjectStore createStore() throws IOException {
        String bucket = "test-" + BUCKETS.incrementAndGet();
        admin.createBucket(b -> b.bucket(bucket));
        return provider.open(StorageScope.BLOCKS, values(provider, StorageScope.BLOCKS, bucket));
    }

    @Override
    protected long largeObjectSize() {
        return 40L * 1024 * 1024;  // > 2 parts of 16 MiB, and S3Proxy keeps it in memory
    }

    static TestingConfigValues values(S3ObjectStoreProvider provider, StorageScope scope, String bucket) {
        Settings s = provider.settingsOf(scope);
        return TestingConfigValues.defaults(s.all())
                .with(s.endpoint(), server.endpoint())
                .with(s.insecure(), true)
                .with(s.bucketName(), bucket)
                .with(s.accessKeyId(), S3ProxyServer.IDENTITY)
                .with(s.secretAccessKey(), S3ProxyServer.CREDENTIAL);
    }

    @Test
    void settingsUseMimirsNamesInEveryScope() {
        assertThat(provider.settings(StorageScope.BLOCKS)).extracting(Setting::flag).containsExactly(
                "blocks-storage.s3.endpoint", "blocks-storage.s3.region", "blocks-storage.s3.bucket-name",
                "blocks-storage.s3.secret-access-key", "blocks-storage.s3.session-token", "blocks-storage.s3.access-key-id",
                "blocks-storage.s3.insecure", "blocks-storage.s3.bucket-lookup-type", "blocks-storage.s3.storage-class",
                "blocks-storage.s3.sse.type", "blocks-storage.s3.sse.kms-key-id", "blocks-storage.s3.sse.kms-encryption-context",
                "blocks-storage.s3.signature-version", "blocks-storage.s3.list-objects-version", "blocks-storage.s3.native-aws-auth-enabled",
                "blocks-storage.s3.part-size", "blocks-storage.s3.send-content-md5", "blocks-storage.s3.dualstack-enabled",
                "blocks-storage.s3.sts-endpoint", "blocks-storage.s3.http.idle-conn-timeout", "blocks-storage.s3.http.response-header-timeout",
                "blocks-storage.s3.http.insecure-skip-verify", "blocks-storage.s3.tls-handshake-timeout", "blocks-storage.s3.expect-continue-timeout",
                "blocks-storage.s3.max-idle-connections", "blocks-storage.s3.max-idle-connections-per-host",
                "blocks-storage.s3.max-connections-per-host", "blocks-storage.s3.http.tls-ca-path", "blocks-storage.s3.http.tls-cert-path",
                "blocks-storage.s3.http.tls-key-path", "blocks-storage.s3.http.tls-server-name", "blocks-storage.s3.trace.enable");
        assertThat(provider.settings(StorageScope.RULER)).extracting(Setting::yamlPath).contains(
                "ruler_storage.s3.bucket_name", "ruler_storage.s3.bucket_lookup_type", "ruler_storage.s3.sse.kms_key_id",
                "ruler_storage.s3.signature_version", "ruler_storage.s3.list_objects_version", "ruler_storage.s3.native_aws_auth_enabled",
                "ruler_storage.s3.part_size", "ruler_storage.s3.send_content_md5", "ruler_storage.s3.dualstack_enabled",
                "ruler_storage.s3.sts_endpoint", "ruler_storage.s3.http.idle_conn_timeout", "ruler_storage.s3.http.response_header_timeout",
                "ruler_storage.s3.http.insecure_skip_verify", "ruler_storage.s3.http.tls_handshake_timeout",
                "ruler_storage.s3.http.expect_continue_timeout", "ruler_storage.s3.http.max_idle_connections",
                "ruler_storage.s3.http.max_idle_connections_per_host", "ruler_storage.s3.http.max_connections_per_host",
                "ruler_storage.s3.http.tls_ca_path", "ruler_storage.s3.http.tls_cert_path", "ruler_storage.s3.http.tls_key_path",
                "ruler_storage.s3.http.tls_server_name", "ruler_storage.s3.trace.enable");
        assertThat(provider.settings(StorageScope.ALERTMANAGER)).extracting(Setting::flag).contains(
                "alertmanager-storage.s3.part-size", "alertmanager-storage.s3.http.tls-server-name");
        assertThat(provider.settings(StorageScope.COMMON)).extracting(Setting::flag).contains(
                "common.storage.s3.dualstack-enabled", "common.storage.s3.max-connections-per-host");
        assertThat(provider.settings(StorageScope.COMMON)).hasSameSizeAs(provider.settings(StorageScope.ALERTMANAGER))
                .hasSameSizeAs(provider.settings(StorageScope.BLOCKS));
        Settings s = provider.settingsOf(StorageScope.BLOCKS);
        assertThat(s.signatureVersion().defaultValue()).isEqualTo("v4");
        assertThat(s.dualstackEnabled().defaultValue()).isTrue();
        assertThat(s.partSize().defaultValue()).isZero();
        assertThat(s.http().idleConnTimeout().defaultValue()).isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(s.http().responseHeaderTimeout().defaultValue()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(s.http().maxIdleConnections().defaultValue()).isEqualTo(100);
        assertThat(s.http().maxConnectionsPerHost().defaultValue()).isZero();
        assertThat(s.http().insecureSkipVerify().help()).startsWith("If the client connects to S3 via HTTPS");
    }

    @Test
    void unsupportedNewSettingsAreRejectedNamingTheFlag() {
        Settings s = provider.settingsOf(StorageScope.BLOCKS);
        TestingConfigValues base = values(provider, StorageScope.BLOCKS, "b");
        assertThatIllegalArgumentException().isThrownBy(() -> S3ObjectStoreProvider.config(s, base.with(s.signatureVersion(), "v2")))
                .withMessageStartingWith("-blocks-storage.s3.signature-version=v2 is not supported");
        assertThatIllegalArgumentException().isThrownBy(() -> S3ObjectStoreProvider.config(s, base.with(s.signatureVersion(), "v3")))
                .withMessageStartingWith("-blocks-storage.s3.signature-version: unsupported signature version v3");
        assertThatIllegalArgumentException().isThrownBy(() -> S3ObjectStoreProvider.config(s, base.with(s.listObjectsVersion(), "v3")))
                .withMessageStartingWith("-blocks-storage.s3.list-objects-version: unsupported version v3");
        assertThatIllegalArgumentException().isThrownBy(() -> S3ObjectStoreProvider.config(s, base.with(s.nativeAwsAuthEnabled(), true)))
                .withMessage("-blocks-storage.s3.native-aws-auth-enabled and -blocks-storage.s3.access-key-id are mutually exclusive");
        assertThatIllegalArgumentException().isThrownBy(() -> S3ObjectStoreProvider.config(s, base.with(s.partSize(), 1024L * 1024)))
                .withMessageStartingWith("-blocks-storage.s3.part-size must be 0 or between");
        assertThatIllegalArgumentException().isThrownBy(() -> S3ObjectStoreProvider.config(s, base.with(s.partSize(), 2L << 30)))
                .withMessageStartingWith("-blocks-storage.s3.part-size must be 0 or between");
        assertThatIllegalArgumentException().isThrownBy(() -> S3ObjectStoreProvider.config(s, base.with(s.stsEndpoint(), "sts.local")))
                .withMessageStartingWith("-blocks-storage.s3.sts-endpoint must be a valid URL");
        assertThatIllegalArgumentException().isThrownBy(() -> S3ObjectStoreProvider.config(s, base.with(s.http().idleConnTimeout(),
                        java.time.Duration.ofSeconds(-1))))
                .withMessageStartingWith("-blocks-storage.s3.http.idle-conn-timeout must not be negative");
        assertThatIllegalArgumentException().isThrownBy(() -> S3ObjectStoreProvider.config(s, base.with(s.http().maxConnectionsPerHost(), -1)))
                .withMessageStartingWith("-blocks-storage.s3.max-connections-per-host must not be negative");
        assertThatIllegalArgumentException().isThrownBy(() -> S3ObjectStoreProvider.config(s, base.with(s.http().tlsCertPath(), "/x.pem")))
                .withMessage("-blocks-storage.s3.http.tls-cert-path and -blocks-storage.s3.http.tls-key-path must be set together");
        assertThatIllegalArgumentException().isThrownBy(() -> S3ObjectStoreProvider.config(s, base.with(s.http().tlsCaPath(), "/no/such/ca.pem")))
                .withMessageStartingWith("-blocks-storage.s3.http.tls-ca-path=/no/such/ca.pem: cannot read the file");
        // Accepted as Mimir accepts them.
        S3ObjectStoreProvider.S3Config ok = S3ObjectStoreProvider.config(s, base.with(s.listObjectsVersion(), "v2")
                .with(s.stsEndpoint(), "https://sts.eu-west-1.amazonaws.com").with(s.partSize(), 5L * 1024 * 1024).with(s.traceEnable(), true));
        assertThat(ok.partSize()).isEqualTo(5 * 1024 * 1024);
        assertThat(ok.listObjectsV1()).isFalse();
        assertThat(S3ObjectStoreProvider.config(s, base).partSize()).isEqualTo(S3ObjectStore.DEFAULT_PART_SIZE);
    }

    /** Records each request's SDK type, whether it has a Content-MD5 header, and its payload length. */
    private static final class Recorder implements software.amazon.awssdk.core.interceptor.ExecutionInterceptor {
        final java.util.List<String> requests = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

        @Override
        public void beforeTransmission(software.amazon.awssdk.core.interceptor.Context.BeforeTransmission context,
                                       software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            var http = context.httpRequest();
            requests.add(context.request().getClass().getSimpleName() + " md5=" + http.firstMatchingHeader("Content-MD5").isPresent()
                    + " length=" + http.firstMatchingHeader("x-amz-decoded-content-length")  // aws-chunked bodies over plain HTTP
                    .or(() -> http.firstMatchingHeader("Content-Length")).orElse("-"));
        }
    }

    @Test
    void partSizeAndContentMd5ShapeUploads() throws IOException {
        Settings s = provider.settingsOf(StorageScope.BLOCKS);
        admin.createBucket(b -> b.bucket("parts"));
        S3ObjectStoreProvider.S3Config config = S3ObjectStoreProvider.config(s, values(provider, StorageScope.BLOCKS, "parts")
                .with(s.partSize(), 5L * 1024 * 1024).with(s.sendContentMd5(), true));
        Recorder recorder = new Recorder();
        byte[] big = new byte[12 * 1024 * 1024];
        new java.util.Random(7).nextBytes(big);
        try (ObjectStore store = new S3ObjectStore(S3ObjectStore.client(config, recorder), config, config.partSize())) {
            store.put("tenant-1/small", bytes("small"));
            store.put("tenant-1/big", new java.io.ByteArrayInputStream(big));
            try (var in = store.get("tenant-1/big")) {
                assertThat(in.readAllBytes()).isEqualTo(big);
            }
        }
        assertThat(recorder.requests).filteredOn(r -> r.startsWith("PutObject") || r.startsWith("UploadPart")).containsExactly(
                "PutObjectRequest md5=true length=5",
                "UploadPartRequest md5=true length=" + 5 * 1024 * 1024,
                "UploadPartRequest md5=true length=" + 5 * 1024 * 1024,
                "UploadPartRequest md5=true length=" + 2 * 1024 * 1024);

        // Without the setting no Content-MD5 is sent.
        S3ObjectStoreProvider.S3Config plain = S3ObjectStoreProvider.config(s, values(provider, StorageScope.BLOCKS, "parts"));
        Recorder plainRecorder = new Recorder();
        try (ObjectStore store = new S3ObjectStore(S3ObjectStore.client(plain, plainRecorder), plain, plain.partSize())) {
            store.put("tenant-1/small", bytes("small"));
        }
        assertThat(plainRecorder.requests).filteredOn(r -> r.startsWith("PutObject")).containsExactly("PutObjectRequest md5=false length=5");
    }

    @Test
    void listObjectsV1ListsLikeV2AcrossPages() throws IOException {
        Settings s = provider.settingsOf(StorageScope.BLOCKS);
        admin.createBucket(b -> b.bucket("list-v1"));
        java.util.List<String> keys = java.util.List.of("a", "b/1", "b/2", "b/3", "c/d/e", "c/f", "d", "e/1", "e/2");
        S3ObjectStoreProvider.S3Config v2 = S3ObjectStoreProvider.config(s, values(provider, StorageScope.BLOCKS, "list-v1"));
        S3ObjectStoreProvider.S3Config v1 = S3ObjectStoreProvider.config(s, values(provider, StorageScope.BLOCKS, "list-v1")
                .with(s.listObjectsVersion(), "v1"));
        Recorder recorder = new Recorder();
        try (ObjectStore store2 = new S3ObjectStore(S3ObjectStore.client(v2), v2, v2.partSize(), 2);
             ObjectStore store1 = new S3ObjectStore(S3ObjectStore.client(v1, recorder), v1, v1.partSize(), 2)) {
            for (String key : keys) {
                store2.put(key, bytes(key));
            }
            for (ObjectStore.ListMode mode : ObjectStore.ListMode.values()) {
                for (String prefix : java.util.List.of("", "b/", "c/", "e/", "zz")) {
                    java.util.List<String> expected = new java.util.ArrayList<>();
                    store2.list(prefix, mode, expected::add);
                    java.util.List<String> actual = new java.util.ArrayList<>();
                    store1.list(prefix, mode, actual::add);
                    assertThat(actual).as("%s %s", mode, prefix).isEqualTo(expected);
                }
            }
            java.util.List<String> all = new java.util.ArrayList<>();
            store1.list("", ObjectStore.ListMode.RECURSIVE, all::add);
            assertThat(all).containsExactlyElementsOf(keys);
        }
        assertThat(recorder.requests).isNotEmpty().allMatch(r -> r.startsWith("ListObjectsRequest"));
    }

    @Test
    void httpSettingsApplyToTheClient() throws IOException {
        Settings s = provider.settingsOf(StorageScope.BLOCKS);
        admin.createBucket(b -> b.bucket("http-settings"));
        TestingConfigValues values = values(provider, StorageScope.BLOCKS, "http-settings")
                .with(s.http().maxConnectionsPerHost(), 1)
                .with(s.http().idleConnTimeout(), java.time.Duration.ofSeconds(1))
                .with(s.http().expectContinueTimeout(), java.time.Duration.ZERO)
                .with(s.http().responseHeaderTimeout(), java.time.Duration.ofSeconds(5))
                .with(s.dualstackEnabled(), true)
                .with(s.traceEnable(), true);
        try (ObjectStore store = provider.open(StorageScope.BLOCKS, values)) {
            store.put("x", bytes("x"));
            assertThat(read("x", store)).isEqualTo("x");
        }
    }

    private static String read(String key, ObjectStore store) throws IOException {
        try (var in = store.get(key)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void missingBucketFailsAtOpenNamingTheFlag() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> provider.open(StorageScope.BLOCKS, values(provider, StorageScope.BLOCKS, "no-such-bucket")))
                .withMessageStartingWith("-blocks-storage.s3.bucket-name=no-such-bucket: bucket does not exist");
    }

    @Test
    void badCredentialsFailAtOpenNamingTheFlag() {
        Settings s = provider.settingsOf(StorageScope.RULER);
        admin.createBucket(b -> b.bucket("creds"));
        TestingConfigValues wrong = values(provider, StorageScope.RULER, "creds").with(s.secretAccessKey(), "wrong");

        assertThatIllegalArgumentException()
                .isThrownBy(() -> provider.open(StorageScope.RULER, wrong))
                .withMessageContaining("access denied").withMessageContaining("-ruler-storage.s3.access-key-id");
    }

    @Test
    void invalidConfigurationIsRejectedNamingTheFlag() {
        Settings s = provider.settingsOf(StorageScope.BLOCKS);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> provider.open(StorageScope.BLOCKS, values(provider, StorageScope.BLOCKS, "")))
                .withMessage("-blocks-storage.s3.bucket-name must be set");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> provider.open(StorageScope.BLOCKS, values(provider, StorageScope.BLOCKS, "b").with(s.secretAccessKey(), "")))
                .withMessageContaining("-blocks-storage.s3.access-key-id and -blocks-storage.s3.secret-access-key must be set together");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> provider.open(StorageScope.BLOCKS, values(provider, StorageScope.BLOCKS, "b").with(s.sseType(), "SSE-KMS")))
                .withMessage("-blocks-storage.s3.sse.kms-key-id must be set when -blocks-storage.s3.sse.type=SSE-KMS");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> provider.open(StorageScope.BLOCKS, values(provider, StorageScope.BLOCKS, "b").with(s.storageClass(), "COLD")))
                .withMessageStartingWith("-blocks-storage.s3.storage-class: unsupported storage class COLD");
    }

    @Test
    void unreachableEndpointFailsAtOpenNamingTheFlag() throws IOException {
        Settings s = provider.settingsOf(StorageScope.BLOCKS);
        TestingConfigValues values = values(provider, StorageScope.BLOCKS, "b").with(s.endpoint(), "127.0.0.1:" + TestingServers.freePort());

        assertThatThrownBy(() -> provider.open(StorageScope.BLOCKS, values))
                .isInstanceOf(IOException.class).hasMessageStartingWith("-blocks-storage.s3.endpoint=http://127.0.0.1:");
    }

    @Test
    void storageClassIsSentWithUploads() throws IOException {
        Settings s = provider.settingsOf(StorageScope.BLOCKS);
        admin.createBucket(b -> b.bucket("classy"));
        try (ObjectStore store = provider.open(StorageScope.BLOCKS, values(provider, StorageScope.BLOCKS, "classy").with(s.storageClass(), "STANDARD"))) {
            store.put("tenant-1/x", bytes("x"));
            assertThat(store.exists("tenant-1/x")).isTrue();
        }
    }

    private static final String UTF16_ORDER = "S3Proxy's in-memory store lists keys in UTF-16 order; AWS S3 lists in UTF-8 byte order,"
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
        java.util.List<String> keys = java.util.List.of("a-b", "a.b", "a/b", "a/c/d", "x/\uE000", "x/\uFFFD", "x/\uD800\uDC00", "\uD800\uDC00");
        for (String key : keys) {
            store().put(key, bytes(key));
        }
        assertThat(list("", mimir.spi.objstore.ObjectStore.ListMode.RECURSIVE)).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(list("", mimir.spi.objstore.ObjectStore.ListMode.DELIMITED)).containsExactlyInAnyOrder("a-b", "a.b", "a/", "x/", "\uD800\uDC00");
        for (String key : keys) {
            assertThat(read(key)).isEqualTo(key);
        }
    }


    /** Run once with -Dmimir.bench=true: 256 MiB up and down against the emulator, peak heap above idle. */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "mimir.bench", matches = "true")
    void throughput256MiB() throws Exception {
        String report = mimir.testing.ThroughputBench.run("s3", store(), 256L * 1024 * 1024);
        System.out.println(report);
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/bench-s3.txt"), report + "\n");
    }
}
