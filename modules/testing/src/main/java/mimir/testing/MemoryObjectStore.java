package mimir.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

import mimir.spi.objstore.NoSuchObjectException;
import mimir.spi.objstore.ObjectAttributes;
import mimir.spi.objstore.ObjectStore;

/**
 * An object store in memory for component tests: records the order of puts, counts ranged reads, and
 * can be told to fail every operation. Listing honours {@link ListMode#DELIMITED} like the real backends.
 */
public final class MemoryObjectStore implements ObjectStore {
    private final TreeMap<String, byte[]> objects = new TreeMap<>();
    private final java.util.Map<String, Instant> modified = new java.util.HashMap<>();
    private final java.time.Clock clock;

    /** A store whose objects are all last modified at the epoch. */
    public MemoryObjectStore() {
        this(java.time.Clock.fixed(Instant.EPOCH, java.time.ZoneOffset.UTC));
    }

    /** A store that stamps each put with {@code clock}'s time (its objects' last-modified attribute). */
    public MemoryObjectStore(java.time.Clock clock) {
        this.clock = clock;
    }
    private final List<String> puts = new ArrayList<>();
    private volatile boolean failing;
    private final java.util.concurrent.atomic.AtomicLong rangeReads = new java.util.concurrent.atomic.AtomicLong();

    public void setFailing(boolean failing) {
        this.failing = failing;
    }

    public synchronized List<String> puts() {
        return List.copyOf(puts);
    }

    public synchronized List<String> keys() {
        return List.copyOf(objects.keySet());
    }

    public synchronized byte[] object(String key) {
        return objects.get(key);
    }

    private void check() throws IOException {
        if (failing) {
            throw new IOException("object store is down (test)");
        }
    }

    @Override
    public String backend() {
        return "memory";
    }

    @Override
    public synchronized InputStream get(String key) throws IOException {
        check();
        byte[] data = objects.get(key);
        if (data == null) {
            throw new NoSuchObjectException(key);
        }
        return new ByteArrayInputStream(data);
    }

    /** Ranged reads so far. */
    public long rangeReads() {
        return rangeReads.get();
    }

    @Override
    public InputStream getRange(String key, long offset, long length) throws IOException {
        rangeReads.incrementAndGet();
        byte[] data = get(key).readAllBytes();
        int from = (int) Math.min(offset, data.length);
        int to = length < 0 ? data.length : (int) Math.min(data.length, offset + length);
        return new ByteArrayInputStream(data, from, Math.max(0, to - from));
    }

    @Override
    public void put(String key, InputStream data) throws IOException {
        check();
        byte[] bytes = data.readAllBytes();
        synchronized (this) {
            objects.put(key, bytes);
            modified.put(key, clock.instant());
            puts.add(key);
        }
    }

    @Override
    public synchronized void delete(String key) throws IOException {
        check();
        objects.remove(key);
        modified.remove(key);
    }

    @Override
    public synchronized Optional<ObjectAttributes> attributes(String key) throws IOException {
        check();
        byte[] data = objects.get(key);
        return data == null ? Optional.empty() : Optional.of(new ObjectAttributes(data.length, modified.get(key)));
    }

    @Override
    public synchronized void list(String prefix, ListMode mode, Consumer<String> consumer) throws IOException {
        check();
        String lastDirectory = null;
        for (String key : objects.tailMap(prefix).keySet()) {
            if (!key.startsWith(prefix)) {
                break;
            }
            int slash = key.indexOf('/', prefix.length());
            if (mode == ListMode.DELIMITED && slash >= 0) {
                String directory = key.substring(0, slash + 1);
                if (!directory.equals(lastDirectory)) {
                    consumer.accept(directory);
                    lastDirectory = directory;
                }
                continue;
            }
            consumer.accept(key);
        }
    }

    @Override
    public void close() {}
}
