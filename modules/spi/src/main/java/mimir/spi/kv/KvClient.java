package mimir.spi.kv;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A client of one KV store for the values of one {@link KvCodec}, with keys relative to its scope's
 * {@code -<scope>.prefix}. Thread-safe.
 *
 * @param <T> the value type
 */
public interface KvClient<T> extends AutoCloseable {
    /** The value at {@code key}, or null if there is none. */
    T get(String key) throws IOException;

    /**
     * Compare-and-swap: calls {@code update} with the current value (null if none). If it returns
     * null nothing is written; otherwise the result is stored, provided nobody changed the key
     * meanwhile; if somebody did, {@code update} is called again with the newer value (a bounded
     * number of times). {@code update} may run more than once and must not have side effects.
     *
     * @throws IOException if the store cannot be reached, or the key kept changing
     */
    void cas(String key, UnaryOperator<T> update) throws IOException;

    /** Removes the key; no error if it is absent. */
    void delete(String key) throws IOException;

    /** The keys that start with {@code prefix}, sorted. */
    List<String> list(String prefix) throws IOException;

    /**
     * Calls {@code listener} with the key's current value (if it has one) and then with every new
     * value, on a thread of the store, until the returned handle is closed. Changes that follow each
     * other quickly may be delivered as one. The listener must return quickly.
     */
    AutoCloseable watchKey(String key, Consumer<T> listener);

    /** Releases the client; watches end. */
    @Override
    void close();
}
