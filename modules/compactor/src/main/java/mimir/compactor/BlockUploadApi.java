package mimir.compactor;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import mimir.bucket.BlockUpload;
import mimir.bucket.BucketJson;
import mimir.spi.Overrides;
import mimir.spi.http.HttpException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes;
import mimir.spi.http.HttpRoutes.Auth;
import mimir.spi.limits.Limits;
import mimir.spi.objstore.NoSuchObjectException;
import mimir.spi.objstore.ObjectAttributes;
import mimir.spi.objstore.ObjectStore;
import mimir.tsdb.Block;
import mimir.tsdb.BlockWriter;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.block.Ulid;
import mimir.tsdb.index.ChunkMetas;
import mimir.tsdb.index.IndexReader;
import mimir.tsdb.index.Postings;

/**
 * Mimir's block upload API, for backfilling blocks a user built (e.g. with
 * {@code promtool tsdb create-blocks-from openmetrics}), per tenant and only where the tenant's
 * {@code compactor_block_upload_enabled} allows it:
 *
 * <ul>
 * <li>{@code POST /api/v1/upload/block/{block}/start} with the block's meta.json: checked (ULID, version,
 * time range, not already in the bucket) and kept as {@code uploading-meta.json};</li>
 * <li>{@code POST /api/v1/upload/block/{block}/files?path=index|chunks/NNNNNN}: one file, its size checked
 * against the meta's {@code thanos.files} when listed;</li>
 * <li>{@code POST /api/v1/upload/block/{block}/finish}: the block is validated (index readable, every
 * series' chunks sorted, within the block's range and, with {@code compactor_block_upload_verify_chunks},
 * their checksums right) and only then becomes visible: its meta.json is written last;</li>
 * <li>{@code GET /api/v1/upload/block/{block}/check}: {@code {"result":"uploading|complete|failed","error":...}}.</li>
 * </ul>
 *
 * <p>Validation runs within the {@code finish} request (Mimir runs it in the background and clients poll
 * {@code check}; both answer {@code check} the same once {@code finish} returned).
 */
final class BlockUploadApi {
    private static final System.Logger LOG = System.getLogger(BlockUploadApi.class.getName());
    static final String PREFIX = "/api/v1/upload/block/";
    static final String UPLOADING_META = "uploading-meta.json";
    static final String VALIDATION_ERROR = "validation-error.txt";
    private static final Pattern CHUNK_FILE = Pattern.compile("chunks/[0-9]{6}");

    private final ObjectStore store;
    private final Overrides overrides;
    private final Clock clock;
    private final CompactorConfig config;

    @Inject
    BlockUploadApi(ObjectStore store, Overrides overrides, Clock clock, CompactorConfig config) {
        this.store = requireNonNull(store, "store is null");
        this.overrides = requireNonNull(overrides, "overrides is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.config = requireNonNull(config, "config is null");
    }

    void register(HttpRoutes routes) {
        routes.register(PREFIX + "*", Auth.TENANT, "Block upload: /api/v1/upload/block/{block}/start|files?path=|finish|check", this::handle, "GET", "POST");
    }

    HttpResponse handle(HttpRequest request) {
        String tenant = request.requireTenant();
        String rest = request.path().substring(PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new HttpException(404, "not found: use " + PREFIX + "{block}/start, files, finish or check");
        }
        Ulid block;
        try {
            block = Ulid.parse(rest.substring(0, slash));
        }
        catch (IllegalArgumentException e) {
            throw new HttpException(400, "invalid block ID " + rest.substring(0, slash) + ": " + e.getMessage());
        }
        String action = rest.substring(slash + 1);
        Limits limits = overrides.forTenant(tenant);
        if (!limits.compactorBlockUploadEnabled()) {
            throw new HttpException(400, "block upload is disabled for tenant " + tenant
                    + " (enable it with the per-tenant limit compactor_block_upload_enabled, flag -compactor.block-upload-enabled)");
        }
        try {
            return switch (action) {
                case "start" -> post(request, () -> start(tenant, block, request.body(), limits));
                case "files" -> post(request, () -> file(tenant, block, request.param("path").orElse(""), request.body(), limits));
                case "finish" -> post(request, () -> finish(tenant, block, limits));
                case "check" -> check(tenant, block);
                default -> throw new HttpException(404, "not found: use " + PREFIX + "{block}/start, files, finish or check");
            };
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private interface Action {
        HttpResponse run() throws IOException;
    }

    private static HttpResponse post(HttpRequest request, Action action) throws IOException {
        if (!request.method().equals("POST")) {
            throw new HttpException(405, "use POST");
        }
        return action.run();
    }

    private static String key(String tenant, Ulid block, String file) {
        return tenant + "/" + block + "/" + file;
    }

    private HttpResponse start(String tenant, Ulid block, byte[] body, Limits limits) throws IOException {
        if (store.exists(key(tenant, block, BlockMeta.FILE_NAME))) {
            throw new HttpException(409, "block " + block + " already exists");
        }
        BlockMeta meta = validateMeta(block, body, limits);
        store.delete(key(tenant, block, VALIDATION_ERROR));
        store.put(key(tenant, block, UPLOADING_META), meta.toJson().getBytes(StandardCharsets.UTF_8));
        LOG.log(Level.INFO, "block upload started user=" + tenant + " block=" + block);
        return new HttpResponse(200, HttpResponse.TEXT, Map.of(), new byte[0]);
    }

    private BlockMeta validateMeta(Ulid block, byte[] body, Limits limits) {
        BlockMeta meta;
        try {
            meta = BlockMeta.parse(new String(body, StandardCharsets.UTF_8));
        }
        catch (RuntimeException e) {
            throw new HttpException(400, "invalid block metadata: " + e.getMessage());
        }
        if (!meta.ulid().equals(block)) {
            throw new HttpException(400, "block ID in the metadata (" + meta.ulid() + ") differs from the one in the URL (" + block + ")");
        }
        if (meta.minTime() < 0 || meta.maxTime() <= meta.minTime()) {
            throw new HttpException(400, "invalid minTime/maxTime: minTime=" + meta.minTime() + ", maxTime=" + meta.maxTime());
        }
        long now = clock.millis();
        if (meta.maxTime() > now + Duration.ofHours(1).toMillis()) {
            throw new HttpException(400, "block max time (" + java.time.Instant.ofEpochMilli(meta.maxTime()) + ") is in the future");
        }
        long largest = config.blockRanges().getLast().toMillis();
        if (meta.maxTime() - meta.minTime() > largest) {
            throw new HttpException(400, "block duration (" + Duration.ofMillis(meta.maxTime() - meta.minTime()) + ") is longer than the largest compaction range ("
                    + config.blockRanges().getLast() + ", -compactor.block-ranges)");
        }
        Duration retention = limits.compactorBlocksRetentionPeriod();
        if (!retention.isZero() && meta.maxTime() < now - retention.toMillis()) {
            throw new HttpException(400, "block max time is older than the retention period (compactor_blocks_retention_period " + retention + ")");
        }
        long maxSize = limits.compactorBlockUploadMaxBlockSizeBytes();
        if (maxSize > 0) {
            long total = 0;
            for (Map.Entry<String, Long> file : BlockUpload.listedFiles(meta).entrySet()) {
                total += Math.max(0, file.getValue());
            }
            if (total > maxSize) {
                throw new HttpException(400, "block size " + total + " bytes exceeds the limit of " + maxSize
                        + " bytes (compactor_block_upload_max_block_size_bytes)");
            }
        }
        return meta;
    }

    private BlockMeta uploadingMeta(String tenant, Ulid block) throws IOException {
        try (InputStream in = store.get(key(tenant, block, UPLOADING_META))) {
            return BlockMeta.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        catch (NoSuchObjectException e) {
            if (store.exists(key(tenant, block, BlockMeta.FILE_NAME))) {
                throw new HttpException(409, "block " + block + " is already complete");
            }
            throw new HttpException(404, "block upload " + block + " was not started (POST " + PREFIX + block + "/start first)");
        }
    }

    private HttpResponse file(String tenant, Ulid block, String path, byte[] body, Limits limits) throws IOException {
        if (!path.equals("index") && !CHUNK_FILE.matcher(path).matches()) {
            throw new HttpException(400, "invalid file path " + path + ": only index and chunks/NNNNNN (6 digits) may be uploaded");
        }
        BlockMeta meta = uploadingMeta(tenant, block);
        Map<String, Long> listed = BlockUpload.listedFiles(meta);
        if (!listed.isEmpty()) {
            Long size = listed.get(path);
            if (size == null) {
                throw new HttpException(400, "file " + path + " is not listed in the block's meta.json (thanos.files)");
            }
            if (size >= 0 && size != body.length) {
                throw new HttpException(400, "file " + path + " has " + body.length + " bytes, meta.json says " + size);
            }
        }
        if (body.length == 0) {
            throw new HttpException(400, "file " + path + " is empty");
        }
        long maxSize = limits.compactorBlockUploadMaxBlockSizeBytes();
        if (maxSize > 0 && body.length > maxSize) {
            throw new HttpException(413, "file " + path + " of " + body.length + " bytes exceeds compactor_block_upload_max_block_size_bytes " + maxSize);
        }
        store.put(key(tenant, block, path), body);
        return new HttpResponse(200, HttpResponse.TEXT, Map.of(), new byte[0]);
    }

    private HttpResponse finish(String tenant, Ulid block, Limits limits) throws IOException {
        BlockMeta meta = uploadingMeta(tenant, block);
        Path work = config.dataDir().resolve("upload-" + tenant + "-" + block);
        BlockWriter.deleteRecursively(work);
        try {
            Path dir = work.resolve(block.toString());
            Optional<String> problem = download(tenant, block, meta, dir);
            if (problem.isEmpty() && limits.compactorBlockUploadValidationEnabled()) {
                Files.writeString(dir.resolve(BlockMeta.FILE_NAME), meta.toJson());
                problem = validate(dir, meta, limits.compactorBlockUploadVerifyChunks());
            }
            if (problem.isPresent()) {
                store.put(key(tenant, block, VALIDATION_ERROR), problem.get().getBytes(StandardCharsets.UTF_8));
                LOG.log(Level.WARNING, "block upload validation failed user=" + tenant + " block=" + block + " err=\"" + problem.get() + "\"");
                throw new HttpException(400, "block validation failed: " + problem.get());
            }
            // Visible from here: meta.json is written last, with the thanos section of an uploaded block.
            Files.writeString(dir.resolve(BlockMeta.FILE_NAME), meta.withExtraFields(withoutThanos(meta)).toJson());
            BlockUpload.upload(store, tenant, dir, "upload", Map.of());
            store.delete(key(tenant, block, UPLOADING_META));
            LOG.log(Level.INFO, "block upload finished user=" + tenant + " block=" + block);
            return new HttpResponse(200, HttpResponse.TEXT, Map.of(), new byte[0]);
        }
        finally {
            BlockWriter.deleteRecursively(work);
        }
    }

    private static Map<String, String> withoutThanos(BlockMeta meta) {
        Map<String, String> fields = new LinkedHashMap<>(meta.extraFields());
        fields.remove("thanos");
        return fields;
    }

    /** Downloads the uploaded files; the reason the block is incomplete, if it is. */
    private Optional<String> download(String tenant, Ulid block, BlockMeta meta, Path dir) throws IOException {
        List<String> keys = new ArrayList<>();
        String prefix = tenant + "/" + block + "/";
        store.list(prefix, ObjectStore.ListMode.RECURSIVE, keys::add);
        boolean index = false;
        boolean chunks = false;
        for (String key : keys) {
            String relative = key.substring(prefix.length());
            if (!relative.equals("index") && !CHUNK_FILE.matcher(relative).matches()) {
                continue;
            }
            index |= relative.equals("index");
            chunks |= relative.startsWith("chunks/");
            Path file = dir.resolve(relative);
            Files.createDirectories(file.getParent());
            try (InputStream in = store.get(key)) {
                Files.copy(in, file);
            }
        }
        for (Map.Entry<String, Long> listed : BlockUpload.listedFiles(meta).entrySet()) {
            String path = listed.getKey();
            if (path.equals(BlockMeta.FILE_NAME)) {
                continue;
            }
            Optional<ObjectAttributes> attributes = store.attributes(prefix + path);
            if (attributes.isEmpty()) {
                return Optional.of("file " + path + " listed in meta.json was not uploaded");
            }
        }
        if (!index) {
            return Optional.of("the index was not uploaded");
        }
        if (!chunks) {
            return Optional.of("no chunks segment file was uploaded");
        }
        return Optional.empty();
    }

    /** Opens the block and reads every series; the first problem found, if any. */
    private static Optional<String> validate(Path dir, BlockMeta meta, boolean verifyChunks) {
        try (Block opened = Block.open(dir)) {
            IndexReader index = opened.index();
            Postings postings = index.allPostings();
            ChunkMetas metas = new ChunkMetas();
            long series = 0;
            while (postings.next()) {
                mimir.model.Labels labels = index.series(postings.at(), metas);
                series++;
                long previousMax = Long.MIN_VALUE;
                for (int i = 0; i < metas.size(); i++) {
                    long min = metas.minTime(i);
                    long max = metas.maxTime(i);
                    if (min > max) {
                        return Optional.of("series " + labels + ": chunk with min time " + min + " after its max time " + max);
                    }
                    if (min < meta.minTime() || max >= meta.maxTime()) {
                        return Optional.of("series " + labels + ": chunk [" + min + ", " + max + "] outside the block's range [" + meta.minTime() + ", "
                                + meta.maxTime() + ")");
                    }
                    if (min <= previousMax) {
                        return Optional.of("series " + labels + ": chunks overlap or are out of order at " + min);
                    }
                    previousMax = max;
                    if (verifyChunks) {
                        opened.chunks().chunkVerified(metas.ref(i));
                    }
                }
            }
            if (meta.stats().numSeries() != 0 && meta.stats().numSeries() != series) {
                return Optional.of("meta.json says " + meta.stats().numSeries() + " series, the index has " + series);
            }
            return Optional.empty();
        }
        catch (IOException | RuntimeException e) {
            return Optional.of("the block cannot be read: " + e.getMessage());
        }
    }

    private HttpResponse check(String tenant, Ulid block) throws IOException {
        if (store.exists(key(tenant, block, BlockMeta.FILE_NAME))) {
            return HttpResponse.json(200, "{\"result\":\"complete\"}");
        }
        try (InputStream in = store.get(key(tenant, block, VALIDATION_ERROR))) {
            String error = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return HttpResponse.json(200, "{\"result\":\"failed\",\"error\":" + BucketJson.string(error) + "}");
        }
        catch (NoSuchObjectException e) {
            // not failed
        }
        if (store.exists(key(tenant, block, UPLOADING_META))) {
            return HttpResponse.json(200, "{\"result\":\"uploading\"}");
        }
        throw new HttpException(404, "block upload " + block + " not found");
    }
}
