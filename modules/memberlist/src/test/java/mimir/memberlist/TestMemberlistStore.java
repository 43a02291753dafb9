package mimir.memberlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import mimir.memberlist.MemberlistMessages.KeyValue;
import mimir.spi.kv.KvCodec;
import mimir.testing.AbstractTestKvStore.Counters;

/** Merging, generations and tombstones of one node's store, as values arrive from other nodes. */
class TestMemberlistStore {
    private static final String CODEC = Counters.CODEC.id();

    private final MemberlistStore store = new MemberlistStore();

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void receivedValueOfTheSameGenerationIsMergedAndPassedOn() throws IOException {
        store.register(Counters.CODEC);
        store.cas("k", Counters.CODEC, current -> Counters.of("a", 1));

        KeyValue changed = store.merge(value("k", 0, Counters.of("b", 2)));

        assertThat(store.get("k", CODEC)).isEqualTo(Counters.of("a", 1).with("b", 2));
        assertThat(changed).isNotNull();
        assertThat(Counters.CODEC.decode(changed.data())).isEqualTo(Counters.of("a", 1).with("b", 2));
        assertThat(store.merge(value("k", 0, Counters.of("b", 1)))).as("adds nothing, so nothing to pass on").isNull();
    }

    @Test
    void deleteWinsOverOlderValuesAndTheOldValueNeverComesBack() throws IOException {
        store.register(Counters.CODEC);
        store.merge(value("k", 0, Counters.of("a", 1)));

        KeyValue tombstone = store.delete("k", CODEC);

        assertThat(tombstone.generation()).isEqualTo(1);
        assertThat(tombstone.isTombstone()).isTrue();
        assertThat(store.merge(value("k", 0, Counters.of("a", 5)))).as("a write that had not seen the delete").isNull();
        assertThat(store.get("k", CODEC)).isNull();
        assertThat(store.list("", CODEC)).isEmpty();

        store.cas("k", Counters.CODEC, current -> Counters.of("new", 1));
        store.merge(value("k", 0, Counters.of("a", 9)));
        assertThat(store.get("k", CODEC)).isEqualTo(Counters.of("new", 1));
        assertThat(store.snapshot()).singleElement().satisfies(state -> assertThat(state.generation()).isEqualTo(2));
    }

    @Test
    void receivedTombstoneDeletesAndNewerGenerationReplaces() throws IOException {
        store.register(Counters.CODEC);
        store.cas("k", Counters.CODEC, current -> Counters.of("a", 1));

        store.merge(new KeyValue("k", CODEC, 1, new byte[0]));
        assertThat(store.get("k", CODEC)).isNull();

        store.merge(value("k", 2, Counters.of("b", 1)));
        assertThat(store.get("k", CODEC)).isEqualTo(Counters.of("b", 1));
    }

    @Test
    void valueOfAnUnknownCodecIsDropped() throws IOException {
        assertThat(store.merge(value("k", 0, Counters.of("a", 1)))).isNull();

        assertThat(store.snapshot()).isEmpty();
    }

    @Test
    void keyOfAnotherCodecIsAnErrorForClientsAndIgnoredFromGossip() throws IOException {
        store.register(Counters.CODEC);
        store.register(OTHER);
        store.cas("k", Counters.CODEC, current -> Counters.of("a", 1));

        assertThatIOException().isThrownBy(() -> store.get("k", OTHER.id())).withMessageContaining("holds values of codec testCounters, not other");
        assertThatIOException().isThrownBy(() -> store.cas("k", OTHER, current -> "x"));
        assertThat(store.list("", OTHER.id())).isEmpty();
        assertThat(store.merge(new KeyValue("k", OTHER.id(), 4, "x".getBytes(StandardCharsets.UTF_8)))).isNull();
        assertThat(store.get("k", CODEC)).isEqualTo(Counters.of("a", 1));
    }

    @Test
    void casWhoseResultAddsNothingLeavesTheValue() throws IOException {
        store.cas("k", Counters.CODEC, current -> Counters.of("a", 5));

        KeyValue changed = store.cas("k", Counters.CODEC, current -> Counters.of("a", 2));

        assertThat(changed).isNull();
        assertThat(store.get("k", CODEC)).isEqualTo(Counters.of("a", 5));
    }

    private static KeyValue value(String key, long generation, Counters counters) {
        return new KeyValue(key, CODEC, generation, Counters.CODEC.encode(counters));
    }

    private static final KvCodec<String> OTHER = new KvCodec<>() {
        @Override
        public String id() {
            return "other";
        }

        @Override
        public byte[] encode(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] data) {
            return new String(data, StandardCharsets.UTF_8);
        }

        @Override
        public String merge(String current, String incoming) {
            return current == null || incoming.compareTo(current) > 0 ? incoming : current;
        }
    };
}
