package mimir.compactor;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import mimir.model.Labels;
import mimir.spi.objstore.ObjectStore;
import mimir.tsdb.DB;
import mimir.tsdb.DbOptions;
import mimir.tsdb.HeadAppender;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.block.Ulid;

/** Writes real 2 h blocks, as an ingester ships them, into a bucket, and remembers every sample written. */
final class TestingBlockUploads {
    static final long HOUR = 3_600_000;

    private final Path dir;
    private final ObjectStore bucket;
    /** Every sample written, by series. */
    private final Map<String, TreeMap<Long, Double>> written = new TreeMap<>();
    private int dbs;

    TestingBlockUploads(Path dir, ObjectStore bucket) {
        this.dir = requireNonNull(dir, "dir is null");
        this.bucket = requireNonNull(bucket, "bucket is null");
    }

    /** Every sample written so far, by series (mutable: a test removes samples it deleted). */
    Map<String, TreeMap<Long, Double>> written() {
        return written;
    }

    /** Writes {@code series} series, a sample a minute in {@code [from, from + 2h)}, as one 2 h block uploaded for {@code tenant}. */
    Ulid upload(String tenant, int series, long from, String replica) throws Exception {
        Path db = dir.resolve("db-" + dbs++);
        try (DB open = DB.open(db, DbOptions.defaults().withBackgroundCompaction(false))) {
            HeadAppender appender = open.appender();
            for (long t = from; t < from + 2 * HOUR; t += 60_000) {
                for (int s = 0; s < series; s++) {
                    Labels labels = Labels.of("__name__", "up", "instance", "i-" + s, "job", "j");
                    double value = t / 60_000.0 + s;
                    appender.append(labels, t, value);
                    written.computeIfAbsent(labels.toString(), k -> new TreeMap<>()).put(t, value);
                }
            }
            appender.commit();
            List<BlockMeta> metas = open.compactHeadFully();
            assertThat(metas).as("one block for " + replica).hasSize(1);
            Ulid id = metas.getFirst().ulid();
            mimir.bucket.BlockUpload.upload(bucket, tenant, db.resolve(id.toString()), "receive", Map.of());
            return id;
        }
    }
}
