package mimir.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.tsdb.wal.WalSegments;
import mimir.tsdb.wal.WalWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot on shutdown: a head opened from it holds exactly what a WAL replay gives (samples, chunk
 * boundaries and bytes, and the open chunk continued bit for bit), and a snapshot that does not describe
 * the WAL on disk is never used.
 */
class TestHeadSnapshot {
    private static final HeadOptions WAL_ONLY = HeadOptions.defaults().withWal(new WalWriter.Options(WalSegments.PAGE_SIZE * 4L, true, false));
    private static final HeadOptions SNAPSHOT = WAL_ONLY.withSnapshotOnShutdown(true);

    private final SplittableRandom random = new SplittableRandom(11);

    @TempDir
    Path dir;

    private static void appendRandom(Head head, long start, int seriesCount, int samples, long seed) throws Exception {
        TestingHeads.appendRandom(head, new SplittableRandom(seed), start, seriesCount, samples);
    }

    @Test
    void aHeadOpenedFromItsSnapshotEqualsTheReplayedOneAndKeepsAppendingIdentically() throws Exception {
        Path snapshotted = dir.resolve("snapshot");
        Path replayed = dir.resolve("replay");
        for (Path data : List.of(snapshotted, replayed)) {
            try (Head head = Head.open(data, data == snapshotted ? SNAPSHOT : WAL_ONLY)) {
                appendRandom(head, 0, 60, 8000, 1);
            }
        }
        assertThat(snapshotted.resolve(Head.SNAPSHOT_FILE)).exists();
        assertThat(replayed.resolve(Head.SNAPSHOT_FILE)).doesNotExist();

        try (Head fromSnapshot = Head.open(snapshotted, SNAPSHOT); Head fromWal = Head.open(replayed, WAL_ONLY)) {
            // Loaded, then deleted: the WAL grows from here, so the snapshot would be stale.
            assertThat(snapshotted.resolve(Head.SNAPSHOT_FILE)).doesNotExist();
            assertThat(TestingHeads.samples(fromSnapshot)).hasSizeGreaterThan(5000).containsExactlyElementsOf(TestingHeads.samples(fromWal));
            assertThat(TestingHeads.chunks(fromSnapshot, Long.MIN_VALUE, Long.MAX_VALUE))
                    .containsExactlyElementsOf(TestingHeads.chunks(fromWal, Long.MIN_VALUE, Long.MAX_VALUE));
            assertThat(fromSnapshot.numSeries()).isEqualTo(fromWal.numSeries());
            assertThat(fromSnapshot.minTime()).isEqualTo(fromWal.minTime());
            assertThat(fromSnapshot.maxTime()).isEqualTo(fromWal.maxTime());

            // Same appends to both: same answers, same chunk bytes (the open chunk's encoder state was restored),
            // and a duplicate of the last sample is still told from a different value.
            for (Head head : List.of(fromSnapshot, fromWal)) {
                appendRandom(head, head.maxTime() + 1, 70, 3000, 2);
                HeadAppender appender = head.appender();
                appender.append(Labels.of("__name__", "new_series"), head.maxTime(), 1);
                appender.commit();
            }
            assertThat(TestingHeads.chunks(fromSnapshot, Long.MIN_VALUE, Long.MAX_VALUE))
                    .containsExactlyElementsOf(TestingHeads.chunks(fromWal, Long.MIN_VALUE, Long.MAX_VALUE));
            Labels some = Labels.of("__name__", "metric_1", "instance", "1", "zone", "eu");
            assertThat(fromSnapshot.seriesRef(some)).isNotZero();
            assertThat(fromSnapshot.seriesRef(Labels.of("__name__", "new_series"))).isNotZero();
        }
        // After more writes the WAL alone (snapshot deleted at load) restores everything, and so does the next snapshot.
        List<String> expected;
        try (Head head = Head.open(replayed, WAL_ONLY)) {
            expected = TestingHeads.samples(head);
        }
        try (Head head = Head.open(snapshotted, SNAPSHOT)) {
            assertThat(TestingHeads.samples(head)).containsExactlyElementsOf(expected);
        }
        assertThat(snapshotted.resolve(Head.SNAPSHOT_FILE)).exists();
        try (Head head = Head.open(snapshotted, SNAPSHOT)) {
            assertThat(TestingHeads.samples(head)).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aStaleSnapshotIsIgnoredAndTheWalReplayed() throws Exception {
        List<String> expected;
        Path stale = dir.resolve("stale-copy");
        try (Head head = Head.open(dir, SNAPSHOT)) {
            appendRandom(head, 0, 20, 2000, 3);
        }
        Files.copy(dir.resolve(Head.SNAPSHOT_FILE), stale);
        try (Head head = Head.open(dir, SNAPSHOT)) {
            appendRandom(head, head.maxTime() + 1, 20, 500, 4);
            expected = TestingHeads.samples(head);
        }
        // An old snapshot put back (as a crash after a write would leave it): the WAL has moved on.
        Files.copy(stale, dir.resolve(Head.SNAPSHOT_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (Head head = Head.open(dir, WAL_ONLY)) {
            assertThat(TestingHeads.samples(head)).containsExactlyElementsOf(expected);
        }
        assertThat(dir.resolve(Head.SNAPSHOT_FILE)).doesNotExist();
    }

    @Test
    void aDamagedSnapshotIsIgnoredAndTheWalReplayed() throws Exception {
        List<String> expected;
        try (Head head = Head.open(dir, SNAPSHOT)) {
            appendRandom(head, 0, 20, 2000, 5);
            expected = TestingHeads.samples(head);
        }
        Path file = dir.resolve(Head.SNAPSHOT_FILE);
        byte[] bytes = Files.readAllBytes(file);
        for (int attempt = 0; attempt < 3; attempt++) {
            byte[] damaged = bytes.clone();
            switch (attempt) {
                case 0 -> damaged[random.nextInt(60, damaged.length - 4)] ^= 0x10;
                case 1 -> damaged = java.util.Arrays.copyOf(damaged, damaged.length / 2);
                default -> damaged = new byte[0];
            }
            Files.write(file, damaged);
            try (Head head = Head.open(dir, WAL_ONLY)) {
                assertThat(TestingHeads.samples(head)).as("attempt %d", attempt).containsExactlyElementsOf(expected);
            }
            assertThat(file).doesNotExist();
        }
    }

    @Test
    void aHeadWithTombstonesWritesNoSnapshotSoTheWalReplaysThem() throws Exception {
        List<String> visible;
        try (Head head = Head.open(dir, SNAPSHOT)) {
            appendRandom(head, 0, 20, 2000, 6);
            head.delete(0, 50_000, Matcher.equal("zone", "eu"));
            visible = TestingHeads.samples(head);
        }
        assertThat(dir.resolve(Head.SNAPSHOT_FILE)).doesNotExist();
        try (Head head = Head.open(dir, SNAPSHOT)) {
            assertThat(TestingHeads.samples(head)).containsExactlyElementsOf(visible);
        }
    }
}
