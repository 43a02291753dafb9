package mimir.bucket;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import mimir.spi.objstore.NoSuchObjectException;
import mimir.spi.objstore.ObjectStore;
import mimir.tsdb.block.Ulid;

/**
 * Marks on blocks, in Mimir's layout and format: a deletion mark ({@code deletion-mark.json}, the block
 * is deleted {@code -compactor.deletion-delay} later) and a no-compact mark ({@code no-compact-mark.json},
 * the compactor leaves the block alone), each written beside the block and, for listing without
 * walking every block, under {@code <tenant>/markers/<block>-<mark>}.
 */
public final class BlockMarks {
    public static final String DELETION_MARK = "deletion-mark.json";
    public static final String NO_COMPACT_MARK = "no-compact-mark.json";
    public static final String MARKERS = "markers/";
    private static final Pattern TIME_FIELD = Pattern.compile("\"(deletion_time|no_compact_time)\"\\s*:\\s*(-?[0-9]+)");

    private BlockMarks() {}

    /** {@code <tenant>/markers/<block>-<mark>}. */
    public static String markerKey(String tenant, Ulid block, String mark) {
        return tenant + "/" + MARKERS + block + "-" + mark;
    }

    /** Marks {@code block} for deletion at {@code nowSeconds}; the block stays readable until the delay has passed. */
    public static void markForDeletion(ObjectStore store, String tenant, Ulid block, long nowSeconds, String details) throws IOException {
        requireNonNull(store, "store is null");
        byte[] json = ("{\"id\":\"" + block + "\",\"deletion_time\":" + nowSeconds + ",\"version\":1,\"details\":" + BucketJson.string(details) + "}")
                .getBytes(StandardCharsets.UTF_8);
        store.put(tenant + "/" + block + "/" + DELETION_MARK, json);
        store.put(markerKey(tenant, block, DELETION_MARK), json);
    }

    /** Marks {@code block} as not to be compacted (e.g. it failed compaction because it is broken). */
    public static void markNoCompact(ObjectStore store, String tenant, Ulid block, long nowSeconds, String reason, String details) throws IOException {
        byte[] json = ("{\"id\":\"" + block + "\",\"version\":1,\"details\":" + BucketJson.string(details) + ",\"no_compact_time\":" + nowSeconds
                + ",\"reason\":" + BucketJson.string(reason) + "}").getBytes(StandardCharsets.UTF_8);
        store.put(tenant + "/" + block + "/" + NO_COMPACT_MARK, json);
        store.put(markerKey(tenant, block, NO_COMPACT_MARK), json);
    }

    /** The tenant's marks of one kind from {@code markers/}: block → the mark's time (Unix seconds, 0 if unreadable). */
    public static Map<Ulid, Long> list(ObjectStore store, String tenant, String mark) throws IOException {
        Map<Ulid, String> keys = new HashMap<>();
        String suffix = "-" + mark;
        store.list(tenant + "/" + MARKERS, ObjectStore.ListMode.DELIMITED, key -> {
            if (key.endsWith(suffix)) {
                String name = key.substring(key.lastIndexOf('/') + 1, key.length() - suffix.length());
                try {
                    keys.put(Ulid.parse(name), key);
                }
                catch (IllegalArgumentException e) {
                    // not a block's marker
                }
            }
        });
        Map<Ulid, Long> marks = new HashMap<>();
        for (Map.Entry<Ulid, String> entry : keys.entrySet()) {
            marks.put(entry.getKey(), readTime(store, entry.getValue()));
        }
        return marks;
    }

    /** The time field of a mark object; 0 if it is gone or has none. */
    static long readTime(ObjectStore store, String key) throws IOException {
        try (InputStream in = store.get(key)) {
            Matcher matcher = TIME_FIELD.matcher(new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8));
            return matcher.find() ? Long.parseLong(matcher.group(2)) : 0;
        }
        catch (NoSuchObjectException e) {
            return 0;
        }
    }

    /** Removes both copies of a mark. */
    public static void unmark(ObjectStore store, String tenant, Ulid block, String mark) throws IOException {
        store.delete(markerKey(tenant, block, mark));
        store.delete(tenant + "/" + block + "/" + mark);
    }
}
