package mimir.queryfrontend.cache.memcached;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against Debian's memcached started by the test (and a server that never answers). */
class TestMemcachedClient {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closeables.reversed()) {
            closeable.close();
        }
    }

    static MemcachedClientConfig config(List<String> addresses, int maxItemSize, int batchSize) {
        return new MemcachedClientConfig("query-frontend.results-cache.memcached.", addresses, Duration.ofSeconds(5), Duration.ofSeconds(2),
                10, 4, 1000, 10, batchSize, maxItemSize);
    }

    private TestingMemcachedServer memcached() throws Exception {
        TestingMemcachedServer server = TestingMemcachedServer.start();
        closeables.add(server);
        return server;
    }

    private MemcachedClient client(MemcachedClientConfig config) {
        MemcachedClient client = new MemcachedClient("test-cache", config, registry);
        closeables.add(client);
        return client;
    }

    private double counter(String name, String... tags) {
        var counter = registry.find(name).tag("name", "test-cache").tag("backend", "memcached").tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aSetValueIsAHit() throws Exception {
        TestingMemcachedServer server = memcached();
        MemcachedClient client = client(config(List.of(server.address()), 1024 * 1024, 100));

        client.setAsync("k1", "v1".getBytes(UTF_8), 60);
        server.awaitStat("cmd_set", 1);
        Map<String, byte[]> found = client.getMulti(List.of("k1", "absent"));

        assertThat(found).containsOnlyKeys("k1");
        assertThat(new String(found.get("k1"), UTF_8)).isEqualTo("v1");
        assertThat(server.stat("get_hits")).isEqualTo(1);
        assertThat(server.stat("get_misses")).isEqualTo(1);
        assertThat(counter("thanos_cache_requests")).isEqualTo(2);
        assertThat(counter("thanos_cache_hits")).isEqualTo(1);
        assertThat(counter("thanos_cache_operations", "operation", "getmulti")).isEqualTo(1);
        assertThat(counter("thanos_cache_operations", "operation", "set")).isEqualTo(1);
    }

    @Test
    void anItemOverTheMaxItemSizeIsNotStored() throws Exception {
        TestingMemcachedServer server = memcached();
        MemcachedClient client = client(config(List.of(server.address()), 1000, 100));

        client.setAsync("big", new byte[1001], 60);
        client.setAsync("small", new byte[1000], 60);
        server.awaitStat("cmd_set", 1);

        assertThat(client.getMulti(List.of("big", "small"))).containsOnlyKeys("small");
        assertThat(server.stat("cmd_set")).isEqualTo(1);
        assertThat(counter("thanos_cache_operation_skipped", "operation", "set", "reason", "max-item-size")).isEqualTo(1);
    }

    @Test
    void twoServersShareTheKeysByJumpHashAndBatchesSpanBoth() throws Exception {
        TestingMemcachedServer first = memcached();
        TestingMemcachedServer second = memcached();
        MemcachedClient client = client(config(List.of(first.address(), second.address()), 0, 7));
        List<String> servers = client.servers();
        assertThat(servers).containsExactlyInAnyOrder(first.address(), second.address()).isSorted();

        List<String> keys = new ArrayList<>();
        Map<String, Integer> expectedPerServer = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            String key = "key-" + i;
            keys.add(key);
            client.setAsync(key, key.getBytes(UTF_8), 60);
            expectedPerServer.merge(servers.get(MemcachedClient.serverIndex(key, 2)), 1, Integer::sum);
        }
        long onFirst = expectedPerServer.getOrDefault(first.address(), 0);
        first.awaitStat("cmd_set", onFirst);
        second.awaitStat("cmd_set", 100 - onFirst);

        // Each server holds the keys jump hash gives it, and both hold a fair share.
        assertThat(first.stat("curr_items")).isEqualTo(onFirst).isBetween(25L, 75L);
        assertThat(second.stat("curr_items")).isEqualTo(100 - onFirst);
        Map<String, byte[]> found = client.getMulti(keys);
        assertThat(found).hasSize(100);
        assertThat(found.get("key-42")).isEqualTo("key-42".getBytes(UTF_8));
        // 100 keys in batches of at most 7 per server.
        assertThat(counter("thanos_cache_operations", "operation", "getmulti"))
                .isEqualTo(Math.ceilDiv(onFirst, 7) + Math.ceilDiv(100 - onFirst, 7));
    }

    @Test
    void aKilledServerIsAMissAndARestartedOneIsUsedAgain() throws Exception {
        TestingMemcachedServer server = memcached();
        MemcachedClient client = client(config(List.of(server.address()), 0, 100));
        client.setAsync("k", new byte[] {1}, 60);
        server.awaitStat("cmd_set", 1);
        assertThat(client.getMulti(List.of("k"))).containsOnlyKeys("k");

        server.kill();
        assertThat(client.getMulti(List.of("k"))).isEmpty();
        assertThat(counter("thanos_cache_operation_failures", "operation", "getmulti", "reason", "network-error")).isGreaterThanOrEqualTo(1);

        server.restart();
        // The pooled connection died with the old server: at most one more failure, then sets land again.
        Map<String, byte[]> found = Map.of();
        for (int attempt = 0; attempt < 50 && found.isEmpty(); attempt++) {
            client.setAsync("k", new byte[] {2}, 60);
            Thread.sleep(100);
            found = client.getMulti(List.of("k"));
        }
        assertThat(found.get("k")).containsExactly(2);
    }

    /** A client of a server that accepts connections and never answers; one set worker. */
    private MemcachedClient silentServerClient(Duration timeout, int asyncBufferSize) throws IOException {
        SilentServer silent = new SilentServer();
        closeables.add(silent);
        return client(new MemcachedClientConfig("query-frontend.results-cache.memcached.", List.of(silent.address()), timeout, Duration.ofSeconds(2),
                10, 1, asyncBufferSize, 10, 100, 0));
    }

    @Test
    void aServerThatNeverAnswersTimesOutAsAMiss() throws Exception {
        MemcachedClient client = silentServerClient(Duration.ofMillis(200), 10);

        assertThat(client.getMulti(List.of("k"))).isEmpty();
        assertThat(counter("thanos_cache_operation_failures", "operation", "getmulti", "reason", "request-timeout")).isEqualTo(1);
    }

    @Test
    void setsBeyondTheAsyncBufferAreDroppedAndCounted() throws Exception {
        // One worker, stuck on the silent server for the whole test; one queued set; everything else dropped.
        MemcachedClient client = silentServerClient(Duration.ofSeconds(60), 1);
        for (int i = 0; i < 10; i++) {
            client.setAsync("k" + i, new byte[] {1}, 60);
        }
        assertThat(counter("thanos_cache_operation_skipped", "operation", "set", "reason", "async-buffer-full")).isBetween(8.0, 9.0);
    }

    @Test
    void malformedKeysAreFailuresNotRequests() throws Exception {
        TestingMemcachedServer server = memcached();
        MemcachedClient client = client(config(List.of(server.address()), 0, 100));
        assertThat(client.getMulti(List.of("has space", "x".repeat(251)))).isEmpty();
        assertThat(counter("thanos_cache_operation_failures", "operation", "getmulti", "reason", "malformed-key")).isEqualTo(2);
        assertThat(server.stat("cmd_get")).isZero();
    }

    @Test
    void addressesAreHostPortOrDnsPlusHostPort() {
        assertThat(config(List.of("127.0.0.1:11211", "dns+localhost:11211"), 0, 0).addresses()).hasSize(2);
        assertThat(MemcachedAddresses.resolve("f", List.of("dns+localhost:11211", "b:1", "a:2"), new ArrayList<>()))
                .contains("a:2", "b:1").anyMatch(a -> a.endsWith(":11211") && !a.startsWith("localhost"));
        List<String> unresolved = new ArrayList<>();
        assertThat(MemcachedAddresses.resolve("f", List.of("dns+no-such-host.invalid:11211"), unresolved)).isEmpty();
        assertThat(unresolved).containsExactly("no-such-host.invalid");
        assertThatThrownBy(() -> config(List.of("dnssrv+_memcached._tcp.example.com"), 0, 0))
                .hasMessage("-query-frontend.results-cache.memcached.addresses: dnssrv+ addresses (dnssrv+_memcached._tcp.example.com) are not supported; "
                        + "use host:port or dns+host:port");
        assertThatThrownBy(() -> config(List.of("dnssrvnoa+memcached.example.com:11211"), 0, 0)).hasMessageContaining("dnssrvnoa+ addresses");
        assertThatThrownBy(() -> config(List.of("localhost"), 0, 0))
                .hasMessage("-query-frontend.results-cache.memcached.addresses: localhost is not host:port (or dns+host:port)");
        assertThatThrownBy(() -> config(List.of(), 0, 0).requireAddresses("when -query-frontend.results-cache.backend=memcached"))
                .hasMessageStartingWith("-query-frontend.results-cache.memcached.addresses must list at least one memcached server");
    }

    @Test
    void jumpHashMovesOnlyTheKeysOfANewServer() {
        int moved = 0;
        for (int i = 0; i < 1000; i++) {
            int before = MemcachedClient.serverIndex("key-" + i, 3);
            int after = MemcachedClient.serverIndex("key-" + i, 4);
            if (before != after) {
                assertThat(after).isEqualTo(3);
                moved++;
            }
        }
        assertThat(moved).isBetween(150, 350);
    }

    /** Accepts connections and never answers a byte. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final Thread acceptor = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    accepted.add(socket.accept());
                }
            }
            catch (IOException closed) {
                // The test is over.
            }
        });

        SilentServer() throws IOException {}

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            for (Socket connection : accepted) {
                connection.close();
            }
            acceptor.join(Duration.ofSeconds(5));
        }
    }
}
