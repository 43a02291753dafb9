package mimir.kv.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.grpc.MethodDescriptor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mimir.spi.kv.KvClient;
import mimir.testing.AbstractTestKvStore.Counters;
import mimir.testing.Eventually;
import mimir.testing.TestingConfigValues;

/**
 * {@code -etcd.username} and {@code -etcd.password} against an etcd with authentication enabled (user
 * {@code root}), whose tokens expire after one second, so the client must fetch new ones.
 */
class TestEtcdAuth {
    private static final String PASSWORD = "s3cret";

    @TempDir
    static Path dir;
    private static EtcdServer server;

    @BeforeAll
    static void startEtcdWithAuth() throws Exception {
        server = EtcdServer.start(dir, "--auth-token-ttl", "1");
        // The admin calls, by hand (the client has no messages for them): etcd needs user root with role root to enable auth.
        try (EtcdConnection admin = TestingEtcd.connection(server)) {
            admin.unary(method("RoleAdd"), message(1, "root"));
            admin.unary(method("UserAdd"), concat(message(1, "root"), message(2, PASSWORD)));
            admin.unary(method("UserGrantRole"), concat(message(1, "root"), message(2, "root")));
            admin.unary(method("AuthEnable"), new byte[0]);
        }
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        server.close();
    }

    private KvClient<Counters> open(String username, String password) throws IOException {
        EtcdKvStoreProvider provider = new EtcdKvStoreProvider();
        TestingConfigValues values = TestingEtcd.config(provider, server.endpoint()).withFlag("ingester.ring.etcd.username", username)
                .withFlag("ingester.ring.etcd.password", password).withFlag("ingester.ring.etcd.dial-timeout", "3s");
        return provider.open(TestingEtcd.SCOPE, Counters.CODEC, values, new SimpleMeterRegistry());
    }

    @Test
    void aUserWithItsPasswordReadsWritesAndWatchesAcrossTokenExpiry() throws Exception {
        try (KvClient<Counters> kv = open("root", PASSWORD)) {
            List<Counters> seen = new CopyOnWriteArrayList<>();
            try (AutoCloseable watch = kv.watchKey("k", seen::add)) {
                kv.cas("k", current -> Counters.of("a", 1));
                Eventually.assertThat(Duration.ofSeconds(10), () -> assertThat(seen).containsExactly(Counters.of("a", 1)));
                Thread.sleep(2500); // the token expires (--auth-token-ttl 1)
                kv.cas("k", current -> current.with("a", 2));
                assertThat(kv.get("k")).isEqualTo(Counters.of("a", 2));
                Eventually.assertThat(Duration.ofSeconds(10), () -> assertThat(seen).last().isEqualTo(Counters.of("a", 2)));
            }
        }
    }

    @Test
    void aWrongPasswordFailsOpenNamingTheUserFlag() {
        assertThatThrownBy(() -> open("root", "wrong").close()).isInstanceOf(IOException.class)
                .hasMessageStartingWith("etcd at -ingester.ring.etcd.endpoints=" + server.endpoint()
                        + " refused to authenticate -ingester.ring.etcd.username=root: INVALID_ARGUMENT: etcdserver: authentication failed");
    }

    @Test
    void noCredentialsFailOpenWhenEtcdRequiresThem() {
        EtcdKvStoreProvider provider = new EtcdKvStoreProvider();
        assertThatThrownBy(() -> provider.open(TestingEtcd.SCOPE, Counters.CODEC, TestingEtcd.config(provider, server.endpoint()),
                new SimpleMeterRegistry()).close()).isInstanceOf(IOException.class)
                .hasMessageStartingWith("etcd at -ingester.ring.etcd.endpoints=" + server.endpoint() + " refused a read");
    }

    /** Messages as their bytes. */
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try (stream) {
                return stream.readAllBytes();
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private static MethodDescriptor<byte[], byte[]> method(String name) {
        return MethodDescriptor.newBuilder(BYTES, BYTES).setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName("etcdserverpb.Auth", name)).build();
    }

    /** A message with one string field. */
    private static byte[] message(int field, String value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        coded.writeBytes(field, ByteString.copyFromUtf8(value));
        coded.flush();
        return out.toByteArray();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
