package mimir.kv.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mimir.spi.kv.KvClient;
import mimir.testing.AbstractTestKvStore.Counters;
import mimir.testing.TestingConfigValues;
import mimir.testing.TestingExecutables;

/**
 * {@code -etcd.tls-*} against an etcd serving TLS with a certificate for {@code 127.0.0.1} and
 * {@code etcd.test} from a test CA, requiring client certificates; keys and certificates made with
 * {@code openssl} (PKCS#8 keys, as openssl 3 writes them).
 */
class TestEtcdTls {
    @TempDir
    static Path dir;
    private static EtcdServer server;

    @BeforeAll
    static void startEtcdWithTls() throws Exception {
        Path tls = Files.createDirectories(dir.resolve("tls"));
        Files.writeString(tls.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:etcd.test\n");
        Files.writeString(tls.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        openssl(tls, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=test-ca");
        for (String name : List.of("server", "client")) {
            openssl(tls, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
            openssl(tls, "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", name + ".crt",
                    "-days", "1", "-extfile", name + ".ext");
        }
        server = EtcdServer.startTls(dir.resolve("etcd"), tls.resolve("server.crt"), tls.resolve("server.key"), tls.resolve("ca.crt"));
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        server.close();
    }

    private static void openssl(Path cwd, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(TestingExecutables.find("openssl", "OPENSSL", "install it with `apt-get install openssl`").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("openssl %s: %s", String.join(" ", args), output).isZero();
    }

    private final EtcdKvStoreProvider provider = new EtcdKvStoreProvider();

    private TestingConfigValues tls(String endpoint) {
        Path files = dir.resolve("tls");
        return TestingEtcd.config(provider, endpoint).withFlag("ingester.ring.etcd.tls-enabled", "true")
                .withFlag("ingester.ring.etcd.tls-cert-path", files.resolve("client.crt").toString())
                .withFlag("ingester.ring.etcd.tls-key-path", files.resolve("client.key").toString())
                .withFlag("ingester.ring.etcd.dial-timeout", "5s");
    }

    private KvClient<Counters> open(TestingConfigValues values) throws IOException {
        return provider.open(TestingEtcd.SCOPE, Counters.CODEC, values, new SimpleMeterRegistry());
    }

    @Test
    void aClientCertificateAndTheCaReachEtcd() throws Exception {
        try (KvClient<Counters> kv = open(tls("https://" + server.endpoint()).withFlag("ingester.ring.etcd.tls-ca-path",
                dir.resolve("tls/ca.crt").toString()).withFlag("ingester.ring.etcd.tls-min-version", "VersionTLS12"))) {
            kv.cas("k", current -> Counters.of("a", 1));
            assertThat(kv.get("k")).isEqualTo(Counters.of("a", 1));
        }
    }

    @Test
    void theServerNameOverridesTheNameChecked() throws Exception {
        try (KvClient<Counters> kv = open(tls(server.endpoint()).withFlag("ingester.ring.etcd.tls-ca-path", dir.resolve("tls/ca.crt").toString())
                .withFlag("ingester.ring.etcd.tls-server-name", "etcd.test"))) {
            assertThat(kv.list("")).isNotNull();
        }
        assertThatThrownBy(() -> open(tls(server.endpoint()).withFlag("ingester.ring.etcd.tls-ca-path", dir.resolve("tls/ca.crt").toString())
                .withFlag("ingester.ring.etcd.tls-server-name", "other.test").withFlag("ingester.ring.etcd.dial-timeout", "2s")).close())
                .isInstanceOf(IOException.class).hasMessageStartingWith("cannot reach etcd at -ingester.ring.etcd.endpoints=" + server.endpoint());
    }

    @Test
    void anUntrustedServerIsRefusedUnlessVerificationIsSkipped() throws Exception {
        assertThatThrownBy(() -> open(tls(server.endpoint()).withFlag("ingester.ring.etcd.dial-timeout", "2s")).close()).isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot reach etcd at -ingester.ring.etcd.endpoints=" + server.endpoint());
        try (KvClient<Counters> kv = open(tls(server.endpoint()).withFlag("ingester.ring.etcd.tls-insecure-skip-verify", "true"))) {
            assertThat(kv.get("absent")).isNull();
        }
    }
}
