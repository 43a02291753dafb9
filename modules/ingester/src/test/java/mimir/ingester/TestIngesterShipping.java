package mimir.ingester;

import static mimir.ingester.TestingIngester.HOUR;
import static mimir.ingester.TestingIngester.NOW;
import static mimir.ingester.TestingIngester.batch;
import static mimir.ingester.TestingIngester.read;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import mimir.testing.MemoryObjectStore;
import mimir.ingester.shipper.Shipper;
import mimir.model.Labels;
import mimir.tsdb.Block;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.block.Ulid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blocks cut from the heads reach the blocks storage in Mimir's layout, exactly once, and local copies go only once shipped. */
class TestIngesterShipping {
    private static final long T0 = NOW.toEpochMilli();
    private static final Labels UP = Labels.of("__name__", "up", "job", "a");

    @TempDir
    Path dir;

    private final MemoryObjectStore store = new MemoryObjectStore();

    private TestingIngester ingester() throws Exception {
        return new TestingIngester(dir, store, values -> values);
    }

    /** Samples over 3h: enough for the head to cut its first 2h block at the next compaction. */
    private static void pushThreeHours(Ingester ingester, String tenant) throws Exception {
        for (long t : new long[] {T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR + 1000}) {
            assertThat(ingester.push(tenant, batch(UP, t)).firstError()).isEmpty();
        }
    }

    private List<Block> blocks(TestingIngester testing, String tenant) {
        return testing.ingester.tenant(tenant).orElseThrow().db().blocks();
    }

    @Test
    void aCutBlockIsUploadedInMimirsLayoutWithMetaJsonLastAndRecorded() throws Exception {
        try (TestingIngester testing = ingester()) {
            pushThreeHours(testing.ingester, "t");
            testing.ingester.compactHeads();

            List<Block> blocks = blocks(testing, "t");
            assertThat(blocks).hasSize(1);
            BlockMeta local = blocks.getFirst().meta();
            assertThat(local.minTime()).isEqualTo(T0);
            assertThat(local.maxTime()).isEqualTo(T0 + 2 * HOUR);
            String prefix = "t/" + local.ulid() + "/";
            assertThat(store.puts()).containsExactly(prefix + "chunks/000001", prefix + "index", prefix + "tombstones", prefix + "meta.json");

            String meta = new String(store.object(prefix + "meta.json"), StandardCharsets.UTF_8);
            BlockMeta uploaded = BlockMeta.parse(meta);
            assertThat(uploaded.ulid()).isEqualTo(local.ulid());
            assertThat(uploaded.stats().numSamples()).isEqualTo(2);
            String compact = meta.replaceAll("\\s", "");
            long indexSize = Files.size(dir.resolve("t").resolve(local.ulid().toString()).resolve("index"));
            long chunksSize = Files.size(dir.resolve("t").resolve(local.ulid().toString()).resolve("chunks/000001"));
            assertThat(compact).contains("\"thanos\":{\"labels\":{},\"downsample\":{\"resolution\":0},\"source\":\"receive\",\"segment_files\":[\"000001\"],"
                    + "\"files\":[{\"rel_path\":\"chunks/000001\",\"size_bytes\":" + chunksSize + "},{\"rel_path\":\"index\",\"size_bytes\":" + indexSize
                    + "},");
            assertThat(compact).contains("{\"rel_path\":\"meta.json\"}]}");

            assertThat(Shipper.readShipped(dir.resolve("t"))).containsExactly(local.ulid());
            assertThat(Files.readString(dir.resolve("t").resolve("shipper.json")).replaceAll("\\s", ""))
                    .isEqualTo("{\"version\":1,\"uploaded\":[\"" + local.ulid() + "\"]}");
            assertThat(testing.counter("cortex_ingester_shipper_uploads")).isEqualTo(1);
            assertThat(testing.gauge("cortex_ingester_shipper_last_successful_upload_timestamp_seconds")).isEqualTo(T0 / 1000.0);
            assertThat(testing.counter("cortex_ingester_tsdb_compactions")).isEqualTo(1);
            assertThat(read(testing.ingester, "t").get(UP)).as("head and block together still answer")
                    .containsExactly(T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR + 1000);
        }
    }

    @Test
    void aRestartNeitherUploadsTwiceNorForgets() throws Exception {
        try (TestingIngester testing = ingester()) {
            pushThreeHours(testing.ingester, "t");
            testing.ingester.compactHeads();
        }
        int uploads = store.puts().size();
        assertThat(uploads).isEqualTo(4);
        try (TestingIngester restarted = ingester()) {
            restarted.ingester.shipBlocks();
            restarted.ingester.compactHeads();
            assertThat(store.puts()).hasSize(uploads);
            assertThat(restarted.counter("cortex_ingester_shipper_uploads")).isZero();
        }
    }

    @Test
    void aFailedUploadIsRetriedAtTheNextShipInterval() throws Exception {
        try (TestingIngester testing = ingester()) {
            store.setFailing(true);
            pushThreeHours(testing.ingester, "t");
            testing.ingester.compactHeads();
            Ulid block = blocks(testing, "t").getFirst().meta().ulid();
            assertThat(testing.counter("cortex_ingester_shipper_upload_failures")).isEqualTo(1);
            assertThat(Shipper.readShipped(dir.resolve("t"))).isEmpty();
            testing.ingester.shipBlocks();
            assertThat(testing.counter("cortex_ingester_shipper_upload_failures")).isEqualTo(2);

            store.setFailing(false);
            testing.ingester.shipBlocks();
            assertThat(store.keys()).contains("t/" + block + "/meta.json", "t/" + block + "/index", "t/" + block + "/chunks/000001");
            assertThat(Shipper.readShipped(dir.resolve("t"))).containsExactly(block);
            assertThat(testing.counter("cortex_ingester_shipper_uploads")).isEqualTo(1);
        }
    }

    @Test
    void aBlockWhoseMetaJsonIsAlreadyInTheStoreIsRecordedWithoutUploadingAgain() throws Exception {
        try (TestingIngester testing = ingester()) {
            store.setFailing(true);
            pushThreeHours(testing.ingester, "t");
            testing.ingester.compactHeads();
            Ulid block = blocks(testing, "t").getFirst().meta().ulid();
            // As if the process died after uploading meta.json and before writing shipper.json.
            store.setFailing(false);
            store.put("t/" + block + "/meta.json", new byte[] {'{', '}'});

            testing.ingester.shipBlocks();
            assertThat(store.puts()).containsExactly("t/" + block + "/meta.json");
            assertThat(Shipper.readShipped(dir.resolve("t"))).containsExactly(block);
        }
    }

    @Test
    void retentionDeletesLocalBlocksOnlyOnceTheyAreShipped() throws Exception {
        try (TestingIngester testing = ingester()) {
            store.setFailing(true);
            pushThreeHours(testing.ingester, "t");
            testing.ingester.compactHeads();
            Ulid block = blocks(testing, "t").getFirst().meta().ulid();

            testing.core.testingClock().advance(Duration.ofHours(16));
            testing.ingester.applyRetention();
            assertThat(blocks(testing, "t")).as("past retention but not shipped").hasSize(1);

            store.setFailing(false);
            testing.ingester.shipBlocks();
            testing.ingester.applyRetention();
            assertThat(blocks(testing, "t")).isEmpty();
            assertThat(Files.exists(dir.resolve("t").resolve(block.toString()))).isFalse();
            assertThat(Shipper.readShipped(dir.resolve("t"))).as("deleted blocks are forgotten").isEmpty();
            assertThat(store.keys()).contains("t/" + block + "/meta.json");
        }
    }

    @Test
    void retentionKeepsShippedBlocksYoungerThanTheRetentionPeriod() throws Exception {
        try (TestingIngester testing = ingester()) {
            pushThreeHours(testing.ingester, "t");
            testing.ingester.compactHeads();
            testing.core.testingClock().advance(Duration.ofHours(12));
            testing.ingester.applyRetention();
            assertThat(blocks(testing, "t")).hasSize(1);
        }
    }

    @Test
    void anIdleFullyShippedTsdbIsClosedAndAFreshOneOpenedOnTheNextPush() throws Exception {
        try (TestingIngester testing = ingester()) {
            testing.ingester.push("idle", batch(UP, T0));
            testing.ingester.push("busy", batch(UP, T0));
            testing.core.testingClock().advance(Duration.ofHours(2));
            testing.ingester.push("busy", batch(UP, T0 + 2 * HOUR));
            testing.ingester.compactHeads(); // "idle" had no push for head-compaction-idle-timeout (1h): compacted whole and shipped
            assertThat(testing.ingester.tenant("idle").orElseThrow().db().head().numSeries()).isZero();
            assertThat(store.keys()).anyMatch(key -> key.startsWith("idle/") && key.endsWith("/meta.json"));

            testing.core.testingClock().advance(Duration.ofHours(10));
            testing.ingester.closeIdleTsdbs();
            assertThat(testing.ingester.tenantIds()).as("12h idle is below close-idle-tsdb-timeout").contains("idle");
            testing.core.testingClock().advance(Duration.ofHours(1));
            testing.ingester.closeIdleTsdbs();
            assertThat(testing.ingester.tenantIds()).as("busy's head still holds samples").containsExactly("busy");
            assertThat(Files.exists(dir.resolve("idle"))).isFalse();
            assertThat(testing.gauge("cortex_ingester_memory_users")).isEqualTo(1);
            assertThat(testing.core.simpleMeterRegistry().find("cortex_ingester_active_series").tag("user", "idle").gauge()).isNull();

            assertThat(testing.ingester.push("idle", batch(UP, T0 + 16 * HOUR)).acceptedSamples()).isEqualTo(1);
            assertThat(read(testing.ingester, "idle")).isEqualTo(Map.of(UP, List.of(T0 + 16 * HOUR)));
        }
    }

    @Test
    void aZeroShipIntervalDisablesShippingAndRetentionGoesByAgeAlone() throws Exception {
        try (TestingIngester testing = new TestingIngester(dir, store, values -> values.with(IngesterConfig.SHIP_INTERVAL, Duration.ZERO))) {
            pushThreeHours(testing.ingester, "t");
            testing.ingester.compactHeads();
            testing.ingester.shipBlocks();
            assertThat(blocks(testing, "t")).hasSize(1);
            assertThat(store.keys()).isEmpty();
            assertThat(Files.exists(dir.resolve("t").resolve(Shipper.FILE_NAME))).isFalse();

            testing.core.testingClock().advance(Duration.ofHours(16));
            testing.ingester.closeIdleTsdbs();
            assertThat(testing.ingester.tenantIds()).as("never closed without shipping").containsExactly("t");
            testing.ingester.applyRetention();
            assertThat(blocks(testing, "t")).isEmpty();
        }
    }

    @Test
    void flushBlocksOnShutdownFlushesAndShipsAtStop() throws Exception {
        try (TestingIngester testing = new TestingIngester(dir, store, values -> values.with(IngesterConfig.FLUSH_ON_SHUTDOWN, true))) {
            testing.ingester.push("t", batch(UP, T0));
        }
        assertThat(store.keys()).anyMatch(key -> key.startsWith("t/") && key.endsWith("/meta.json"));
        try (TestingIngester restarted = ingester()) {
            assertThat(read(restarted.ingester, "t")).as("the flushed block is read back, the sample once")
                    .isEqualTo(Map.of(UP, List.of(T0)));
        }
    }
}
