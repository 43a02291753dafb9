package mimir.spi.objstore;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mimir's http block: names in every scope, validation naming the flag, and its TLS (CA file, client
 * certificate, server name, insecure skip verify, handshake timeout) against a TLS server on 127.0.0.1
 * whose certificates keytool makes for the test.
 */
class TestObjectStoreHttp {
    @TempDir
    static Path dir;
    private static Path caPem;
    private static Path clientCertPem;
    private static Path clientKeyPem;
    private static Path clientRsaKeyPem;
    private static SSLServerSocket server;
    private static final List<String> clientPrincipals = new CopyOnWriteArrayList<>();

    private final ObjectStoreHttp http = ObjectStoreHttp.of(StorageScope.BLOCKS, "gcs", "object storage", Map.of());

    @BeforeAll
    static void makeCertificatesAndServer() throws Exception {
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=storage.test",
                "-ext", "san=dns:storage.test", "-validity", "2", "-keystore", dir.resolve("server.p12").toString(), "-storetype", "PKCS12",
                "-storepass", "changeit");
        keytool("-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=mimir-client", "-validity", "2",
                "-keystore", dir.resolve("client.p12").toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        caPem = dir.resolve("ca.pem");
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", dir.resolve("server.p12").toString(), "-storepass", "changeit",
                "-file", caPem.toString());
        clientCertPem = dir.resolve("client.pem");
        keytool("-exportcert", "-rfc", "-alias", "client", "-keystore", dir.resolve("client.p12").toString(), "-storepass", "changeit",
                "-file", clientCertPem.toString());
        KeyStore clientStore = load(dir.resolve("client.p12"));
        byte[] pkcs8 = ((PrivateKey) clientStore.getKey("client", "changeit".toCharArray())).getEncoded();
        clientKeyPem = Files.writeString(dir.resolve("client-key.pem"), pem("PRIVATE KEY", pkcs8));
        clientRsaKeyPem = Files.writeString(dir.resolve("client-rsa-key.pem"), pem("RSA PRIVATE KEY", pkcs1Of(pkcs8)));

        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(dir.resolve("server.p12")), "changeit".toCharArray());
        KeyStore clients = KeyStore.getInstance("PKCS12");
        clients.load(null, null);
        clients.setCertificateEntry("client", clientStore.getCertificate("client"));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(clients);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 16, InetAddress.getLoopbackAddress());
        server.setWantClientAuth(true);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    SSLSocket socket = (SSLSocket) server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (socket) {
                            socket.setSoTimeout(5000);
                            socket.startHandshake();
                            try {
                                clientPrincipals.add(((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName());
                            }
                            catch (IOException e) {
                                clientPrincipals.add("none");
                            }
                            socket.getOutputStream().write('!');
                        }
                        catch (IOException e) {
                            // the client refused the handshake
                        }
                    });
                }
                catch (IOException e) {
                    // closed
                }
            }
        });
    }

    @AfterAll
    static void stopServer() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(Arrays.asList(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), US_ASCII);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    private static KeyStore load(Path path) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, "changeit".toCharArray());
        }
        return store;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** The RSAPrivateKey inside a PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING }. */
    private static byte[] pkcs1Of(byte[] pkcs8) {
        int i = 1 + lengthOfLength(pkcs8, 1);  // into the outer SEQUENCE
        i += 3;                               // INTEGER 0
        i += 2 + (pkcs8[i + 1] & 0xff);       // the AlgorithmIdentifier SEQUENCE (short form)
        int headerLength = 1 + lengthOfLength(pkcs8, i + 1);
        return Arrays.copyOfRange(pkcs8, i + headerLength, pkcs8.length);
    }

    private static int lengthOfLength(byte[] der, int at) {
        return (der[at] & 0x80) == 0 ? 1 : 1 + (der[at] & 0x7f);
    }

    /** Values for the block's settings, defaults unless given. */
    private static final class Values implements ConfigValues {
        private final Map<Setting<?>, Object> values = new HashMap<>();

        <T> Values with(Setting<T> setting, T value) {
            values.put(setting, value);
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get(Setting<T> setting) {
            return values.containsKey(setting) ? (T) values.get(setting) : setting.defaultValue();
        }

        @Override
        public boolean isSet(Setting<?> setting) {
            return values.containsKey(setting);
        }
    }

    /** Connects to the server, layers TLS as a backend's client would, and reads the server's byte. */
    private static int connect(ObjectStoreHttp.Options options, String host) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
        try (SSLSocket tls = options.layer(options.sslContext(), plain, host, server.getLocalPort())) {
            return tls.getInputStream().read();
        }
        finally {
            plain.close();
        }
    }

    @Test
    void namesFollowMimirInEveryScope() {
        assertThat(ObjectStoreHttp.of(StorageScope.RULER, "s3", "S3", Map.of()).all()).extracting(Setting::flag).containsExactly(
                "ruler-storage.s3.http.idle-conn-timeout", "ruler-storage.s3.http.response-header-timeout",
                "ruler-storage.s3.http.insecure-skip-verify", "ruler-storage.s3.tls-handshake-timeout", "ruler-storage.s3.expect-continue-timeout",
                "ruler-storage.s3.max-idle-connections", "ruler-storage.s3.max-idle-connections-per-host", "ruler-storage.s3.max-connections-per-host",
                "ruler-storage.s3.http.tls-ca-path", "ruler-storage.s3.http.tls-cert-path", "ruler-storage.s3.http.tls-key-path",
                "ruler-storage.s3.http.tls-server-name");
        assertThat(ObjectStoreHttp.of(StorageScope.COMMON, "azure", "object storage", Map.of("idle_conn_timeout", "Note.")).all())
                .extracting(Setting::yamlPath).containsExactly(
                        "common.storage.azure.http.idle_conn_timeout", "common.storage.azure.http.response_header_timeout",
                        "common.storage.azure.http.insecure_skip_verify", "common.storage.azure.http.tls_handshake_timeout",
                        "common.storage.azure.http.expect_continue_timeout", "common.storage.azure.http.max_idle_connections",
                        "common.storage.azure.http.max_idle_connections_per_host", "common.storage.azure.http.max_connections_per_host",
                        "common.storage.azure.http.tls_ca_path", "common.storage.azure.http.tls_cert_path", "common.storage.azure.http.tls_key_path",
                        "common.storage.azure.http.tls_server_name");
        assertThat(ObjectStoreHttp.of(StorageScope.COMMON, "azure", "object storage", Map.of("idle_conn_timeout", "Note.")).idleConnTimeout().help())
                .isEqualTo("The time an idle connection will remain idle before closing. Note.");
    }

    @Test
    void badFilesAreRejectedNamingTheFlag() throws IOException {
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
        assertThatIllegalArgumentException().isThrownBy(() -> http.read(new Values().with(http.tlsCaPath(), notPem.toString())))
                .withMessageStartingWith("-blocks-storage.gcs.http.tls-ca-path=" + notPem + ":");
        assertThatIllegalArgumentException().isThrownBy(() -> http.read(new Values().with(http.tlsCertPath(), clientCertPem.toString())
                        .with(http.tlsKeyPath(), caPem.toString())))
                .withMessageStartingWith("-blocks-storage.gcs.http.tls-key-path=" + caPem + ": no PEM private key");
        Path ecSec1 = Files.writeString(dir.resolve("ec.pem"), pem("EC PRIVATE KEY", new byte[] {1, 2, 3}));
        assertThatIllegalArgumentException().isThrownBy(() -> http.read(new Values().with(http.tlsCertPath(), clientCertPem.toString())
                        .with(http.tlsKeyPath(), ecSec1.toString())))
                .withMessageContaining("-blocks-storage.gcs.http.tls-key-path").withMessageContaining("unsupported key type EC PRIVATE KEY");
        assertThatIllegalArgumentException().isThrownBy(() -> http.read(new Values().with(http.expectContinueTimeout(), Duration.ofMillis(-1))))
                .withMessageStartingWith("-blocks-storage.gcs.expect-continue-timeout must not be negative");
    }

    @Test
    void theJvmRootsDoNotTrustTheTestCertificate() {
        ObjectStoreHttp.Options options = http.read(new Values());
        assertThat(options.tlsCustomized()).isFalse();
        assertThatThrownBy(() -> connect(options, "storage.test")).isInstanceOf(IOException.class);
    }

    @Test
    void caFileAndServerNameVerifyTheServer() throws IOException {
        ObjectStoreHttp.Options named = http.read(new Values().with(http.tlsCaPath(), caPem.toString()).with(http.tlsServerName(), "storage.test"));
        assertThat(connect(named, "127.0.0.1")).isEqualTo('!');

        // Without the server name the connected host (an IP the certificate does not name) is verified, and fails.
        ObjectStoreHttp.Options unnamed = http.read(new Values().with(http.tlsCaPath(), caPem.toString()));
        assertThatThrownBy(() -> connect(unnamed, "127.0.0.1")).isInstanceOf(IOException.class);
        ObjectStoreHttp.Options wrongName = http.read(new Values().with(http.tlsCaPath(), caPem.toString()).with(http.tlsServerName(), "other.test"));
        assertThatThrownBy(() -> connect(wrongName, "127.0.0.1")).isInstanceOf(IOException.class);
    }

    @Test
    void insecureSkipVerifyAcceptsAnyCertificateAndName() throws IOException {
        ObjectStoreHttp.Options options = http.read(new Values().with(http.insecureSkipVerify(), true));
        assertThat(connect(options, "127.0.0.1")).isEqualTo('!');
    }

    @Test
    void clientCertificateIsPresentedInPkcs8AndPkcs1() throws IOException {
        for (Path key : List.of(clientKeyPem, clientRsaKeyPem)) {
            clientPrincipals.clear();
            ObjectStoreHttp.Options options = http.read(new Values().with(http.tlsCaPath(), caPem.toString())
                    .with(http.tlsServerName(), "storage.test").with(http.tlsCertPath(), clientCertPem.toString())
                    .with(http.tlsKeyPath(), key.toString()));
            assertThat(connect(options, "127.0.0.1")).isEqualTo('!');
            assertThat(clientPrincipals).as(key.toString()).containsExactly("CN=mimir-client");
        }
    }

    @Test
    void handshakeTimeoutBoundsASilentServer() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket accepted = silent.accept()) {
                    Thread.sleep(5000);
                }
                catch (IOException | InterruptedException e) {
                    // done
                }
            });
            ObjectStoreHttp.Options options = http.read(new Values().with(http.tlsHandshakeTimeout(), Duration.ofMillis(200)));
            Socket plain = new Socket();
            plain.connect(silent.getLocalSocketAddress(), 5000);
            long start = System.nanoTime();
            assertThatThrownBy(() -> options.layer(options.sslContext(), plain, "storage.test", silent.getLocalPort()))
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }
}
