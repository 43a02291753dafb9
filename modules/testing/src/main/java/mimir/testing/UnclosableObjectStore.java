package mimir.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Consumer;

import mimir.spi.objstore.ObjectAttributes;
import mimir.spi.objstore.ObjectStore;

/** Delegates everything but {@link #close}, so a component under test can close "its" store while the test keeps using it. */
final class UnclosableObjectStore implements ObjectStore {
    private final ObjectStore delegate;

    UnclosableObjectStore(ObjectStore delegate) {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    @Override
    public String backend() {
        return delegate.backend();
    }

    @Override
    public InputStream get(String key) throws IOException {
        return delegate.get(key);
    }

    @Override
    public InputStream getRange(String key, long offset, long length) throws IOException {
        return delegate.getRange(key, offset, length);
    }

    @Override
    public void put(String key, InputStream data) throws IOException {
        delegate.put(key, data);
    }

    @Override
    public void delete(String key) throws IOException {
        delegate.delete(key);
    }

    @Override
    public Optional<ObjectAttributes> attributes(String key) throws IOException {
        return delegate.attributes(key);
    }

    @Override
    public void list(String prefix, ListMode mode, Consumer<String> consumer) throws IOException {
        delegate.list(prefix, mode, consumer);
    }

    @Override
    public void close() {}
}
