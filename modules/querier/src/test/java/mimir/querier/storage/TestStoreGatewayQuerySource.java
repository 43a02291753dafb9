package mimir.querier.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import mimir.model.Matcher;
import mimir.model.storage.EmptyQuerier;
import mimir.model.storage.Querier;
import mimir.model.storage.SeriesSet;
import mimir.promql.engine.QueryException;
import mimir.bucket.BucketBlocks;
import mimir.storegateway.client.BlocksQuerier;
import mimir.storegateway.client.BucketStoreSettings;
import mimir.storegateway.client.StoreGatewayClient;
import mimir.testing.MemoryObjectStore;
import mimir.testing.TestingClock;
import mimir.tsdb.block.BucketIndex;
import mimir.tsdb.block.Ulid;
import org.junit.jupiter.api.Test;

class TestStoreGatewayQuerySource {
    private static final long HOUR = 3_600_000;

    private final MemoryObjectStore bucket = new MemoryObjectStore();
    private final TestingClock clock = new TestingClock(Instant.parse("2026-11-10T00:00:00Z"));
    private final long now = clock.millis();
    private final BucketStoreSettings settings = new BucketStoreSettings(Duration.ofMinutes(15), Duration.ofHours(10), Duration.ofHours(1),
            Duration.ofHours(1));

    /** Records what it was asked and answers with the blocks it was told it holds (and no series). */
    private static final class RecordingGateway implements StoreGatewayClient {
        final Set<Ulid> held = new HashSet<>();
        final List<Set<Ulid>> asked = new ArrayList<>();

        @Override
        public BlocksQuerier querier(String tenant, Set<Ulid> blocks, long mint, long maxt) {
            asked.add(Set.copyOf(blocks));
            Set<Ulid> missing = new HashSet<>(blocks);
            missing.removeAll(held);
            return new BlocksQuerier() {
                @Override
                public Answer<SeriesSet> select(List<Matcher> matchers) {
                    return new Answer<>(EmptyQuerier.INSTANCE.select(true, matchers), missing);
                }

                @Override
                public Answer<List<String>> labelNames(List<Matcher> matchers) {
                    return new Answer<>(List.of(), missing);
                }

                @Override
                public Answer<List<String>> labelValues(String name, List<Matcher> matchers) {
                    return new Answer<>(List.of(), missing);
                }

                @Override
                public void close() {}
            };
        }
    }

    /** The store-gateways of a process that runs only {@code gateway} (none if null), in-process. */
    private static StoreGateways only(StoreGatewayClient gateway) {
        return new StoreGateways() {
            @Override
            public List<Replica> replicas(Ulid block, long nowMillis) {
                return gateway == null ? List.of() : List.of(new Replica("local", "in-process", true));
            }

            @Override
            public StoreGatewayClient client(Replica replica) {
                return gateway;
            }

            @Override
            public String describe() {
                return "the test's store-gateways";
            }
        };
    }

    /** Asks the source for the label names of {@code [mint, maxt]}, which makes it ask the store-gateway. */
    private static void askLabelNames(StoreGatewayQuerySource source, long mint, long maxt) {
        try (Querier querier = source.querier("t1", mint, maxt)) {
            querier.labelNames(List.of());
        }
    }

    private BucketIndex.Entry block(long minTime, long maxTime) {
        return new BucketIndex.Entry(Ulid.generate(), minTime, maxTime, "1b6d", 1, minTime / 1000, "", "ingester", 1);
    }

    private void writeIndex(List<BucketIndex.Entry> blocks, List<BucketIndex.DeletionMark> marks, long updatedAtMillis) throws Exception {
        bucket.put(BucketBlocks.indexKey("t1"), new BucketIndex(blocks, marks, updatedAtMillis / 1000).toGzip());
    }

    private StoreGatewayQuerySource source(RecordingGateway gateway, Duration queryStoreAfter) {
        return new StoreGatewayQuerySource(only(gateway), new BucketBlocks(bucket), settings, queryStoreAfter, clock);
    }

    @Test
    void asksForTheBlocksOfTheRangeOlderThanQueryStoreAfterOnly() throws Exception {
        BucketIndex.Entry old = block(now - 48 * HOUR, now - 46 * HOUR);
        BucketIndex.Entry older = block(now - 50 * HOUR, now - 48 * HOUR);
        BucketIndex.Entry young = block(now - 13 * HOUR, now - 11 * HOUR); // within ignore-blocks-within? min time 13 h ago: no
        BucketIndex.Entry youngest = block(now - 4 * HOUR, now - 2 * HOUR); // min time within 10 h: never asked for
        writeIndex(List.of(old, older, young, youngest), List.of(), now);
        RecordingGateway gateway = new RecordingGateway();
        gateway.held.addAll(Set.of(old.id(), older.id(), young.id(), youngest.id()));

        askLabelNames(source(gateway, Duration.ofHours(12)), now - 47 * HOUR, now);
        assertThat(gateway.asked).containsExactly(Set.of(old.id(), young.id()));

        gateway.asked.clear();
        askLabelNames(source(gateway, Duration.ofHours(12)), now - 6 * HOUR, now);
        assertThat(gateway.asked).isEmpty();

        askLabelNames(source(gateway, Duration.ZERO), now - 6 * HOUR, now);
        assertThat(gateway.asked).isEmpty(); // the only block there is within ignore-blocks-within
    }

    @Test
    void aBlockTheStoreGatewayDoesNotHoldFailsTheQueryWithTheConsistencyCheckError() throws Exception {
        BucketIndex.Entry held = block(now - 48 * HOUR, now - 46 * HOUR);
        BucketIndex.Entry lost = block(now - 46 * HOUR, now - 44 * HOUR);
        writeIndex(List.of(held, lost), List.of(), now);
        RecordingGateway gateway = new RecordingGateway();
        gateway.held.add(held.id());

        assertThatThrownBy(() -> source(gateway, Duration.ofHours(12)).querier("t1", now - 48 * HOUR, now).select(true, List.of(Matcher.equal("a", "b"))))
                .isInstanceOf(QueryException.class)
                .hasMessageContaining("consistency check failed because some blocks were not queried: " + lost.id())
                .hasMessageContaining("err-mimir-store-consistency-check-failed");
        // Asked twice: once for both, once more for the missing one after re-reading the bucket index.
        assertThat(gateway.asked).containsExactly(Set.of(held.id(), lost.id()), Set.of(lost.id()));
    }

    @Test
    void aMissingBlockCompactedMeanwhileIsReplacedByItsSuccessor() throws Exception {
        BucketIndex.Entry a = block(now - 48 * HOUR, now - 46 * HOUR);
        BucketIndex.Entry b = block(now - 46 * HOUR, now - 44 * HOUR);
        writeIndex(List.of(a, b), List.of(), now);
        RecordingGateway gateway = new RecordingGateway();
        gateway.held.add(a.id());
        StoreGatewayQuerySource source = source(gateway, Duration.ofHours(12));
        askLabelNames(source, now - 48 * HOUR, now - 47 * HOUR); // caches the index with a and b

        // b was compacted into c (and deleted) after the querier read the index.
        BucketIndex.Entry c = block(now - 46 * HOUR, now - 40 * HOUR);
        writeIndex(List.of(a, c), List.of(), now);
        gateway.held.add(c.id());
        gateway.asked.clear();
        askLabelNames(source, now - 48 * HOUR, now);
        assertThat(gateway.asked).containsExactly(Set.of(a.id(), b.id()), Set.of(c.id()));
    }

    @Test
    void aStaleBucketIndexFailsTheQueryNamingTheLimit() throws Exception {
        writeIndex(List.of(block(now - 48 * HOUR, now - 46 * HOUR)), List.of(), now - 2 * HOUR);
        assertThatThrownBy(() -> source(new RecordingGateway(), Duration.ofHours(12)).querier("t1", now - 48 * HOUR, now))
                .hasMessageContaining("the bucket index is too old").hasMessageContaining("maximum allowed staleness period of 1h")
                .hasMessageContaining("err-mimir-bucket-index-too-old");
    }

    @Test
    void withoutAStoreGatewayAQueryThatNeedsBlocksFailsNamingThem() throws Exception {
        BucketIndex.Entry needed = block(now - 48 * HOUR, now - 46 * HOUR);
        writeIndex(List.of(needed), List.of(), now);
        assertThatThrownBy(() -> askLabelNames(source(null, Duration.ofHours(12)), now - 48 * HOUR, now))
                .hasMessageContaining("not queried: " + needed.id())
                .hasMessageContaining("no ACTIVE store-gateway left to ask for " + needed.id() + " in the test's store-gateways");
        // A query of recent data only never needs one.
        assertThat(source(null, Duration.ofHours(12)).querier("t1", now - HOUR, now)).isSameAs(EmptyQuerier.INSTANCE);
    }

    @Test
    void blocksMarkedForDeletionLongerAgoThanTheDelayAreNotAskedFor() throws Exception {
        BucketIndex.Entry kept = block(now - 48 * HOUR, now - 46 * HOUR);
        BucketIndex.Entry deleted = block(now - 46 * HOUR, now - 44 * HOUR);
        BucketIndex.Entry deleting = block(now - 44 * HOUR, now - 42 * HOUR);
        writeIndex(List.of(kept, deleted, deleting), List.of(new BucketIndex.DeletionMark(deleted.id(), now / 1000 - 7200),
                new BucketIndex.DeletionMark(deleting.id(), now / 1000 - 60)), now);
        RecordingGateway gateway = new RecordingGateway();
        gateway.held.addAll(Set.of(kept.id(), deleted.id(), deleting.id()));
        askLabelNames(source(gateway, Duration.ofHours(12)), now - 48 * HOUR, now);
        assertThat(gateway.asked).containsExactly(Set.of(kept.id(), deleting.id()));
    }
}
