package mimir.storage.s3;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import mimir.spi.objstore.ObjectStore;
import mimir.spi.objstore.StorageScope;
import mimir.storage.s3.S3ObjectStoreProvider.Settings;
import mimir.testing.TestingConfigValues;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The http block's TLS settings reach the AWS SDK's Apache 5 client: an HTTPS server on 127.0.0.1 whose
 * certificate (made by keytool, named s3.test only) the JVM does not trust answers the bucket check.
 */
class TestS3Tls {
    @TempDir
    static Path dir;
    private static SSLServerSocket server;
    private static final List<String> requests = new CopyOnWriteArrayList<>();

    private final S3ObjectStoreProvider provider = new S3ObjectStoreProvider();

    @BeforeAll
    static void startServer() throws Exception {
        Path store = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=s3.test", "-ext", "san=dns:s3.test",
                "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", store.toString(), "-storepass", "changeit",
                "-file", dir.resolve("ca.pem").toString());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                    socket.setSoTimeout(5000);
                    ByteArrayOutputStream head = new ByteArrayOutputStream();
                    InputStream in = socket.getInputStream();
                    while (!head.toString(US_ASCII).endsWith("\r\n\r\n")) {
                        int b = in.read();
                        if (b < 0) {
                            break;
                        }
                        head.write(b);
                    }
                    requests.add(head.toString(US_ASCII).lines().findFirst().orElse(""));
                    socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(US_ASCII));
                }
                catch (IOException e) {
                    // a refused handshake, or closed
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
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(Arrays.asList(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), US_ASCII);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    private TestingConfigValues values() {
        Settings s = provider.settingsOf(StorageScope.BLOCKS);
        return TestingConfigValues.defaults(s.all())
                .with(s.endpoint(), "https://127.0.0.1:" + server.getLocalPort())
                .with(s.region(), "us-east-1")
                .with(s.bucketName(), "tls")
                .with(s.bucketLookupType(), "path")
                .with(s.accessKeyId(), "id")
                .with(s.secretAccessKey(), "secret");
    }

    @Test
    void caFileAndServerNameLetTheClientTrustTheServer() throws IOException {
        Settings s = provider.settingsOf(StorageScope.BLOCKS);
        requests.clear();
        try (ObjectStore store = provider.open(StorageScope.BLOCKS, values().with(s.http().tlsCaPath(), dir.resolve("ca.pem").toString())
                .with(s.http().tlsServerName(), "s3.test"))) {
            assertThat(store.backend()).isEqualTo("s3");
        }
        assertThat(requests).containsExactly("HEAD /tls HTTP/1.1");
    }

    @Test
    void insecureSkipVerifyAcceptsTheServer() throws IOException {
        Settings s = provider.settingsOf(StorageScope.RULER);
        requests.clear();
        TestingConfigValues values = TestingConfigValues.defaults(s.all())
                .with(s.endpoint(), "https://127.0.0.1:" + server.getLocalPort()).with(s.region(), "us-east-1").with(s.bucketName(), "tls")
                .with(s.bucketLookupType(), "path").with(s.accessKeyId(), "id").with(s.secretAccessKey(), "secret")
                .with(s.http().insecureSkipVerify(), true);
        try (ObjectStore store = provider.open(StorageScope.RULER, values)) {
            assertThat(store.backend()).isEqualTo("s3");
        }
        assertThat(requests).containsExactly("HEAD /tls HTTP/1.1");
    }
}
