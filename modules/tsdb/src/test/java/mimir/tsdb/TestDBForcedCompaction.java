package mimir.tsdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.model.storage.Querier;
import mimir.model.storage.SampleIterator;
import mimir.model.storage.SeriesSet;
import mimir.tsdb.block.BlockMeta;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DB#compactHeadFully()} persists the whole head; {@link DB#deleteBlocks} removes chosen blocks. */
class TestDBForcedCompaction {
    private static final long RANGE = HeadOptions.DEFAULT_CHUNK_RANGE;
    private static final Labels SERIES = Labels.of("__name__", "up");

    @TempDir
    Path dir;

    @Test
    void fullCompactionPersistsEveryRangeAndDeleteBlocksRemovesThem() throws Exception {
        try (DB db = DB.open(dir, DbOptions.defaults().withBackgroundCompaction(false))) {
            HeadAppender appender = db.appender();
            long ref = appender.append(SERIES, RANGE + 1, 1);
            appender.append(ref, RANGE + RANGE / 2, 2);
            appender.commit();
            assertThat(db.compactHead()).as("head spans less than 1.5 ranges").isEmpty();

            List<BlockMeta> written = db.compactHeadFully();
            assertThat(written).hasSize(1);
            assertThat(written.getFirst().minTime()).isEqualTo(RANGE);
            // The last block ends right after the newest sample, not at its range's end.
            assertThat(written.getFirst().maxTime()).isEqualTo(RANGE + RANGE / 2 + 1);
            assertThat(db.head().numSeries()).isZero();
            assertThat(samples(db)).isEqualTo(2);
            assertThatThrownBy(() -> db.appender().append(SERIES, RANGE + RANGE / 2, 3)).isInstanceOf(OutOfBoundsSampleException.class);
            // A newer sample of the same range is still accepted after the flush.
            HeadAppender later = db.appender();
            later.append(SERIES, RANGE + RANGE / 2 + 1000, 4);
            later.commit();
            assertThat(samples(db)).isEqualTo(3);

            assertThat(db.deleteBlocks(meta -> false)).isEmpty();
            assertThat(db.deleteBlocks(meta -> meta.ulid().equals(written.getFirst().ulid()))).hasSize(1);
            assertThat(db.blocks()).isEmpty();
            assertThat(samples(db)).isEqualTo(1);
            assertThat(Files.exists(dir.resolve(written.getFirst().ulid().toString()))).isFalse();
        }
    }

    private static int samples(DB db) {
        int count = 0;
        try (Querier querier = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = querier.select(false, List.of(Matcher.equal("__name__", "up")));
            while (set.next()) {
                SampleIterator it = set.iterator();
                while (it.next()) {
                    count++;
                }
            }
        }
        return count;
    }
}
