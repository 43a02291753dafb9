package mimir.querier.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import mimir.bucket.BlockUpload;
import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.spi.objstore.ObjectStore;
import mimir.tsdb.DB;
import mimir.tsdb.DbOptions;
import mimir.tsdb.HeadAppender;
import mimir.tsdb.block.BlockMeta;

/**
 * Ships 2 h blocks of three {@code up} series per tenant to a bucket, as ingesters do, and remembers
 * every sample, to compare with what a querier reads back.
 */
public final class TestingBlockUploads {
    public static final long HOUR = 3_600_000;

    private final ObjectStore bucket;
    private final Path tmp;
    private final Map<String, Map<String, TreeMap<Long, Double>>> written = new TreeMap<>();

    public TestingBlockUploads(ObjectStore bucket, Path tmp) {
        this.bucket = bucket;
        this.tmp = tmp;
    }

    /** Series {@code up{instance="i-0..2", tenant=...}} with a sample every 10 minutes over {@code hours} from {@code from}. */
    public void upload(String tenant, long from, int hours) throws Exception {
        Path dir = tmp.resolve("db-" + tenant + "-" + from);
        Map<String, TreeMap<Long, Double>> mine = written.computeIfAbsent(tenant, t -> new TreeMap<>());
        try (DB db = DB.open(dir, DbOptions.defaults().withBackgroundCompaction(false))) {
            HeadAppender appender = db.appender();
            for (long t = from; t < from + hours * HOUR; t += 600_000) {
                for (int s = 0; s < 3; s++) {
                    Labels labels = Labels.of("__name__", "up", "instance", "i-" + s, "tenant", tenant);
                    appender.append(labels, t, t / 1000.0 + s);
                    mine.computeIfAbsent(labels.toString(), k -> new TreeMap<>()).put(t, t / 1000.0 + s);
                }
            }
            appender.commit();
            for (BlockMeta meta : db.compactHeadFully()) {
                BlockUpload.upload(bucket, tenant, dir.resolve(meta.ulid().toString()), "receive", Map.of());
            }
        }
    }

    /** Every sample written for {@code tenant}, by series. */
    public Map<String, TreeMap<Long, Double>> written(String tenant) {
        return written.getOrDefault(tenant, Map.of());
    }

    /** Every series a querier selects with {@code __name__=~".+"}, with its samples. */
    public static Map<String, TreeMap<Long, Double>> readAll(Querier querier) {
        Map<String, TreeMap<Long, Double>> result = new TreeMap<>();
        SeriesSet set = querier.select(true, List.of(Matcher.regex("__name__", ".+")));
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
