package mimir.storegateway;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

import mimir.bucket.BlockUpload;
import mimir.bucket.BucketBlocks;
import mimir.spi.objstore.NoSuchObjectException;
import mimir.spi.objstore.ObjectAttributes;
import mimir.spi.objstore.ObjectStore;
import mimir.tsdb.Block;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.block.BucketIndex;
import mimir.tsdb.block.Ulid;
import mimir.tsdb.chunks.ChunkReader;
import mimir.tsdb.encoding.ByteSource;
import mimir.tsdb.encoding.CorruptionException;
import mimir.tsdb.index.IndexReader;
import mimir.tsdb.tombstones.Tombstones;
import mimir.tsdb.tombstones.TombstonesFile;

/**
 * One block of a tenant as the store-gateway holds it: its meta.json and index-header on local disk
 * ({@code <sync-dir>/<tenant>/<block>/}), and, while queried, the block opened over ranged reads of its
 * index and chunk objects. Opened on first use and closed after the idle timeout (lazy loading), or
 * kept open (lazy loading disabled).
 */
final class BucketBlock {
    private final ObjectStore store;
    private final String tenant;
    private final BucketIndex.Entry entry;
    private final Path dir;
    private final PageCache cache;
    private final LongAdder fetchedBytes;
    private final LongAdder requests;
    private final BlockMeta meta;
    private Block block;
    private long lastUsedMillis;
    private long indexSize = -1;

    private BucketBlock(ObjectStore store, String tenant, BucketIndex.Entry entry, Path dir, PageCache cache, LongAdder fetchedBytes,
            LongAdder requests, BlockMeta meta) {
        this.store = store;
        this.tenant = tenant;
        this.entry = entry;
        this.dir = dir;
        this.cache = cache;
        this.fetchedBytes = fetchedBytes;
        this.requests = requests;
        this.meta = meta;
    }

    /**
     * Prepares a block for serving: meta.json (from the local copy, else the bucket) and the
     * index-header (built from ranged reads of the index unless a valid one is on disk).
     */
    static BucketBlock load(ObjectStore store, BucketBlocks discovery, String tenant, BucketIndex.Entry entry, Path dir, PageCache cache,
            LongAdder fetchedBytes, LongAdder requests) throws IOException {
        requireNonNull(entry, "entry is null");
        Files.createDirectories(dir);
        BlockMeta meta = null;
        Path localMeta = dir.resolve(BlockMeta.FILE_NAME);
        if (Files.exists(localMeta)) {
            try {
                meta = BlockMeta.read(dir);
            }
            catch (IOException | RuntimeException e) {
                Files.deleteIfExists(localMeta);
            }
        }
        if (meta == null) {
            meta = discovery.readMeta(tenant, entry.id())
                    .orElseThrow(() -> new IOException("block " + tenant + "/" + entry.id() + " has no meta.json in the bucket"));
            meta.write(dir);
        }
        BucketBlock block = new BucketBlock(store, tenant, entry, dir, cache, fetchedBytes, requests, meta);
        block.ensureIndexHeader(false);
        return block;
    }

    static String objectKey(String tenant, Ulid block, String file) {
        return tenant + "/" + block + "/" + file;
    }

    Ulid id() {
        return entry.id();
    }

    BucketIndex.Entry entry() {
        return entry;
    }

    BlockMeta meta() {
        return meta;
    }

    Path dir() {
        return dir;
    }

    /** The index-header's bytes on local disk. */
    long indexHeaderBytes() {
        try {
            return Files.size(dir.resolve(IndexHeader.FILE_NAME));
        }
        catch (IOException e) {
            return 0;
        }
    }

    /** The index object's bytes (known once the block was prepared). */
    synchronized long indexBytes() {
        return indexSize;
    }

    synchronized boolean isOpen() {
        return block != null;
    }

    private synchronized void ensureIndexHeader(boolean rebuild) throws IOException {
        Path header = dir.resolve(IndexHeader.FILE_NAME);
        if (indexSize < 0) {
            indexSize = fileSizes().getOrDefault("index", -1L);
            if (indexSize < 0) {
                indexSize = attributes("index").size();
            }
        }
        if (rebuild || !Files.exists(header)) {
            fetchedBytes.add(IndexHeader.build(store, objectKey(tenant, entry.id(), "index"), indexSize, header));
        }
    }

    /** The open block, opened now if it is not; marks it used at {@code nowMillis}. */
    synchronized Block acquire(long nowMillis) throws IOException {
        lastUsedMillis = nowMillis;
        if (block == null) {
            block = open();
        }
        return block;
    }

    private Block open() throws IOException {
        ensureIndexHeader(false);
        IndexReader index;
        RemoteSource remoteIndex = new RemoteSource(store, objectKey(tenant, entry.id(), "index"), indexSize, cache, fetchedBytes, requests);
        try {
            index = new IndexReader(IndexHeader.source(dir.resolve(IndexHeader.FILE_NAME), remoteIndex), true);
        }
        catch (CorruptionException e) {
            // A damaged or stale local index-header: build it again from the bucket, once.
            ensureIndexHeader(true);
            index = new IndexReader(IndexHeader.source(dir.resolve(IndexHeader.FILE_NAME), remoteIndex), true);
        }
        try {
            Map<String, Long> sizes = fileSizes();
            TreeMap<String, Long> segments = new TreeMap<>();
            sizes.forEach((path, size) -> {
                if (path.startsWith("chunks/")) {
                    segments.put(path, size);
                }
            });
            if (segments.isEmpty()) {
                List<String> keys = new ArrayList<>();
                String prefix = objectKey(tenant, entry.id(), "chunks/");
                store.list(prefix, ObjectStore.ListMode.DELIMITED, key -> {
                    if (!key.endsWith("/")) {
                        keys.add(key);
                    }
                });
                for (String key : keys) {
                    String relative = key.substring(objectKey(tenant, entry.id(), "").length());
                    segments.put(relative, attributes(relative).size());
                }
            }
            List<ByteSource> sources = new ArrayList<>();
            segments.forEach((path, size) -> sources.add(new RemoteSource(store, objectKey(tenant, entry.id(), path), size, cache, fetchedBytes, requests)));
            ChunkReader chunks = new ChunkReader(sources);
            return Block.of(meta, index, chunks, tombstones());
        }
        catch (IOException | RuntimeException e) {
            index.close();
            throw e;
        }
    }

    private Tombstones tombstones() throws IOException {
        Path local = dir.resolve(TombstonesFile.FILE_NAME);
        if (!Files.exists(local)) {
            try (InputStream in = store.get(objectKey(tenant, entry.id(), TombstonesFile.FILE_NAME))) {
                Path tmp = dir.resolve(TombstonesFile.FILE_NAME + ".tmp");
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (NoSuchObjectException e) {
                return new Tombstones();
            }
        }
        return TombstonesFile.read(dir);
    }

    private ObjectAttributes attributes(String relative) throws IOException {
        String key = objectKey(tenant, entry.id(), relative);
        return store.attributes(key).orElseThrow(() -> new IOException("block " + tenant + "/" + entry.id() + " has no " + relative + " in the bucket"));
    }

    /** The block's files with known sizes from meta.json's {@code thanos.files}, if its writer listed them. */
    private Map<String, Long> fileSizes() {
        Map<String, Long> sizes = new TreeMap<>();
        BlockUpload.listedFiles(meta).forEach((path, size) -> {
            if (size >= 0) {
                sizes.put(path, size);
            }
        });
        return sizes;
    }

    /** Closes the open block if unused since {@code idleMillis}; true if it closed it. */
    synchronized boolean closeIfIdle(long nowMillis, long idleMillis) throws IOException {
        if (block == null || nowMillis - lastUsedMillis < idleMillis) {
            return false;
        }
        closeOpen();
        return true;
    }

    private void closeOpen() throws IOException {
        Block open = block;
        block = null;
        if (open != null) {
            open.close();
        }
    }

    /** Closes the block (queriers in flight keep it until they finish) and drops its cached pages. */
    synchronized void close() throws IOException {
        closeOpen();
        cache.invalidate(objectKey(tenant, entry.id(), ""));
    }
}
