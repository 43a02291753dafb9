package mimir.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import mimir.spi.kv.KvClient;
import mimir.spi.kv.KvCodec;

/**
 * The contract every {@link mimir.spi.kv.KvStoreProvider} backend passes, run through one client of
 * the backend. Values are {@link Counters}: per-member counters whose merge keeps each member's
 * highest count, a CRDT like the ring's per-instance heartbeats.
 */
public abstract class AbstractTestKvStore {
    private final List<KvClient<Counters>> opened = new ArrayList<>();

    /** A new client of the backend under test, for values of {@code codec}, with an empty store. */
    protected abstract KvClient<Counters> newClient(KvCodec<Counters> codec) throws Exception;

    private KvClient<Counters> client() throws Exception {
        KvClient<Counters> client = newClient(Counters.CODEC);
        opened.add(client);
        return client;
    }

    @AfterEach
    void closeClients() {
        opened.forEach(KvClient::close);
    }

    @Test
    void absentKeyHasNoValue() throws Exception {
        KvClient<Counters> kv = client();
        assertThat(kv.get("absent")).isNull();
        assertThat(kv.list("abs")).isEmpty();
        kv.delete("absent");
    }

    @Test
    void casCreatesUpdatesAndCanDecline() throws Exception {
        KvClient<Counters> kv = client();
        List<Counters> seen = new ArrayList<>();
        kv.cas("k", current -> {
            seen.add(current);
            return Counters.of("a", 1);
        });
        assertThat(seen).containsExactly((Counters) null);
        assertThat(kv.get("k")).isEqualTo(Counters.of("a", 1));
        kv.cas("k", current -> current.with("b", 2));
        assertThat(kv.get("k")).isEqualTo(Counters.of("a", 1).with("b", 2));
        kv.cas("k", current -> null);
        assertThat(kv.get("k")).isEqualTo(Counters.of("a", 1).with("b", 2));
    }

    @Test
    void listReturnsSortedKeysWithPrefix() throws Exception {
        KvClient<Counters> kv = client();
        for (String key : List.of("ring-b", "ring-a", "other")) {
            kv.cas(key, current -> Counters.of("x", 1));
        }
        assertThat(kv.list("ring")).containsExactly("ring-a", "ring-b");
        assertThat(kv.list("")).containsExactly("other", "ring-a", "ring-b");
    }

    @Test
    void deleteRemovesKey() throws Exception {
        KvClient<Counters> kv = client();
        kv.cas("k", current -> Counters.of("a", 1));
        kv.delete("k");
        assertThat(kv.get("k")).isNull();
        assertThat(kv.list("")).doesNotContain("k");
    }

    @Test
    void watchSeesCurrentValueAndChanges() throws Exception {
        KvClient<Counters> kv = client();
        kv.cas("k", current -> Counters.of("a", 1));
        List<Counters> seen = new CopyOnWriteArrayList<>();
        try (AutoCloseable watch = kv.watchKey("k", seen::add)) {
            Eventually.assertThat(Duration.ofSeconds(10), () -> assertThat(seen).contains(Counters.of("a", 1)));
            kv.cas("k", current -> current.with("a", 5));
            Eventually.assertThat(Duration.ofSeconds(10), () -> assertThat(seen).last().isEqualTo(Counters.of("a", 5)));
        }
        int before = seen.size();
        kv.cas("k", current -> current.with("a", 6));
        Thread.sleep(300);
        assertThat(seen).hasSize(before);
    }

    @Test
    void concurrentCasLosesNoUpdate() throws Exception {
        KvClient<Counters> kv = client();
        int threads = 4;
        int perThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String member = "m" + t;
                futures.add(pool.submit(() -> {
                    for (int i = 1; i <= perThread; i++) {
                        long next = i;
                        kv.cas("k", current -> (current == null ? Counters.EMPTY : current).with(member, next).with("total",
                                (current == null ? 0 : current.get("total")) + 1));
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
        Counters value = kv.get("k");
        assertThat(value.get("total")).isEqualTo(threads * perThread);
        for (int t = 0; t < threads; t++) {
            assertThat(value.get("m" + t)).isEqualTo(perThread);
        }
    }

    @Test
    void codecRoundTripsAndMergeIsACrdt() throws IOException {
        Counters a = Counters.of("x", 1).with("y", 5);
        Counters b = Counters.of("x", 3);
        assertThat(Counters.CODEC.decode(Counters.CODEC.encode(a))).isEqualTo(a);
        assertThat(Counters.CODEC.merge(a, b)).isEqualTo(Counters.CODEC.merge(b, a));
        Counters merged = Counters.CODEC.merge(a, b);
        assertThat(Counters.CODEC.merge(merged, b)).isSameAs(merged);
    }

    /** Per-member counters; merge keeps the highest count of each member. */
    public record Counters(Map<String, Long> counts) {
        public static final Counters EMPTY = new Counters(Map.of());

        public static final KvCodec<Counters> CODEC = new KvCodec<>() {
            @Override
            public String id() {
                return "testCounters";
            }

            @Override
            public byte[] encode(Counters value) {
                StringBuilder text = new StringBuilder();
                value.counts.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
                return text.toString().getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public Counters decode(byte[] data) throws IOException {
                Map<String, Long> counts = new TreeMap<>();
                for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
                    if (line.isEmpty()) {
                        continue;
                    }
                    int eq = line.indexOf('=');
                    if (eq < 0) {
                        throw new IOException("not a counters value: " + line);
                    }
                    counts.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
                }
                return new Counters(counts);
            }

            @Override
            public Counters merge(Counters current, Counters incoming) {
                if (current == null) {
                    return incoming;
                }
                Map<String, Long> merged = new TreeMap<>(current.counts);
                boolean changed = false;
                for (Map.Entry<String, Long> e : incoming.counts.entrySet()) {
                    Long held = merged.get(e.getKey());
                    if (held == null || held < e.getValue()) {
                        merged.put(e.getKey(), e.getValue());
                        changed = true;
                    }
                }
                return changed ? new Counters(merged) : current;
            }
        };

        public Counters {
            counts = Map.copyOf(new TreeMap<>(counts));
        }

        public static Counters of(String member, long count) {
            return new Counters(Map.of(member, count));
        }

        public Counters with(String member, long count) {
            Map<String, Long> next = new TreeMap<>(counts);
            next.put(member, count);
            return new Counters(next);
        }

        public long get(String member) {
            return counts.getOrDefault(member, 0L);
        }
    }
}
