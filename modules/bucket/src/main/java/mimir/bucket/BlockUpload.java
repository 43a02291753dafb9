package mimir.bucket;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import mimir.spi.objstore.ObjectStore;
import mimir.tsdb.block.BlockMeta;

/**
 * Uploads a block directory to {@code <tenant>/<ULID>/...}: every file but {@code meta.json} first
 * ({@code index}, {@code chunks/000001}, …, {@code tombstones}), then {@code meta.json} with the
 * {@code thanos} section Mimir writes ({@code labels}, {@code downsample.resolution} 0, {@code source},
 * {@code segment_files}, {@code files} with sizes). Because {@code meta.json} comes last, a reader that
 * sees it sees a complete block; an interrupted upload leaves no {@code meta.json} (a partial block the
 * compactor removes after {@code compactor_partial_block_deletion_delay}) and is redone whole.
 */
public final class BlockUpload {
    private static final Pattern FILE_ENTRY = Pattern.compile("\\{\\s*\"rel_path\"\\s*:\\s*\"([^\"]+)\"\\s*(?:,\\s*\"size_bytes\"\\s*:\\s*([0-9]+))?");

    private BlockUpload() {}

    /**
     * Uploads {@code blockDir} (named by its ULID) for {@code tenant}.
     *
     * @param source Thanos's {@code source}: {@code receive} for ingesters, {@code compactor}, ...
     * @param labels the block's external labels (e.g. {@code __compactor_shard_id__}), possibly empty
     * @return the meta.json that was uploaded
     */
    public static BlockMeta upload(ObjectStore store, String tenant, Path blockDir, String source, Map<String, String> labels) throws IOException {
        requireNonNull(store, "store is null");
        BlockMeta meta = BlockMeta.read(blockDir);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(blockDir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        List<String> segments = new ArrayList<>();
        StringBuilder filesJson = new StringBuilder();
        for (Path file : files) {
            String relative = blockDir.relativize(file).toString().replace('\\', '/');
            if (relative.equals(BlockMeta.FILE_NAME) || relative.endsWith(".tmp")) {
                continue;
            }
            if (relative.startsWith("chunks/")) {
                segments.add(relative.substring("chunks/".length()));
            }
            long size = Files.size(file);
            try (InputStream in = Files.newInputStream(file)) {
                store.put(key(tenant, meta, relative), in);
            }
            filesJson.append(filesJson.isEmpty() ? "" : ",").append("{\"rel_path\":").append(BucketJson.string(relative)).append(",\"size_bytes\":").append(size).append('}');
        }
        filesJson.append(filesJson.isEmpty() ? "" : ",").append("{\"rel_path\":\"meta.json\"}");
        StringBuilder segmentsJson = new StringBuilder();
        for (String segment : segments) {
            segmentsJson.append(segmentsJson.isEmpty() ? "" : ",").append(BucketJson.string(segment));
        }
        StringBuilder labelsJson = new StringBuilder("{");
        labels.forEach((name, value) -> labelsJson.append(labelsJson.length() > 1 ? "," : "").append(BucketJson.string(name)).append(':').append(BucketJson.string(value)));
        labelsJson.append('}');
        String thanos = "{\"labels\":" + labelsJson + ",\"downsample\":{\"resolution\":0},\"source\":" + BucketJson.string(source) + ",\"segment_files\":["
                + segmentsJson + "],\"files\":[" + filesJson + "]}";
        Map<String, String> fields = new LinkedHashMap<>(meta.extraFields());
        fields.put("thanos", thanos);
        BlockMeta uploaded = meta.withExtraFields(fields);
        store.put(key(tenant, meta, BlockMeta.FILE_NAME), uploaded.toJson().getBytes(StandardCharsets.UTF_8));
        return uploaded;
    }

    private static String key(String tenant, BlockMeta meta, String relative) {
        return tenant + "/" + meta.ulid() + "/" + relative;
    }

    /**
     * The files a meta.json's {@code thanos.files} lists, relative path to size in bytes (-1 where no size
     * is given); empty if the writer listed none (e.g. promtool).
     */
    public static Map<String, Long> listedFiles(BlockMeta meta) {
        Map<String, Long> files = new LinkedHashMap<>();
        String thanos = meta.extraFields().get("thanos");
        if (thanos != null) {
            Matcher matcher = FILE_ENTRY.matcher(thanos);
            while (matcher.find()) {
                files.put(matcher.group(1), matcher.group(2) == null ? -1L : Long.parseLong(matcher.group(2)));
            }
        }
        return files;
    }
}
