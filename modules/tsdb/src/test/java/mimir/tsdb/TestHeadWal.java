package mimir.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import mimir.model.Labels;
import mimir.model.Matcher;
import mimir.tsdb.testing.TestingDump;
import mimir.tsdb.testing.TestingGoldenData;
import mimir.tsdb.wal.WalSegments;
import mimir.tsdb.wal.WalWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Everything committed comes back after a restart: replay, repair, tombstones, checkpoints. */
class TestHeadWal {
    private static final long HOUR = 3_600_000L;
    /** Small segments so that tests cross segment boundaries. */
    private static final HeadOptions OPTIONS = HeadOptions.defaults()
            .withWal(new WalWriter.Options(WalSegments.PAGE_SIZE, true, false));

    private final SplittableRandom random = new SplittableRandom(7);

    @Test
    void randomSeriesReplayToIdenticalSamplesAndChunks(@TempDir Path dir) throws Exception {
        for (int round = 0; round < 3; round++) {
            Path data = dir.resolve("round" + round);
            List<String> samples;
            List<String> chunks;
            try (Head head = Head.open(data, OPTIONS)) {
                appendRandom(head, 0, 40, 6000);
                samples = TestingHeads.samples(head);
                chunks = TestingHeads.chunks(head, Long.MIN_VALUE, Long.MAX_VALUE);
                assertThat(samples).hasSizeGreaterThan(1000);
            }
            assertThat(WalSegments.list(data.resolve("wal")).size()).isGreaterThan(1);
            try (Head head = Head.open(data, OPTIONS)) {
                assertThat(TestingHeads.samples(head)).containsExactlyElementsOf(samples);
                assertThat(TestingHeads.chunks(head, Long.MIN_VALUE, Long.MAX_VALUE)).containsExactlyElementsOf(chunks);
                // The reopened head keeps appending where it left off.
                appendRandom(head, head.maxTime() + 1, 40, 200);
                samples = TestingHeads.samples(head);
            }
            try (Head head = Head.open(data, OPTIONS)) {
                assertThat(TestingHeads.samples(head)).containsExactlyElementsOf(samples);
            }
        }
    }

    @Test
    void tombstonesHideSamplesBeforeAndAfterReplay(@TempDir Path dir) throws Exception {
        List<String> visible;
        try (Head head = Head.open(dir, OPTIONS)) {
            HeadAppender appender = head.appender();
            for (int i = 0; i < 300; i++) {
                appender.append(Labels.of("__name__", "m", "job", "a"), i * 1000L, i);
                appender.append(Labels.of("__name__", "m", "job", "b"), i * 1000L, i);
            }
            appender.commit();
            head.delete(10_000, 19_999, Matcher.equal("job", "a"));
            head.delete(0, 299_000, Matcher.equal("job", "b"));
            visible = TestingHeads.samples(head);
            assertThat(visible).hasSize(290).noneMatch(line -> line.contains("job=\"b\""))
                    .noneMatch(line -> line.endsWith(" 15000 " + Long.toHexString(Double.doubleToRawLongBits(15))));
            assertThat(TestingHeads.samples(head, 10_000, 19_999)).isEmpty();
            // The persisted range leaves deleted samples out too: at 1s, chunks of 117, 117, 66; the first loses 10.
            assertThat(TestingHeads.chunks(head, 0, 2 * HOUR)).allMatch(line -> line.contains("job=\"a\""))
                    .extracting(line -> Integer.parseInt(line.split(" ")[4])).containsExactly(107, 117, 66);
        }
        try (Head head = Head.open(dir, OPTIONS)) {
            assertThat(TestingHeads.samples(head)).containsExactlyElementsOf(visible);
        }
    }

    @Test
    void corruptTailIsCutOffKeepingEveryEarlierCommit(@TempDir Path dir) throws Exception {
        Labels series = Labels.of("__name__", "m");
        try (Head head = Head.open(dir, HeadOptions.defaults())) {
            for (int commit = 0; commit < 10; commit++) {
                HeadAppender appender = head.appender();
                for (int i = 0; i < 10; i++) {
                    appender.append(series, commit * 10_000L + i * 1000L, commit);
                }
                appender.commit();
            }
        }
        // Flip a byte inside the last record of the only segment.
        Path segment = WalSegments.list(dir.resolve("wal")).getLast().path();
        byte[] bytes = Files.readAllBytes(segment);
        int end = bytes.length;
        while (bytes[end - 1] == 0) {
            end--;
        }
        bytes[end - 3] ^= 0x5a;
        Files.write(segment, bytes);
        try (Head head = Head.open(dir, HeadOptions.defaults())) {
            assertThat(TestingHeads.samples(head)).hasSize(90);
            HeadAppender appender = head.appender();
            appender.append(series, 1_000_000, 1);
            appender.commit();
        }
        try (Head head = Head.open(dir, HeadOptions.defaults())) {
            assertThat(TestingHeads.samples(head)).hasSize(91);
        }
        // A torn write: the last written segment ends in the middle of a record.
        Path last = null;
        for (WalSegments.Segment written : WalSegments.list(dir.resolve("wal"))) {
            if (Files.size(written.path()) > 0) {
                last = written.path();
            }
        }
        try (FileChannel channel = FileChannel.open(last, StandardOpenOption.WRITE)) {
            long size = channel.size();
            bytes = Files.readAllBytes(last);
            int used = bytes.length;
            while (bytes[used - 1] == 0) {
                used--;
            }
            channel.truncate(Math.min(size, used - 2));
        }
        try (Head head = Head.open(dir, HeadOptions.defaults())) {
            assertThat(TestingHeads.samples(head)).hasSize(90);
        }
    }

    @Test
    void truncationWritesACheckpointAndReplayRestoresTheTruncatedHead(@TempDir Path dir) throws Exception {
        Path wal = dir.resolve("wal");
        List<String> expected;
        List<String> persisted;
        try (Head head = Head.open(dir, OPTIONS)) {
            HeadAppender appender = head.appender();
            for (long t = 0; t < 5 * HOUR; t += 60_000) {
                appender.append(Labels.of("__name__", "steady"), t, t);
                if (t < HOUR) {
                    appender.append(Labels.of("__name__", "gone"), t, t);
                }
            }
            appender.commit();
            head.delete(3 * HOUR, 3 * HOUR + 600_000, Matcher.equal("__name__", "steady"));
            head.delete(0, 10 * HOUR, Matcher.equal("__name__", "gone"));
            persisted = TestingHeads.chunks(head, 0, 2 * HOUR);
            assertThat(persisted).anyMatch(line -> line.startsWith("{__name__=\"steady\"}"));
            int segmentsBefore = WalSegments.list(wal).size();

            head.truncate(2 * HOUR);

            assertThat(head.numSeries()).isEqualTo(1);
            assertThat(head.minTime()).isEqualTo(2 * HOUR);
            assertThat(TestingHeads.samples(head, 0, 2 * HOUR - 1)).isEmpty();
            assertThat(Files.isDirectory(wal.resolve("checkpoint." + WalSegments.fileName(segmentsBefore - 1)))).isTrue();
            assertThat(WalSegments.list(wal)).hasSize(1);
            assertThat(WalSegments.list(wal).getFirst().index()).isEqualTo(segmentsBefore);

            appender = head.appender();
            for (long t = 5 * HOUR; t < 6 * HOUR; t += 60_000) {
                appender.append(Labels.of("__name__", "steady"), t, t);
                appender.append(Labels.of("__name__", "gone"), t, -t);
            }
            appender.commit();
            expected = TestingHeads.samples(head);
            assertThat(expected).hasSize(4 * 60 - 11 + 60);
        }
        try (Head head = Head.open(dir, OPTIONS)) {
            assertThat(TestingHeads.samples(head)).containsExactlyElementsOf(expected);
            head.truncate(4 * HOUR);
            expected = TestingHeads.samples(head);
        }
        try (Stream<Path> files = Files.list(wal)) {
            assertThat(files.filter(path -> path.getFileName().toString().startsWith("checkpoint.")).count()).isEqualTo(1);
        }
        try (Head head = Head.open(dir, OPTIONS)) {
            assertThat(TestingHeads.samples(head)).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void replaysAWalWrittenByPrometheusToWhatPrometheusRecovers(@TempDir Path dir) throws Exception {
        Path golden = TestingGoldenData.prometheus242().resolve("wal-self-scrape/00000000");
        Files.createDirectories(dir.resolve("wal"));
        Files.copy(golden, dir.resolve("wal/00000000"));
        List<TestingDump.Line> ours = new ArrayList<>();
        try (Head head = Head.open(dir, HeadOptions.defaults()); HeadQuerier querier = head.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            var set = querier.select(true, List.of(Matcher.regex("__name__", ".+")));
            while (set.next()) {
                var iterator = set.iterator();
                while (iterator.next()) {
                    ours.add(TestingDump.line(set.labels(), iterator.timestamp(), iterator.value()));
                }
            }
        }
        Path dump = Path.of(TestHeadWal.class.getResource("/golden/wal-self-scrape-promtool-dump.txt").toURI());
        assertThat(ours).containsExactlyElementsOf(TestingDump.parse(dump));
    }

    private void appendRandom(Head head, long start, int seriesCount, int samples) throws Exception {
        TestingHeads.appendRandom(head, random, start, seriesCount, samples);
    }

}
