package mimir.compactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import mimir.bucket.BucketBlocks;
import mimir.model.Labels;
import mimir.spi.http.HttpException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.limits.Limits;
import mimir.testing.MemoryObjectStore;
import mimir.testing.TestingClock;
import mimir.testing.TestingOverrides;
import mimir.tsdb.DB;
import mimir.tsdb.DbOptions;
import mimir.tsdb.HeadAppender;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.block.Ulid;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestBlockUploadApi {
    private static final long HOUR = 3_600_000;

    @TempDir
    Path tmp;

    private final TestingClock clock = new TestingClock(Instant.parse("2026-11-10T00:00:00Z"));
    private final MemoryObjectStore bucket = new MemoryObjectStore(clock);
    private final TestingOverrides overrides = new TestingOverrides(Limits.defaults());
    private BlockUploadApi api;
    private Path block;
    private BlockMeta meta;

    @BeforeEach
    void setUp() throws Exception {
        overrides.set(Map.of("t1", Limits.defaults().withOverrides(Map.of("compactor_block_upload_enabled", true))));
        api = new BlockUploadApi(bucket, overrides, clock, CompactorConfig.defaults(tmp.resolve("compactor")));
        Path dir = tmp.resolve("db");
        try (DB db = DB.open(dir, DbOptions.defaults().withBackgroundCompaction(false))) {
            HeadAppender appender = db.appender();
            long from = clock.millis() - 30 * HOUR;
            for (long t = from; t < from + 2 * HOUR; t += 60_000) {
                for (int s = 0; s < 10; s++) {
                    appender.append(Labels.of("__name__", "backfilled", "series", "s" + s), t, s);
                }
            }
            appender.commit();
            meta = db.compactHeadFully().getFirst();
        }
        block = dir.resolve(meta.ulid().toString());
    }

    private HttpResponse call(String method, String tenant, String path, byte[] body) {
        Map<String, List<String>> query = Map.of();
        int question = path.indexOf('?');
        if (question >= 0) {
            String[] pair = path.substring(question + 1).split("=", 2);
            query = Map.of(pair[0], List.of(pair[1]));
            path = path.substring(0, question);
        }
        return api.handle(new HttpRequest(method, BlockUploadApi.PREFIX + path, query, Map.of(), body, Optional.of(tenant)));
    }

    private byte[] file(String relative) throws Exception {
        return Files.readAllBytes(block.resolve(relative));
    }

    private void uploadFiles(Ulid id) throws Exception {
        assertThat(call("POST", "t1", id + "/files?path=index", file("index")).status()).isEqualTo(200);
        assertThat(call("POST", "t1", id + "/files?path=chunks/000001", file("chunks/000001")).status()).isEqualTo(200);
    }

    private static String body(HttpResponse response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aValidBlockBecomesVisibleOnlyAfterFinish() throws Exception {
        Ulid id = meta.ulid();
        assertThat(call("POST", "t1", id + "/start", file("meta.json")).status()).isEqualTo(200);
        assertThat(body(call("GET", "t1", id + "/check", new byte[0]))).isEqualTo("{\"result\":\"uploading\"}");
        uploadFiles(id);
        assertThat(new BucketBlocks(bucket).list("t1", clock.millis()).blocks()).as("not visible before finish").isEmpty();
        assertThat(call("POST", "t1", id + "/finish", new byte[0]).status()).isEqualTo(200);
        assertThat(body(call("GET", "t1", id + "/check", new byte[0]))).isEqualTo("{\"result\":\"complete\"}");
        assertThat(new BucketBlocks(bucket).list("t1", clock.millis()).blocks()).extracting(e -> e.id()).containsExactly(id);
        assertThat(new String(bucket.object("t1/" + id + "/meta.json"), StandardCharsets.UTF_8)).contains("\"source\": \"upload\"");
        assertThat(bucket.keys()).noneMatch(key -> key.endsWith("uploading-meta.json"));
        assertThatThrownBy(() -> call("POST", "t1", id + "/start", file("meta.json"))).isInstanceOf(HttpException.class)
                .hasMessageContaining("already exists").extracting(e -> ((HttpException) e).status()).isEqualTo(409);
    }

    @Test
    void badUploadsAreRefusedWithTheReason() throws Exception {
        Ulid id = meta.ulid();
        record Case(String name, String method, String tenant, String path, byte[] body, int status, String message) {}
        String metaJson = new String(file("meta.json"), StandardCharsets.UTF_8);
        List<Case> before = List.of(
                new Case("disabled tenant", "POST", "t2", id + "/start", file("meta.json"), 400, "compactor_block_upload_enabled"),
                new Case("bad block id", "POST", "t1", "not-a-ulid/start", file("meta.json"), 400, "invalid block ID"),
                new Case("garbage meta", "POST", "t1", id + "/start", "{".getBytes(), 400, "invalid block metadata"),
                new Case("other block's meta", "POST", "t1", Ulid.generate() + "/start", file("meta.json"), 400, "differs from the one in the URL"),
                new Case("future block", "POST", "t1", id + "/start", metaJson.replace("\"maxTime\": " + meta.maxTime(),
                        "\"maxTime\": " + (clock.millis() + 48 * HOUR)).getBytes(), 400, "too long|in the future"),
                new Case("inverted range", "POST", "t1", id + "/start", metaJson.replace("\"maxTime\": " + meta.maxTime(),
                        "\"maxTime\": " + (meta.minTime() - 1)).getBytes(), 400, "maxTime .*before minTime|invalid minTime/maxTime"),
                new Case("files before start", "POST", "t1", id + "/files?path=index", file("index"), 404, "was not started"),
                new Case("unknown action", "POST", "t1", id + "/nope", new byte[0], 404, "not found"),
                new Case("check of nothing", "GET", "t1", id + "/check", new byte[0], 404, "not found"));
        for (Case c : before) {
            assertThatThrownBy(() -> call(c.method(), c.tenant(), c.path(), c.body())).as(c.name()).isInstanceOf(HttpException.class)
                    .satisfies(e -> assertThat(((HttpException) e).status()).as(c.name()).isEqualTo(c.status()))
                    .satisfies(e -> assertThat(e.getMessage()).as(c.name()).containsPattern(c.message()));
        }
        assertThat(call("POST", "t1", id + "/start", file("meta.json")).status()).isEqualTo(200);
        List<Case> after = List.of(
                new Case("path traversal", "POST", "t1", id + "/files?path=../other/index", file("index"), 400, "invalid file path"),
                new Case("absolute path", "POST", "t1", id + "/files?path=/etc/passwd", file("index"), 400, "invalid file path"),
                new Case("meta.json as a file", "POST", "t1", id + "/files?path=meta.json", file("meta.json"), 400, "invalid file path"),
                new Case("bad segment name", "POST", "t1", id + "/files?path=chunks/1", file("chunks/000001"), 400, "invalid file path"),
                new Case("empty file", "POST", "t1", id + "/files?path=index", new byte[0], 400, "empty"),
                new Case("finish without files", "POST", "t1", id + "/finish", new byte[0], 400, "index was not uploaded"),
                new Case("GET finish", "GET", "t1", id + "/finish", new byte[0], 405, "use POST"));
        for (Case c : after) {
            assertThatThrownBy(() -> call(c.method(), c.tenant(), c.path(), c.body())).as(c.name()).isInstanceOf(HttpException.class)
                    .satisfies(e -> assertThat(((HttpException) e).status()).as(c.name()).isEqualTo(c.status()))
                    .satisfies(e -> assertThat(e.getMessage()).as(c.name()).containsPattern(c.message()));
        }
        assertThat(body(call("GET", "t1", id + "/check", new byte[0]))).startsWith("{\"result\":\"failed\",\"error\":\"the index was not uploaded");
        assertThat(bucket.keys()).noneMatch(key -> key.contains("other") || key.contains("passwd"));
    }

    @Test
    void aBlockWithSamplesOutsideItsRangeOrACorruptIndexFailsValidation() throws Exception {
        // Claim a narrower range than the chunks cover: the chunks then lie outside it.
        Ulid id = meta.ulid();
        String metaJson = new String(file("meta.json"), StandardCharsets.UTF_8).replace("\"maxTime\": " + meta.maxTime(),
                "\"maxTime\": " + (meta.minTime() + HOUR));
        assertThat(call("POST", "t1", id + "/start", metaJson.getBytes()).status()).isEqualTo(200);
        uploadFiles(id);
        assertThatThrownBy(() -> call("POST", "t1", id + "/finish", new byte[0])).hasMessageContaining("outside the block's range");
        assertThat(body(call("GET", "t1", id + "/check", new byte[0]))).contains("\"failed\"");
        assertThat(bucket.keys()).noneMatch(key -> key.endsWith("/meta.json"));

        Ulid other = Ulid.generate();
        String otherMeta = new String(file("meta.json"), StandardCharsets.UTF_8).replace(id.toString(), other.toString());
        assertThat(call("POST", "t1", other + "/start", otherMeta.getBytes()).status()).isEqualTo(200);
        byte[] index = file("index");
        index[index.length / 2] ^= 0x7f;
        call("POST", "t1", other + "/files?path=index", index);
        call("POST", "t1", other + "/files?path=chunks/000001", file("chunks/000001"));
        assertThatThrownBy(() -> call("POST", "t1", other + "/finish", new byte[0])).hasMessageContaining("block validation failed");
        assertThat(bucket.keys()).noneMatch(key -> key.endsWith("/meta.json"));
        clock.advance(Duration.ofMinutes(1));
    }
}
