package mimir.bucket;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import mimir.model.InvalidTenantIdException;
import mimir.model.TenantIds;
import mimir.spi.objstore.NoSuchObjectException;
import mimir.spi.objstore.ObjectStore;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.block.BucketIndex;
import mimir.tsdb.block.Ulid;

/**
 * How a tenant's blocks are found in the bucket, for the querier and the store-gateway alike: the
 * tenant's {@code bucket-index.json.gz} when the compactor has written one, otherwise a listing of
 * {@code <tenant>/} (complete blocks only: those with a {@code meta.json}) and of its
 * {@code markers/} (deletion marks). A listed block's meta.json is read once and remembered, since a
 * block never changes.
 */
public final class BucketBlocks {

    private final ObjectStore store;
    /** Entries of listed blocks, by tenant and block: meta.json is immutable. */
    private final Map<String, Map<Ulid, BucketIndex.Entry>> listed = new ConcurrentHashMap<>();

    public BucketBlocks(ObjectStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    /** {@code <tenant>/bucket-index.json.gz}. */
    public static String indexKey(String tenant) {
        return tenant + "/" + BucketIndex.FILE_NAME;
    }

    /** The tenants with anything in the bucket (valid tenant IDs only; Mimir's reserved prefix left out), sorted. */
    public List<String> tenants() throws IOException {
        List<String> tenants = new ArrayList<>();
        store.list("", ObjectStore.ListMode.DELIMITED, key -> {
            if (!key.endsWith("/")) {
                return;
            }
            String tenant = key.substring(0, key.length() - 1);
            try {
                TenantIds.validate(tenant);
                if (!tenant.equals(TenantIds.RESERVED)) {
                    tenants.add(tenant);
                }
            }
            catch (InvalidTenantIdException e) {
                // Not a tenant (another tool's prefix in the same bucket).
            }
        });
        tenants.sort(null);
        return tenants;
    }

    /** The tenant's bucket index, or empty if it has none. */
    public Optional<BucketIndex> readIndex(String tenant) throws IOException {
        try (InputStream in = store.get(indexKey(tenant))) {
            return Optional.of(BucketIndex.readGzip(in));
        }
        catch (NoSuchObjectException e) {
            return Optional.empty();
        }
    }

    /** The tenant's bucket index, or one built now by listing the bucket if the tenant has none. */
    public Discovered discover(String tenant, long nowMillis) throws IOException {
        Optional<BucketIndex> index = readIndex(tenant);
        return index.isPresent() ? new Discovered(index.get(), true) : new Discovered(list(tenant, nowMillis), false);
    }

    /** A tenant's blocks and whether they came from its bucket index ({@code false}: listed). */
    public record Discovered(BucketIndex index, boolean fromBucketIndex) {
        public Discovered {
            requireNonNull(index, "index is null");
        }
    }

    /** Builds the tenant's bucket index by listing: complete blocks and deletion marks. */
    public BucketIndex list(String tenant, long nowMillis) throws IOException {
        List<Ulid> blockIds = blockIds(tenant);
        Map<Ulid, BucketIndex.Entry> known = listed.getOrDefault(tenant, Map.of());
        Map<Ulid, BucketIndex.Entry> current = new HashMap<>();
        List<BucketIndex.Entry> blocks = new ArrayList<>();
        for (Ulid id : blockIds) {
            BucketIndex.Entry entry = known.get(id);
            if (entry == null) {
                Optional<BucketIndex.Entry> read = readEntry(tenant, id);
                if (read.isEmpty()) {
                    continue; // partial: meta.json not (yet) uploaded
                }
                entry = read.get();
            }
            current.put(id, entry);
            blocks.add(entry);
        }
        listed.put(tenant, current);
        List<BucketIndex.DeletionMark> marks = new ArrayList<>();
        BlockMarks.list(store, tenant, BlockMarks.DELETION_MARK).forEach((id, time) -> marks.add(new BucketIndex.DeletionMark(id, time)));
        return new BucketIndex(blocks, marks, nowMillis / 1000);
    }

    /** The tenant's block directories (complete or partial): the sub-directories of {@code <tenant>/} named by a ULID. */
    public List<Ulid> blockIds(String tenant) throws IOException {
        List<Ulid> blockIds = new ArrayList<>();
        store.list(tenant + "/", ObjectStore.ListMode.DELIMITED, key -> {
            if (key.endsWith("/")) {
                String name = key.substring(tenant.length() + 1, key.length() - 1);
                parseUlid(name).ifPresent(blockIds::add);
            }
        });
        return blockIds;
    }

    private Optional<BucketIndex.Entry> readEntry(String tenant, Ulid id) throws IOException {
        return readMeta(tenant, id).map(meta -> new BucketIndex.Entry(id, meta.minTime(), meta.maxTime(), "", 0, 0, "", "", meta.compaction().level()));
    }

    /**
     * The block's meta.json, or empty if it has none (a partial block).
     *
     * @throws IOException if it cannot be read, is invalid, or names another block
     */
    public Optional<BlockMeta> readMeta(String tenant, Ulid id) throws IOException {
        String text;
        try (InputStream in = store.get(tenant + "/" + id + "/" + BlockMeta.FILE_NAME)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (NoSuchObjectException e) {
            return Optional.empty();
        }
        BlockMeta meta;
        try {
            meta = BlockMeta.parse(text);
        }
        catch (RuntimeException e) {
            throw new IOException("block " + tenant + "/" + id + ": invalid meta.json: " + e.getMessage(), e);
        }
        if (!meta.ulid().equals(id)) {
            throw new IOException("block " + tenant + "/" + id + ": meta.json names block " + meta.ulid());
        }
        return Optional.of(meta);
    }

    private static Optional<Ulid> parseUlid(String text) {
        if (text.length() != 26) {
            return Optional.empty();
        }
        try {
            return Optional.of(Ulid.parse(text));
        }
        catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
