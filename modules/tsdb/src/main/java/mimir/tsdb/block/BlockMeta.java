package mimir.tsdb.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A block's {@code meta.json}. {@code maxTime} is exclusive. Unknown fields (for example the
 * Thanos/Mimir {@code thanos} section, or {@code numFloatSamples} from newer Prometheus versions)
 * are kept verbatim in {@code extraFields} maps (field name → JSON text of the value) and written
 * back after the known ones.
 */
public record BlockMeta(Ulid ulid, long minTime, long maxTime, Stats stats, Compaction compaction, Map<String, String> extraFields) {
    public static final String FILE_NAME = "meta.json";
    /** The only meta format version. */
    public static final int VERSION = 1;

    public BlockMeta {
        requireNonNull(ulid, "ulid is null");
        requireNonNull(stats, "stats is null");
        requireNonNull(compaction, "compaction is null");
        extraFields = copy(extraFields);
        if (maxTime < minTime) {
            throw new IllegalArgumentException("block maxTime " + maxTime + " before minTime " + minTime);
        }
    }

    /** Counts; Prometheus omits zero values. */
    public record Stats(long numSamples, long numSeries, long numChunks, long numTombstones, Map<String, String> extraFields) {
        public Stats {
            extraFields = copy(extraFields);
        }

        public Stats(long numSamples, long numSeries, long numChunks, long numTombstones) {
            this(numSamples, numSeries, numChunks, numTombstones, Map.of());
        }
    }

    /** A direct input of the compaction that produced a block. */
    public record BlockDesc(Ulid ulid, long minTime, long maxTime) {
        public BlockDesc {
            requireNonNull(ulid, "ulid is null");
        }
    }

    /** Compaction history: level 1 for a block cut from the head, {@code sources} = level-1 ancestors. */
    public record Compaction(int level, List<Ulid> sources, List<BlockDesc> parents, boolean deletable, boolean failed,
            List<String> hints, Map<String, String> extraFields) {
        public Compaction {
            sources = List.copyOf(sources);
            parents = List.copyOf(parents);
            hints = List.copyOf(hints);
            extraFields = copy(extraFields);
            if (level < 1) {
                throw new IllegalArgumentException("compaction level must be at least 1: " + level);
            }
        }

        /** A level-1 block whose only source is itself. */
        public static Compaction levelOne(Ulid self) {
            return new Compaction(1, List.of(self), List.of(), false, false, List.of(), Map.of());
        }
    }

    private static Map<String, String> copy(Map<String, String> map) {
        return map == null || map.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** This meta with other extra top-level fields (e.g. {@code "thanos" → "{...}"}). */
    public BlockMeta withExtraFields(Map<String, String> fields) {
        return new BlockMeta(ulid, minTime, maxTime, stats, compaction, fields);
    }

    /** Reads {@code <blockDir>/meta.json}. */
    public static BlockMeta read(Path blockDir) throws IOException {
        Path file = blockDir.resolve(FILE_NAME);
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        }
        catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            throw new IOException("invalid " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses meta.json text.
     *
     * @throws IllegalArgumentException for malformed JSON, a missing field or a version other than 1
     */
    @SuppressWarnings("unchecked")
    public static BlockMeta parse(String json) {
        Map<String, Object> root = new LinkedHashMap<>((Map<String, Object>) Json.parse(json));
        Object version = root.remove("version");
        if (version == null || ((Json.Number) version).longValue() != VERSION) {
            throw new IllegalArgumentException("unsupported meta.json version " + (version == null ? "<missing>" : ((Json.Number) version).text()));
        }
        Ulid ulid = Ulid.parse((String) requireNonNull(root.remove("ulid"), "ulid missing"));
        long minTime = ((Json.Number) requireNonNull(root.remove("minTime"), "minTime missing")).longValue();
        long maxTime = ((Json.Number) requireNonNull(root.remove("maxTime"), "maxTime missing")).longValue();

        Map<String, Object> statsJson = new LinkedHashMap<>((Map<String, Object>) root.getOrDefault("stats", Map.of()));
        root.remove("stats");
        Stats stats = new Stats(longField(statsJson, "numSamples"), longField(statsJson, "numSeries"), longField(statsJson, "numChunks"),
                longField(statsJson, "numTombstones"), asText(statsJson));

        Map<String, Object> compactionJson = new LinkedHashMap<>((Map<String, Object>) requireNonNull(root.remove("compaction"), "compaction missing"));
        int level = (int) longField(compactionJson, "level");
        List<Ulid> sources = new ArrayList<>();
        for (Object source : (List<Object>) compactionJson.getOrDefault("sources", List.of())) {
            sources.add(Ulid.parse((String) source));
        }
        compactionJson.remove("sources");
        List<BlockDesc> parents = new ArrayList<>();
        for (Object parent : (List<Object>) compactionJson.getOrDefault("parents", List.of())) {
            Map<String, Object> fields = (Map<String, Object>) parent;
            parents.add(new BlockDesc(Ulid.parse((String) fields.get("ulid")), longField(new LinkedHashMap<>(fields), "minTime"),
                    longField(new LinkedHashMap<>(fields), "maxTime")));
        }
        compactionJson.remove("parents");
        boolean deletable = Boolean.TRUE.equals(compactionJson.remove("deletable"));
        boolean failed = Boolean.TRUE.equals(compactionJson.remove("failed"));
        List<String> hints = new ArrayList<>();
        for (Object hint : (List<Object>) compactionJson.getOrDefault("hints", List.of())) {
            hints.add((String) hint);
        }
        compactionJson.remove("hints");
        Compaction compaction = new Compaction(level, sources, parents, deletable, failed, hints, asText(compactionJson));
        return new BlockMeta(ulid, minTime, maxTime, stats, compaction, asText(root));
    }

    private static long longField(Map<String, Object> fields, String name) {
        Object value = fields.remove(name);
        return value == null ? 0 : ((Json.Number) value).longValue();
    }

    private static Map<String, String> asText(Map<String, Object> fields) {
        Map<String, String> text = new LinkedHashMap<>();
        fields.forEach((key, value) -> text.put(key, Json.write(value)));
        return text;
    }

    /** The JSON text, tab-indented like Prometheus's. */
    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("ulid", ulid.toString());
        root.put("minTime", minTime);
        root.put("maxTime", maxTime);
        Map<String, Object> statsJson = new LinkedHashMap<>();
        putNonZero(statsJson, "numSamples", stats.numSamples());
        putNonZero(statsJson, "numSeries", stats.numSeries());
        putNonZero(statsJson, "numChunks", stats.numChunks());
        putNonZero(statsJson, "numTombstones", stats.numTombstones());
        putText(statsJson, stats.extraFields());
        root.put("stats", statsJson);
        Map<String, Object> compactionJson = new LinkedHashMap<>();
        compactionJson.put("level", compaction.level());
        if (!compaction.sources().isEmpty()) {
            compactionJson.put("sources", compaction.sources().stream().map(Ulid::toString).toList());
        }
        if (compaction.deletable()) {
            compactionJson.put("deletable", true);
        }
        if (!compaction.parents().isEmpty()) {
            List<Object> parents = new ArrayList<>();
            for (BlockDesc parent : compaction.parents()) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("ulid", parent.ulid().toString());
                fields.put("minTime", parent.minTime());
                fields.put("maxTime", parent.maxTime());
                parents.add(fields);
            }
            compactionJson.put("parents", parents);
        }
        if (compaction.failed()) {
            compactionJson.put("failed", true);
        }
        if (!compaction.hints().isEmpty()) {
            compactionJson.put("hints", compaction.hints());
        }
        putText(compactionJson, compaction.extraFields());
        root.put("compaction", compactionJson);
        root.put("version", VERSION);
        putText(root, extraFields);
        return Json.write(root);
    }

    private static void putNonZero(Map<String, Object> fields, String name, long value) {
        if (value != 0) {
            fields.put(name, value);
        }
    }

    private static void putText(Map<String, Object> fields, Map<String, String> extra) {
        extra.forEach((key, text) -> fields.put(key, Json.parse(text)));
    }

    /** Atomically writes {@code <blockDir>/meta.json} (tmp file, fsync, rename); returns its size. */
    public long write(Path blockDir) throws IOException {
        byte[] bytes = toJson().getBytes(StandardCharsets.UTF_8);
        Path tmp = blockDir.resolve(FILE_NAME + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(tmp, blockDir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return bytes.length;
    }
}
