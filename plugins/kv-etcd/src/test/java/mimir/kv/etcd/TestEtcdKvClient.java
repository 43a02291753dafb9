package mimir.kv.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvCodec;
import mimir.testing.AbstractTestKvStore.Counters;
import mimir.testing.Eventually;

/**
 * What the contract does not cover, against a real etcd: several clients (several processes, to
 * etcd) writing one key, values the codec cannot read, values etcd will not take, and the retry bound.
 */
class TestEtcdKvClient {
    /** etcd's request limit in this test: above gRPC's default 4 MiB reply limit, to show the client lifts it. */
    private static final int MAX_REQUEST_BYTES = 6 << 20;

    @TempDir
    static Path dir;
    private static EtcdServer server;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private EtcdConnection raw;

    @BeforeAll
    static void startEtcd() throws Exception {
        server = EtcdServer.start(dir, "--max-request-bytes", Integer.toString(MAX_REQUEST_BYTES));
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        server.close();
    }

    @BeforeEach
    void empty() throws IOException {
        raw = TestingEtcd.connection(server);
        opened.add(raw);
        TestingEtcd.deleteAll(raw);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : opened.reversed()) {
            closeable.close();
        }
    }

    private <T> KvClient<T> client(KvCodec<T> codec) throws IOException {
        KvClient<T> client = TestingEtcd.open(server, codec);
        opened.add(client);
        return client;
    }

    private KvClient<Counters> client(String maxRetries) throws IOException {
        EtcdKvStoreProvider provider = new EtcdKvStoreProvider();
        KvClient<Counters> client = provider.open(TestingEtcd.SCOPE, Counters.CODEC, TestingEtcd.config(provider, server.endpoint())
                .withFlag(TestingEtcd.SCOPE.flag("etcd.max-retries"), maxRetries), new SimpleMeterRegistry());
        opened.add(client);
        return client;
    }

    @Test
    void watchSeesWritesOfAnotherClient() throws Exception {
        KvClient<Counters> watcher = client(Counters.CODEC);
        KvClient<Counters> writer = client(Counters.CODEC);
        List<Counters> seen = new CopyOnWriteArrayList<>();
        try (AutoCloseable watch = watcher.watchKey("ring", seen::add)) {
            writer.cas("ring", current -> Counters.of("a", 1));
            Eventually.assertThat(Duration.ofSeconds(10), () -> assertThat(seen).containsExactly(Counters.of("a", 1)));
            writer.delete("ring");
            writer.cas("ring", current -> Counters.of("b", 2));
            Eventually.assertThat(Duration.ofSeconds(10), () -> assertThat(seen).containsExactly(Counters.of("a", 1), Counters.of("b", 2)));
            writer.cas("other", current -> Counters.of("c", 3));
            writer.cas("ring", current -> current.with("b", 3));
            Eventually.assertThat(Duration.ofSeconds(10), () -> assertThat(seen).last().isEqualTo(Counters.of("b", 3)));
            assertThat(seen).as("no other key, no deletion").hasSize(3);
        }
    }

    @Test
    void casRetriesWithTheValueAnotherWriterStoredMeanwhile() throws Exception {
        KvClient<Counters> kv = client(Counters.CODEC);
        KvClient<Counters> other = client(Counters.CODEC);
        kv.cas("k", current -> Counters.of("a", 1));
        List<Counters> seenByUpdate = new ArrayList<>();
        kv.cas("k", current -> {
            seenByUpdate.add(current);
            if (seenByUpdate.size() == 1) {
                writeOrFail(other, "k", current.with("b", 1));
            }
            return current.with("a", 2);
        });
        assertThat(seenByUpdate).containsExactly(Counters.of("a", 1), Counters.of("a", 1).with("b", 1));
        assertThat(kv.get("k")).isEqualTo(Counters.of("a", 2).with("b", 1));
    }

    @Test
    void casCreatingAKeyConflictsWithAnotherCreator() throws Exception {
        KvClient<Counters> kv = client(Counters.CODEC);
        KvClient<Counters> other = client(Counters.CODEC);
        List<Counters> seenByUpdate = new ArrayList<>();
        kv.cas("k", current -> {
            seenByUpdate.add(current);
            if (current == null) {
                writeOrFail(other, "k", Counters.of("b", 1));
            }
            return (current == null ? Counters.EMPTY : current).with("a", 1);
        });
        assertThat(seenByUpdate).containsExactly(null, Counters.of("b", 1));
        assertThat(kv.get("k")).isEqualTo(Counters.of("a", 1).with("b", 1));
    }

    @Test
    void casGivesUpAfterMaxRetriesNamingTheFlag() throws Exception {
        KvClient<Counters> kv = client("3");
        KvClient<Counters> other = client(Counters.CODEC);
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> kv.cas("k", current -> {
            writeOrFail(other, "k", Counters.of("other", calls.incrementAndGet()));
            return Counters.of("mine", 1);
        })).isInstanceOf(IOException.class)
                .hasMessageContaining("etcd cas of key k did not succeed in 3 attempts (-ingester.ring.etcd.max-retries)")
                .hasMessageContaining("3 lost to concurrent writers");
        assertThat(calls).hasValue(3);
        assertThat(kv.get("k")).isEqualTo(Counters.of("other", 3));
    }

    @Test
    void concurrentWritersInSeveralClientsLoseNoUpdate() throws Exception {
        int writers = 3;
        int perWriter = 30;
        List<KvClient<Counters>> clients = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            // Every writer may lose to each of the others once per round: a bound well above that, still finite.
            clients.add(client("100"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        AtomicInteger updateCalls = new AtomicInteger();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                KvClient<Counters> kv = clients.get(w);
                String member = "w" + w;
                futures.add(pool.submit(() -> {
                    for (int i = 1; i <= perWriter; i++) {
                        long next = i;
                        kv.cas("k", current -> {
                            updateCalls.incrementAndGet();
                            Counters base = current == null ? Counters.EMPTY : current;
                            return base.with(member, next).with("total", base.get("total") + 1);
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        finally {
            pool.shutdownNow();
        }
        Counters value = clients.getFirst().get("k");
        assertThat(value.get("total")).isEqualTo(writers * perWriter);
        for (int w = 0; w < writers; w++) {
            assertThat(value.get("w" + w)).isEqualTo(perWriter);
        }
        assertThat(updateCalls.get()).as("update calls, conflicts included").isGreaterThanOrEqualTo(writers * perWriter);
    }

    @Test
    void aValueTheCodecCannotReadIsAnErrorNamingTheKey() throws Exception {
        KvClient<Counters> kv = client(Counters.CODEC);
        TestingEtcd.put(raw, "k", "garbage without equals".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> kv.get("k")).isInstanceOf(IOException.class)
                .hasMessageContaining("etcd key k (22 bytes, revision")
                .hasMessageContaining("does not hold a testCounters value: not a counters value: garbage without equals");
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> kv.cas("k", current -> {
            calls.incrementAndGet();
            return Counters.of("a", 1);
        })).isInstanceOf(IOException.class).hasMessageContaining("does not hold a testCounters value");
        assertThat(calls).as("update is never given garbage").hasValue(0);
        assertThat(client(TestingEtcd.BYTES).get("k")).asString(StandardCharsets.UTF_8).isEqualTo("garbage without equals");
    }

    @Test
    void watchSkipsAValueTheCodecCannotRead() throws Exception {
        KvClient<Counters> kv = client(Counters.CODEC);
        List<Counters> seen = new CopyOnWriteArrayList<>();
        try (AutoCloseable watch = kv.watchKey("k", seen::add)) {
            kv.cas("k", current -> Counters.of("a", 1));
            Eventually.assertThat(Duration.ofSeconds(10), () -> assertThat(seen).containsExactly(Counters.of("a", 1)));
            TestingEtcd.put(raw, "k", "garbage".getBytes(StandardCharsets.UTF_8));
            TestingEtcd.put(raw, "k", Counters.CODEC.encode(Counters.of("a", 2)));
            Eventually.assertThat(Duration.ofSeconds(10), () -> assertThat(seen).containsExactly(Counters.of("a", 1), Counters.of("a", 2)));
        }
    }

    @Test
    void valuesLargerThanGrpcsDefaultReplyLimitRoundTrip() throws Exception {
        KvClient<byte[]> kv = client(TestingEtcd.BYTES);
        byte[] value = new byte[5 << 20];
        Arrays.fill(value, (byte) 'x');
        kv.cas("big", current -> value);
        assertThat(kv.get("big")).isEqualTo(value);
    }

    @Test
    void aValueLargerThanEtcdTakesIsRefusedWithTheLimitNamed() throws Exception {
        KvClient<byte[]> kv = client(TestingEtcd.BYTES);
        kv.cas("big", current -> new byte[] {1});
        byte[] value = new byte[MAX_REQUEST_BYTES + 1024];
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> kv.cas("big", current -> {
            calls.incrementAndGet();
            return value;
        })).isInstanceOf(IOException.class)
                .hasMessageContaining("etcd cas of key big at -ingester.ring.etcd.endpoints=" + server.endpoint() + " failed")
                .hasMessageContaining("the value is " + value.length + " bytes")
                .hasMessageContaining("--max-request-bytes");
        assertThat(calls).as("not retried").hasValue(1);
        assertThat(kv.get("big")).containsExactly(1);
    }

    private static void writeOrFail(KvClient<Counters> kv, String key, Counters value) {
        try {
            kv.cas(key, current -> value);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
