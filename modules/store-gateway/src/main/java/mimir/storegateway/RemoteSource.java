package mimir.storegateway;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.LongAdder;

import mimir.spi.objstore.ObjectStore;
import mimir.tsdb.encoding.ByteSource;
import mimir.tsdb.encoding.CorruptionException;

/**
 * An object in the bucket read by ranges: a read is served from {@link PageCache} pages, and the pages
 * it misses are fetched together, each run of adjacent missing pages in one ranged GET (nearby reads,
 * e.g. the series of a postings list or the chunks of neighbouring series, share pages and requests).
 */
final class RemoteSource implements ByteSource {
    static final int PAGE_SIZE = 16 * 1024;

    private final ObjectStore store;
    private final String key;
    private final long size;
    private final PageCache cache;
    private final LongAdder fetchedBytes;
    private final LongAdder requests;
    /** The page the last read ended in: consecutive reads (series after series, chunk after chunk) mostly stay in it. */
    private volatile LastPage last;

    private record LastPage(long index, byte[] bytes) {}

    /**
     * @param size         the object's size (from meta.json's file list, or its attributes)
     * @param fetchedBytes counts the bytes read from the bucket
     * @param requests     counts the ranged GETs
     */
    RemoteSource(ObjectStore store, String key, long size, PageCache cache, LongAdder fetchedBytes, LongAdder requests) {
        this.store = requireNonNull(store, "store is null");
        this.key = requireNonNull(key, "key is null");
        this.size = size;
        this.cache = requireNonNull(cache, "cache is null");
        this.fetchedBytes = requireNonNull(fetchedBytes, "fetchedBytes is null");
        this.requests = requireNonNull(requests, "requests is null");
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public MemorySegment read(long offset, long length) throws IOException {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new CorruptionException("range [" + offset + ", +" + length + ") outside " + key + " of " + size + " bytes");
        }
        if (length == 0) {
            return MemorySegment.ofArray(new byte[0]);
        }
        long first = offset / PAGE_SIZE;
        long lastIndex = (offset + length - 1) / PAGE_SIZE;
        LastPage recent = last;
        if (first == lastIndex && recent != null && recent.index() == first) {
            return MemorySegment.ofArray(recent.bytes()).asSlice(offset - first * PAGE_SIZE, length);
        }
        int count = (int) (lastIndex - first + 1);
        byte[][] pages = new byte[count][];
        for (int i = 0; i < count; i++) {
            pages[i] = cache.get(new PageCache.Key(key, first + i));
        }
        for (int i = 0; i < count; ) {
            if (pages[i] != null) {
                i++;
                continue;
            }
            int j = i;
            while (j < count && pages[j] == null) {
                j++;
            }
            fetch(first + i, j - i, pages, i);
            i = j;
        }
        last = new LastPage(lastIndex, pages[count - 1]);
        long inFirst = offset - first * PAGE_SIZE;
        if (count == 1) {
            return MemorySegment.ofArray(pages[0]).asSlice(inFirst, length);
        }
        if (length > Integer.MAX_VALUE - 16) {
            throw new IOException("read of " + length + " bytes from " + key + " is too large");
        }
        byte[] out = new byte[(int) length];
        int written = 0;
        for (int i = 0; i < count; i++) {
            int from = i == 0 ? (int) inFirst : 0;
            int take = (int) Math.min(pages[i].length - from, length - written);
            System.arraycopy(pages[i], from, out, written, take);
            written += take;
        }
        return MemorySegment.ofArray(out);
    }

    /** Fetches {@code pageCount} pages from {@code firstPage} in one ranged GET, caches them and stores them at {@code into[at...]}. */
    private void fetch(long firstPage, int pageCount, byte[][] into, int at) throws IOException {
        long start = firstPage * PAGE_SIZE;
        long end = Math.min(size, (firstPage + pageCount) * PAGE_SIZE);
        byte[] data;
        try (InputStream in = store.getRange(key, start, end - start)) {
            data = in.readNBytes((int) (end - start));
        }
        requests.increment();
        fetchedBytes.add(data.length);
        if (data.length != end - start) {
            throw new IOException("short read of " + key + ": " + data.length + " of " + (end - start) + " bytes at " + start);
        }
        for (int k = 0; k < pageCount; k++) {
            int from = k * PAGE_SIZE;
            int to = (int) Math.min(data.length, (long) from + PAGE_SIZE);
            byte[] page = pageCount == 1 ? data : java.util.Arrays.copyOfRange(data, from, to);
            cache.put(new PageCache.Key(key, firstPage + k), page);
            into[at + k] = page;
        }
    }

    @Override
    public void close() {
        // Nothing held: pages belong to the shared cache.
    }

    @Override
    public String toString() {
        return key;
    }
}
