package mimir.spi.objstore;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A flat key/value object store: the bucket that holds Mimir's blocks, rule groups and alertmanager
 * state, whatever the backend (filesystem, S3, GCS, Azure).
 *
 * <h2>Keys</h2>
 * A key is a non-empty UTF-8 string of segments separated by {@code /}, e.g.
 * {@code tenant-1/01HZX.../chunks/000001}. Keys do not start or end with {@code /}, have no empty
 * segment and no {@code .} or {@code ..} segment; implementations reject such keys with
 * {@link IllegalArgumentException} before touching storage.
 *
 * <h2>Consistency</h2>
 * <ul>
 * <li>A {@link #put} becomes visible atomically when it returns: readers see either the previous
 *     object or the complete new one, never a partial one. A put that fails leaves the previous
 *     object (or no object) in place.</li>
 * <li>After {@code put} returns, {@code get}, {@code exists}, {@code attributes} and {@code list}
 *     from the same process see the new object (read-after-write).</li>
 * <li>Different keys may be written concurrently by different threads.</li>
 * </ul>
 *
 * <h2>Missing objects</h2>
 * {@link #get}, {@link #getRange} throw {@link NoSuchObjectException}; {@link #exists} returns false;
 * {@link #attributes} returns empty; {@link #delete} does nothing (deletion is idempotent).
 *
 * <h2>Streams</h2>
 * Streams returned by {@code get} must be closed by the caller; they read from storage as they are
 * consumed (no whole-object buffering). {@code put} reads its input to the end and does not close it.
 *
 * <p>Implementations are thread-safe.
 */
public interface ObjectStore extends AutoCloseable {
    /** The backend name, e.g. {@code filesystem}. */
    String backend();

    /** Opens the whole object for reading. */
    InputStream get(String key) throws IOException;

    /**
     * Opens {@code length} bytes of the object starting at {@code offset}. A range that extends past
     * the end returns the bytes up to the end; an {@code offset} at or past the end returns an empty
     * stream. {@code length} of {@code -1} means "to the end".
     *
     * @throws IllegalArgumentException if {@code offset < 0} or {@code length < -1}
     */
    InputStream getRange(String key, long offset, long length) throws IOException;

    /** Stores the object, replacing any previous one with the same key. */
    void put(String key, InputStream data) throws IOException;

    /** Stores a small object held in memory. */
    default void put(String key, byte[] data) throws IOException {
        put(key, new java.io.ByteArrayInputStream(data));
    }

    /** Deletes the object if it exists. */
    void delete(String key) throws IOException;

    /** True if an object with exactly this key exists. */
    default boolean exists(String key) throws IOException {
        return attributes(key).isPresent();
    }

    /** Size and modification time of the object, or empty if it does not exist. */
    Optional<ObjectAttributes> attributes(String key) throws IOException;

    /**
     * Lists, in ascending order of the keys' UTF-8 bytes, the keys that start with {@code prefix}.
     *
     * <p>With {@link ListMode#RECURSIVE} every matching object key is reported. With
     * {@link ListMode#DELIMITED} a key whose remainder after the prefix contains a {@code /} is
     * collapsed into one entry: the key up to and including that first {@code /} (a "directory"),
     * reported once. An empty prefix lists the whole store; a prefix is usually a directory ending in
     * {@code /}, but need not be.
     */
    void list(String prefix, ListMode mode, Consumer<String> consumer) throws IOException;

    /** Releases clients and connections. */
    @Override
    void close() throws IOException;

    /** How {@link #list} treats keys below the prefix. */
    enum ListMode {
        /** Every object under the prefix. */
        RECURSIVE,
        /** Objects directly under the prefix, and one entry ending in {@code /} per sub-directory. */
        DELIMITED
    }
}
