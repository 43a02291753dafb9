package mimir.queryfrontend.cache.memcached;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import mimir.queryfrontend.cache.Extent;
import mimir.queryfrontend.cache.ExtentsCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The results cache over a real memcached. */
class TestMemcachedResultsCache {
    private static final Instant NOW = Instant.parse("2026-01-10T12:00:00Z");
    private static final long DAY = 86_400_000L;

    private TestingMemcachedServer server;
    private MemcachedClient client;
    private MemcachedResultsCache cache;

    @BeforeEach
    void start() throws Exception {
        server = TestingMemcachedServer.start();
        client = new MemcachedClient("frontend-cache", TestMemcachedClient.config(List.of(server.address()), 1024 * 1024, 100), new SimpleMeterRegistry());
        cache = new MemcachedResultsCache(client, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() throws Exception {
        cache.close();
        server.close();
    }

    private static List<Extent> extents(String body) {
        return List.of(new Extent(0, 60_000, body.getBytes(UTF_8)));
    }

    @Test
    void keysAreFixedLengthHashesWhateverTheQuery() {
        String longKey = "tenant-a:" + "sum(rate(x[5m])) + ".repeat(100) + ":60000:86400000:20463:0:";
        assertThat(MemcachedResultsCache.memcachedKey(longKey)).hasSize(67).startsWith("QR:").matches("QR:[0-9a-f]{64}");
        assertThat(MemcachedResultsCache.memcachedKey("tenant-a:up")).isNotEqualTo(MemcachedResultsCache.memcachedKey("tenant-b:up")).hasSize(67);
    }

    @Test
    void aStoredEntryIsFoundUntilItExpires() throws Exception {
        cache.put("tenant-a:up", extents("a"), NOW.toEpochMilli() + DAY);
        server.awaitStat("cmd_set", 1);
        assertThat(cache.get("tenant-a:up", NOW.toEpochMilli())).hasValueSatisfying(found -> assertThat(found.getFirst().response()).isEqualTo("a".getBytes(UTF_8)));
        assertThat(cache.get("tenant-a:up", NOW.toEpochMilli() + DAY)).isEmpty();
        assertThat(cache.get("tenant-b:up", NOW.toEpochMilli())).isEmpty();
    }

    @Test
    void anEntryStoredUnderAnotherKeysHashIsAMiss() throws Exception {
        // As if tenant-b's key hashed like tenant-a's: the stored key differs, so tenant-a never sees it.
        client.setAsync(MemcachedResultsCache.memcachedKey("tenant-a:up"), ExtentsCodec.encode("tenant-b:up", extents("b"), NOW.toEpochMilli() + DAY), 60);
        server.awaitStat("cmd_set", 1);
        assertThat(cache.get("tenant-a:up", NOW.toEpochMilli())).isEmpty();
        assertThat(server.stat("get_hits")).isEqualTo(1);
    }

    @Test
    void anEntryAlreadyExpiredIsNotSent() throws Exception {
        cache.put("tenant-a:up", extents("a"), NOW.toEpochMilli());
        cache.put("tenant-a:other", extents("a"), NOW.toEpochMilli() + 1);
        server.awaitStat("cmd_set", 1);
        assertThat(server.stat("cmd_set")).isEqualTo(1);
    }
}
