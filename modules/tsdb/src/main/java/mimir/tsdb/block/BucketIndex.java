package mimir.tsdb.block;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A tenant's bucket index, {@code <tenant>/bucket-index.json.gz} in Mimir's format (version 1): the
 * complete blocks of the tenant (partial ones left out, blocks marked for deletion kept), the block
 * deletion marks, and when it was written. The compactor writes it; queriers and store-gateways read it
 * instead of listing the bucket.
 *
 * @param blocks        the blocks, in no particular order
 * @param deletionMarks the blocks marked for deletion
 * @param updatedAt     Unix seconds of the write
 */
public record BucketIndex(List<Entry> blocks, List<DeletionMark> deletionMarks, long updatedAt) {
    public static final String FILE_NAME = "bucket-index.json.gz";
    public static final int VERSION = 1;
    /** Mimir refuses a bucket index larger than this once decompressed. */
    private static final int MAX_JSON_BYTES = 512 * 1024 * 1024;

    public BucketIndex {
        blocks = List.copyOf(blocks);
        deletionMarks = List.copyOf(deletionMarks);
    }

    /**
     * One block as the index lists it.
     *
     * @param segmentsFormat   how chunk segment files are named ({@code 1b6d}: 1-based, 6 digits), empty if unknown
     * @param segmentsNum      how many segment files, 0 if unknown
     * @param uploadedAt       Unix seconds the block's meta.json appeared in the bucket
     * @param compactorShardId the split-and-merge shard ({@code 1_of_4}), empty if none
     * @param source           who made the block ({@code ingester}, {@code compactor}, ...), empty if unknown
     * @param compactionLevel  the block's compaction level, 0 if unknown
     */
    public record Entry(Ulid id, long minTime, long maxTime, String segmentsFormat, int segmentsNum, long uploadedAt, String compactorShardId,
            String source, int compactionLevel) {
        public Entry {
            requireNonNull(id, "id is null");
            requireNonNull(segmentsFormat, "segmentsFormat is null");
            requireNonNull(compactorShardId, "compactorShardId is null");
            requireNonNull(source, "source is null");
        }

        /** True if the block's range {@code [minTime, maxTime)} intersects the closed range {@code [mint, maxt]}. */
        public boolean overlapsClosed(long mint, long maxt) {
            return minTime <= maxt && mint < maxTime;
        }
    }

    /** A block marked for deletion at {@code deletionTime} (Unix seconds). */
    public record DeletionMark(Ulid id, long deletionTime) {
        public DeletionMark {
            requireNonNull(id, "id is null");
        }
    }

    /** Parses the JSON text. */
    @SuppressWarnings("unchecked")
    public static BucketIndex parse(String json) {
        Object parsed = Json.parse(json);
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("bucket index: not a JSON object");
        }
        Map<String, Object> root = (Map<String, Object>) map;
        Object version = root.get("version");
        if (!(version instanceof Json.Number number) || number.longValue() != VERSION) {
            throw new IllegalArgumentException("bucket index: unsupported version " + (version instanceof Json.Number n ? n.text() : String.valueOf(version)));
        }
        List<Entry> blocks = new ArrayList<>();
        for (Object item : list(root, "blocks")) {
            Map<String, Object> block = object(item, "blocks");
            blocks.add(new Entry(ulid(block, "block_id"), number(block, "min_time"), number(block, "max_time"), string(block, "segments_format"),
                    (int) number(block, "segments_num"), number(block, "uploaded_at"), string(block, "compactor_shard_id"), string(block, "source"),
                    (int) number(block, "compaction_level")));
        }
        List<DeletionMark> marks = new ArrayList<>();
        for (Object item : list(root, "block_deletion_marks")) {
            Map<String, Object> mark = object(item, "block_deletion_marks");
            marks.add(new DeletionMark(ulid(mark, "block_id"), number(mark, "deletion_time")));
        }
        return new BucketIndex(blocks, marks, number(root, "updated_at"));
    }

    /** Reads the gzip-compressed file's bytes. */
    public static BucketIndex readGzip(InputStream compressed) throws IOException {
        try (InputStream in = new GZIPInputStream(compressed)) {
            byte[] json = in.readNBytes(MAX_JSON_BYTES + 1);
            if (json.length > MAX_JSON_BYTES) {
                throw new IOException("bucket index larger than " + MAX_JSON_BYTES + " bytes uncompressed");
            }
            return parse(new String(json, StandardCharsets.UTF_8));
        }
        catch (IllegalArgumentException | ClassCastException e) {
            throw new IOException("corrupted bucket index: " + e.getMessage(), e);
        }
    }

    /** The JSON text, Mimir's field names (empty optional fields left out, as Go's {@code omitempty}). */
    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", VERSION);
        List<Object> blockList = new ArrayList<>();
        for (Entry block : blocks) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("block_id", block.id().toString());
            fields.put("min_time", block.minTime());
            fields.put("max_time", block.maxTime());
            if (!block.segmentsFormat().isEmpty()) {
                fields.put("segments_format", block.segmentsFormat());
            }
            if (block.segmentsNum() != 0) {
                fields.put("segments_num", block.segmentsNum());
            }
            fields.put("uploaded_at", block.uploadedAt());
            if (!block.compactorShardId().isEmpty()) {
                fields.put("compactor_shard_id", block.compactorShardId());
            }
            if (block.compactionLevel() != 0) {
                fields.put("compaction_level", block.compactionLevel());
            }
            if (!block.source().isEmpty()) {
                fields.put("source", block.source());
            }
            blockList.add(fields);
        }
        root.put("blocks", blockList);
        List<Object> markList = new ArrayList<>();
        for (DeletionMark mark : deletionMarks) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("block_id", mark.id().toString());
            fields.put("deletion_time", mark.deletionTime());
            markList.add(fields);
        }
        root.put("block_deletion_marks", markList);
        root.put("updated_at", updatedAt);
        return Json.write(root);
    }

    /** The gzip-compressed JSON, as stored in the bucket. */
    public byte[] toGzip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(toJson().getBytes(StandardCharsets.UTF_8));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads {@link #toGzip()} output back. */
    public static BucketIndex fromGzip(byte[] compressed) throws IOException {
        return readGzip(new ByteArrayInputStream(compressed));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> fields, String name) {
        Object value = fields.get(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException("bucket index: " + name + " is not an array");
        }
        return (List<Object>) list;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value, String where) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("bucket index: an entry of " + where + " is not an object");
        }
        return (Map<String, Object>) map;
    }

    private static Ulid ulid(Map<String, Object> fields, String name) {
        if (!(fields.get(name) instanceof String text)) {
            throw new IllegalArgumentException("bucket index: " + name + " missing");
        }
        return Ulid.parse(text);
    }

    private static long number(Map<String, Object> fields, String name) {
        Object value = fields.get(name);
        if (value == null) {
            return 0;
        }
        if (!(value instanceof Json.Number number)) {
            throw new IllegalArgumentException("bucket index: " + name + " is not a number");
        }
        return number.longValue();
    }

    private static String string(Map<String, Object> fields, String name) {
        Object value = fields.get(name);
        return value instanceof String text ? text : "";
    }
}
