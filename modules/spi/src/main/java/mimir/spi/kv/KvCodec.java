package mimir.spi.kv;

import java.io.IOException;

/**
 * How a KV store turns one kind of value into bytes, and how two versions of a value are merged.
 *
 * <p>Stores with a single source of truth (inmemory, etcd) only encode and decode, and serialize
 * writers with compare-and-swap. Gossiping stores (memberlist) have no single source of truth: every
 * node merges what it receives into what it holds with {@link #merge}, which must be a CRDT merge
 * (commutative, associative, idempotent), so all nodes converge whatever the order of messages. This
 * is dskit's {@code Mergeable} contract.
 *
 * @param <T> the value type; values are treated as immutable
 */
public interface KvCodec<T> {
    /** Names the value kind, e.g. {@code ringDesc}; a store keeps values of one codec per key. */
    String id();

    byte[] encode(T value);

    /** @throws IOException if the bytes are not a value of this codec */
    T decode(byte[] data) throws IOException;

    /**
     * The result of merging {@code incoming} into {@code current}.
     *
     * @param current  the value held, or null if none
     * @param incoming the value received, never null
     * @return the merged value, or {@code current} itself (the same instance) if {@code incoming} adds
     *         nothing to it
     */
    T merge(T current, T incoming);
}
