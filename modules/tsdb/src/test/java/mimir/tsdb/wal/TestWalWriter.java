package mimir.tsdb.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import mimir.model.Labels;
import mimir.tsdb.encoding.Encoder;
import mimir.tsdb.record.RecordDecoder;
import mimir.tsdb.record.RecordEncoder;
import mimir.tsdb.record.RefSeries;
import mimir.tsdb.record.RefTombstone;
import mimir.tsdb.record.SampleBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestWalWriter {
    private static final long SEGMENT_SIZE = 4 * WalSegments.PAGE_SIZE;

    private final SplittableRandom random = new SplittableRandom(5);

    @Test
    void recordsOfAllSizesRoundTripAcrossPagesAndRotatedSegments(@TempDir Path dir) throws IOException {
        List<byte[]> written = new ArrayList<>();
        for (boolean compress : new boolean[] {false, true}) {
            try (WalWriter writer = WalWriter.open(dir, new WalWriter.Options(SEGMENT_SIZE, compress, false))) {
                for (int i = 0; i < 300; i++) {
                    byte[] record = randomRecord();
                    writer.log(record);
                    written.add(record);
                }
            }
        }
        assertThat(readAll(dir)).containsExactlyElementsOf(written);
        List<WalSegments.Segment> segments = WalSegments.list(dir);
        assertThat(segments.size()).isGreaterThan(4);
        for (WalSegments.Segment segment : segments) {
            long size = Files.size(segment.path());
            assertThat(size).isLessThanOrEqualTo(SEGMENT_SIZE);
            assertThat(size % WalSegments.PAGE_SIZE).as("closed segments are whole pages").isZero();
        }
    }

    @Test
    void recordTypesRoundTripThroughTheWal(@TempDir Path dir) throws IOException {
        Encoder encoder = new Encoder();
        SampleBatch samples = new SampleBatch();
        samples.add(7, 1000, 1.5).add(3, 990, Double.longBitsToDouble(0x7ff0000000000002L)).add(9, 1010, Double.NEGATIVE_INFINITY);
        try (WalWriter writer = WalWriter.open(dir, WalWriter.Options.defaults())) {
            writer.log(RecordEncoder.series(List.of(new RefSeries(7, Labels.of("__name__", "up", "job", "a")), new RefSeries(3, Labels.of("x", "ü"))), encoder));
            writer.log(RecordEncoder.samples(samples, encoder));
            writer.log(RecordEncoder.tombstones(List.of(new RefTombstone(7, -5, 100)), encoder));
        }
        try (WalReader reader = WalReader.open(dir)) {
            assertThat(reader.next()).isTrue();
            List<RefSeries> series = new ArrayList<>();
            RecordDecoder.series(reader.record(), series);
            assertThat(series).containsExactly(new RefSeries(7, Labels.of("__name__", "up", "job", "a")), new RefSeries(3, Labels.of("x", "ü")));
            assertThat(reader.next()).isTrue();
            SampleBatch read = new SampleBatch();
            RecordDecoder.samples(reader.record(), read);
            assertThat(read.size()).isEqualTo(3);
            assertThat(read.ref(1)).isEqualTo(3);
            assertThat(read.timestamp(1)).isEqualTo(990);
            assertThat(Double.doubleToRawLongBits(read.value(1))).isEqualTo(0x7ff0000000000002L);
            assertThat(read.value(2)).isEqualTo(Double.NEGATIVE_INFINITY);
            assertThat(reader.next()).isTrue();
            List<RefTombstone> tombstones = new ArrayList<>();
            RecordDecoder.tombstones(reader.record(), tombstones);
            assertThat(tombstones).containsExactly(new RefTombstone(7, -5, 100));
            assertThat(reader.next()).isFalse();
        }
    }

    @Test
    void tornTailPlusGarbageIsRepairedKeepingEveryEarlierRecord(@TempDir Path dir) throws IOException {
        List<byte[]> written = writeRecords(dir, 120);
        // Find where the last record starts, cut it in half, then append garbage as a crash might leave.
        long lastOffset = -1;
        int lastSegment = -1;
        try (WalReader reader = WalReader.open(dir)) {
            while (reader.next()) {
                lastOffset = reader.offset();
                lastSegment = reader.segment();
            }
        }
        Path segment = dir.resolve(WalSegments.fileName(lastSegment));
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(lastOffset + 12);
        }
        byte[] garbage = new byte[100];
        random.nextBytes(garbage);
        garbage[0] = (byte) 0xff;
        Files.write(segment, garbage, StandardOpenOption.APPEND);

        assertThatThrownBy(() -> readAll(dir)).isInstanceOf(WalCorruptionException.class);
        WalCorruptionException corruption = WalRepair.check(dir);
        assertThat(corruption.segment()).isEqualTo(lastSegment);
        assertThat(corruption.offset()).isEqualTo(lastOffset);
        WalRepair.repair(dir, corruption);

        List<byte[]> kept = written.subList(0, written.size() - 1);
        assertThat(readAll(dir)).containsExactlyElementsOf(kept);
        assertThat(WalRepair.checkAndRepair(dir)).isFalse();

        // Appending after the repair continues in a fresh segment; nothing earlier is lost.
        List<byte[]> expected = new ArrayList<>(kept);
        expected.addAll(writeRecords(dir, 10));
        assertThat(readAll(dir)).containsExactlyElementsOf(expected);
    }

    @Test
    void corruptionInAnEarlierSegmentDropsOnlyWhatFollowsIt(@TempDir Path dir) throws IOException {
        List<byte[]> written = writeRecords(dir, 200);
        assertThat(WalSegments.list(dir).size()).isGreaterThan(2);
        // Flip a data byte of the 3rd record of segment 1.
        List<Integer> recordsInSegment0 = new ArrayList<>();
        long offset = -1;
        int seen = 0;
        try (WalReader reader = WalReader.open(dir)) {
            while (reader.next()) {
                if (reader.segment() == 0) {
                    recordsInSegment0.add(seen);
                }
                else if (reader.segment() == 1 && offset < 0 && seen - recordsInSegment0.size() == 2) {
                    offset = reader.offset();
                }
                seen++;
            }
        }
        Path segment1 = dir.resolve(WalSegments.fileName(1));
        byte[] bytes = Files.readAllBytes(segment1);
        bytes[(int) offset + WalSegments.FRAGMENT_HEADER_SIZE + 1] ^= 0x40;
        Files.write(segment1, bytes);

        assertThat(WalRepair.checkAndRepair(dir)).isTrue();
        assertThat(readAll(dir)).containsExactlyElementsOf(written.subList(0, recordsInSegment0.size() + 2));
        assertThat(WalSegments.list(dir)).hasSize(2);
    }

    @Test
    void oversizedRecordIsRejectedNotSplitAcrossSegments(@TempDir Path dir) throws IOException {
        try (WalWriter writer = WalWriter.open(dir, new WalWriter.Options(WalSegments.PAGE_SIZE, false, true))) {
            assertThatThrownBy(() -> writer.log(new byte[WalSegments.PAGE_SIZE])).hasMessageContaining("exceeds segment capacity");
        }
    }

    private List<byte[]> writeRecords(Path dir, int count) throws IOException {
        List<byte[]> written = new ArrayList<>();
        try (WalWriter writer = WalWriter.open(dir, new WalWriter.Options(SEGMENT_SIZE, random.nextBoolean(), false))) {
            for (int i = 0; i < count; i++) {
                byte[] record = randomRecord();
                writer.log(record);
                written.add(record);
            }
        }
        return written;
    }

    /** Small, page-crossing and multi-page records; compressible (repetitive) and not. */
    private byte[] randomRecord() {
        int size = switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1 -> WalSegments.PAGE_SIZE + random.nextInt(2 * WalSegments.PAGE_SIZE);
            case 2 -> random.nextInt(WalSegments.PAGE_SIZE);
            default -> 1 + random.nextInt(600);
        };
        byte[] record = new byte[size];
        if (random.nextBoolean()) {
            random.nextBytes(record);
        }
        else {
            for (int i = 0; i < size; i++) {
                record[i] = (byte) ("series_name{job=\"api\"}".charAt(i % 22) + (i / 997));
            }
        }
        return record;
    }

    private static List<byte[]> readAll(Path dir) throws IOException {
        List<byte[]> records = new ArrayList<>();
        try (WalReader reader = WalReader.open(dir)) {
            while (reader.next()) {
                records.add(reader.record().toArray(ValueLayout.JAVA_BYTE));
            }
        }
        return records;
    }
}
