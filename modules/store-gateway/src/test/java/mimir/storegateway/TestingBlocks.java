package mimir.storegateway;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import mimir.bucket.BlockUpload;
import mimir.model.Labels;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.spi.objstore.ObjectStore;
import mimir.tsdb.DB;
import mimir.tsdb.DbOptions;
import mimir.tsdb.HeadAppender;
import mimir.tsdb.block.BlockMeta;
import mimir.tsdb.block.Ulid;

/**
 * Writes test series into 2 h TSDB blocks and uploads them to a bucket as an ingester ships them,
 * remembering every sample written (by series, per tenant) to compare with what is read back.
 */
final class TestingBlocks {
    static final long HOUR = 3_600_000;

    private final ObjectStore bucket;
    private final Path tmp;
    /** Every sample written, by tenant, then series. */
    private final Map<String, Map<String, TreeMap<Long, Double>>> written = new TreeMap<>();

    TestingBlocks(ObjectStore bucket, Path tmp) {
        this.bucket = bucket;
        this.tmp = tmp;
    }

    /**
     * Writes {@code series} series ({@code requests_total}, jobs {@code job-0..2}, label {@code tenant})
     * with a sample every {@code stepMillis} over {@code [from, from + hours)} and uploads the blocks.
     */
    List<Ulid> upload(String tenant, int series, long from, int hours, long stepMillis) throws Exception {
        Path dir = tmp.resolve("db-" + tenant + "-" + from + "-" + series);
        List<Ulid> ids = new ArrayList<>();
        Map<String, TreeMap<Long, Double>> mine = written.computeIfAbsent(tenant, t -> new TreeMap<>());
        try (DB db = DB.open(dir, DbOptions.defaults().withBackgroundCompaction(false))) {
            HeadAppender appender = db.appender();
            for (long t = from; t < from + hours * HOUR; t += stepMillis) {
                for (int s = 0; s < series; s++) {
                    Labels labels = Labels.of("__name__", "requests_total", "job", "job-" + (s % 3), "instance", "i-" + s, "tenant", tenant);
                    double value = (t - from) / 60_000.0 + s;
                    appender.append(labels, t, value);
                    mine.computeIfAbsent(labels.toString(), k -> new TreeMap<>()).put(t, value);
                }
            }
            appender.commit();
            for (BlockMeta meta : db.compactHeadFully()) {
                BlockUpload.upload(bucket, tenant, dir.resolve(meta.ulid().toString()), "receive", Map.of());
                ids.add(meta.ulid());
            }
        }
        return ids;
    }

    /** {@link #upload(String, int, long, int, long)} with a sample a minute. */
    List<Ulid> upload(String tenant, int series, long from, int hours) throws Exception {
        return upload(tenant, series, from, hours, 60_000);
    }

    /** Every sample written for {@code tenant}, by series. */
    Map<String, TreeMap<Long, Double>> written(String tenant) {
        return written.getOrDefault(tenant, Map.of());
    }

    /** The samples of a series set, by series. */
    static Map<String, TreeMap<Long, Double>> read(SeriesSet set) {
        Map<String, TreeMap<Long, Double>> result = new TreeMap<>();
        while (set.next()) {
            TreeMap<Long, Double> samples = result.computeIfAbsent(set.labels().toString(), k -> new TreeMap<>());
            SampleIterator it = set.iterator();
            while (it.next()) {
                samples.put(it.timestamp(), it.value());
            }
        }
        return result;
    }
}
