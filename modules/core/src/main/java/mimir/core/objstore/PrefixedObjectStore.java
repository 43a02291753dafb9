package mimir.core.objstore;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Consumer;

import mimir.spi.objstore.NoSuchObjectException;
import mimir.spi.objstore.ObjectAttributes;
import mimir.spi.objstore.ObjectKeys;
import mimir.spi.objstore.ObjectStore;

/**
 * A view of a store below {@code <prefix>/}: {@code -<scope>.storage-prefix}, so that blocks, ruler and
 * alertmanager data can share one bucket. Keys are validated before the prefix is added, so no key can
 * reach outside the prefix.
 */
public final class PrefixedObjectStore implements ObjectStore {
    private final ObjectStore delegate;
    private final String prefix;

    /** @param prefix letters and digits only, as Mimir requires */
    public PrefixedObjectStore(ObjectStore delegate, String prefix) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        if (prefix == null || prefix.isEmpty() || !prefix.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c))) {
            throw new IllegalArgumentException("storage prefix must be non-empty letters and digits: " + prefix);
        }
        this.prefix = prefix + "/";
    }

    private String full(String key) {
        return prefix + ObjectKeys.validate(key);
    }

    @Override
    public String backend() {
        return delegate.backend();
    }

    @Override
    public InputStream get(String key) throws IOException {
        try {
            return delegate.get(full(key));
        }
        catch (NoSuchObjectException e) {
            throw new NoSuchObjectException(key);
        }
    }

    @Override
    public InputStream getRange(String key, long offset, long length) throws IOException {
        try {
            return delegate.getRange(full(key), offset, length);
        }
        catch (NoSuchObjectException e) {
            throw new NoSuchObjectException(key);
        }
    }

    @Override
    public void put(String key, InputStream data) throws IOException {
        delegate.put(full(key), data);
    }

    @Override
    public void put(String key, byte[] data) throws IOException {
        delegate.put(full(key), data);
    }

    @Override
    public void delete(String key) throws IOException {
        delegate.delete(full(key));
    }

    @Override
    public boolean exists(String key) throws IOException {
        return delegate.exists(full(key));
    }

    @Override
    public Optional<ObjectAttributes> attributes(String key) throws IOException {
        return delegate.attributes(full(key));
    }

    @Override
    public void list(String listPrefix, ListMode mode, Consumer<String> consumer) throws IOException {
        requireNonNull(listPrefix, "prefix is null");
        requireNonNull(consumer, "consumer is null");
        delegate.list(prefix + listPrefix, mode, key -> consumer.accept(key.substring(prefix.length())));
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
