package mimir.tsdb.head;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongUnaryOperator;
import java.util.stream.Stream;

import mimir.tsdb.encoding.CorruptionException;
import mimir.tsdb.encoding.Encoder;
import mimir.tsdb.record.RecordDecoder;
import mimir.tsdb.record.RecordEncoder;
import mimir.tsdb.record.RecordType;
import mimir.tsdb.record.RefSeries;
import mimir.tsdb.record.RefTombstone;
import mimir.tsdb.record.SampleBatch;
import mimir.tsdb.wal.WalReader;
import mimir.tsdb.wal.WalSegments;
import mimir.tsdb.wal.WalWriter;

/**
 * WAL checkpoints in Prometheus's layout: {@code wal/checkpoint.NNNNNNNN/} holds WAL-format segments
 * with what segments {@code ≤ NNNNNNNN} (and the previous checkpoint) still contribute after a head
 * truncation: series records of live series, their samples at or after the truncation time, and their
 * tombstones reaching it. It is written to {@code checkpoint.NNNNNNNN.tmp} and renamed when complete, so
 * a crash leaves either the old or the new checkpoint; only then are the covered segments and older
 * checkpoints deleted.
 */
public final class HeadCheckpoint {
    private static final System.Logger LOG = System.getLogger(HeadCheckpoint.class.getName());
    private static final String PREFIX = "checkpoint.";
    private static final String TMP_SUFFIX = ".tmp";
    private static final int MAX_RECORD_ENTRIES = 10_000;

    private HeadCheckpoint() {}

    /** A checkpoint directory with the index of the last segment it covers. */
    public record Checkpoint(int index, Path dir) {}

    /** The newest complete checkpoint of {@code walDir}, or null. */
    public static Checkpoint latest(Path walDir) throws IOException {
        Checkpoint latest = null;
        for (Checkpoint checkpoint : list(walDir)) {
            if (latest == null || checkpoint.index() > latest.index()) {
                latest = checkpoint;
            }
        }
        return latest;
    }

    private static List<Checkpoint> list(Path walDir) throws IOException {
        List<Checkpoint> result = new ArrayList<>();
        if (!Files.isDirectory(walDir)) {
            return result;
        }
        try (Stream<Path> stream = Files.list(walDir)) {
            for (Path path : stream.toList()) {
                String name = path.getFileName().toString();
                if (name.startsWith(PREFIX) && Files.isDirectory(path)) {
                    String digits = name.substring(PREFIX.length());
                    if (!digits.isEmpty() && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                        result.add(new Checkpoint(Integer.parseInt(digits), path));
                    }
                }
            }
        }
        return result;
    }

    /** Removes half-written checkpoints left by a crash. */
    public static void deleteTemporary(Path walDir) throws IOException {
        if (!Files.isDirectory(walDir)) {
            return;
        }
        try (Stream<Path> stream = Files.list(walDir)) {
            for (Path path : stream.toList()) {
                String name = path.getFileName().toString();
                if (name.startsWith(PREFIX) && name.endsWith(TMP_SUFFIX)) {
                    LOG.log(System.Logger.Level.WARNING, "deleting incomplete wal checkpoint dir=" + path);
                    deleteRecursively(path);
                }
            }
        }
    }

    /**
     * Writes {@code checkpoint.<lastSegment>} from the previous checkpoint and the segments up to
     * {@code lastSegment}, then deletes those segments and older checkpoints.
     *
     * @param resolve maps a WAL series ref to the live series' ref, or -1 if the series is gone
     * @param minTime samples before it, and tombstones ending before it, are dropped
     */
    public static void create(Path walDir, int lastSegment, LongUnaryOperator resolve, long minTime) throws IOException {
        Checkpoint previous = latest(walDir);
        List<WalSegments.Segment> inputs = new ArrayList<>();
        if (previous != null) {
            inputs.addAll(WalSegments.list(previous.dir()));
        }
        List<WalSegments.Segment> segments = new ArrayList<>();
        for (WalSegments.Segment segment : WalSegments.list(walDir)) {
            if (segment.index() <= lastSegment && (previous == null || segment.index() > previous.index())) {
                segments.add(segment);
            }
        }
        Path target = walDir.resolve(PREFIX + WalSegments.fileName(lastSegment));
        Path temporary = walDir.resolve(target.getFileName() + TMP_SUFFIX);
        deleteRecursively(temporary);
        long[] counts = new long[3];
        try (WalWriter writer = WalWriter.open(temporary, new WalWriter.Options(WalSegments.DEFAULT_SEGMENT_SIZE, true, false))) {
            Rewriter rewriter = new Rewriter(writer, resolve, minTime, counts);
            if (!inputs.isEmpty()) {
                try (WalReader reader = new WalReader(inputs)) {
                    rewriter.copy(reader);
                }
            }
            if (!segments.isEmpty()) {
                try (WalReader reader = new WalReader(segments)) {
                    rewriter.copy(reader);
                }
            }
            rewriter.flush();
        }
        if (Files.exists(target)) {
            deleteRecursively(target);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(walDir);
        LOG.log(System.Logger.Level.INFO, "created wal checkpoint dir=" + target + " series=" + counts[0] + " samples=" + counts[1]
                + " tombstones=" + counts[2] + " mint=" + minTime);
        for (Checkpoint old : list(walDir)) {
            if (old.index() < lastSegment) {
                deleteRecursively(old.dir());
            }
        }
        for (WalSegments.Segment segment : WalSegments.list(walDir)) {
            if (segment.index() <= lastSegment) {
                Files.delete(segment.path());
            }
        }
        syncDirectory(walDir);
    }

    /** Filters records into the checkpoint, batching entries into records of bounded size. */
    private static final class Rewriter {
        private final WalWriter writer;
        private final LongUnaryOperator resolve;
        private final long minTime;
        private final long[] counts;
        private final Encoder encoder = new Encoder(64 * 1024);
        private final List<RefSeries> seriesIn = new ArrayList<>();
        private final List<RefSeries> seriesOut = new ArrayList<>();
        private final SampleBatch samplesIn = new SampleBatch();
        private final SampleBatch samplesOut = new SampleBatch();
        private final List<RefTombstone> tombstonesIn = new ArrayList<>();
        private final List<RefTombstone> tombstonesOut = new ArrayList<>();

        Rewriter(WalWriter writer, LongUnaryOperator resolve, long minTime, long[] counts) {
            this.writer = writer;
            this.resolve = resolve;
            this.minTime = minTime;
            this.counts = counts;
        }

        void copy(WalReader reader) throws IOException {
            while (reader.next()) {
                try {
                    switch (RecordDecoder.type(reader.record())) {
                        case RecordType.SERIES -> {
                            seriesIn.clear();
                            RecordDecoder.series(reader.record(), seriesIn);
                            for (RefSeries series : seriesIn) {
                                // Only the record that created the live series is kept; duplicates map onto it.
                                if (resolve.applyAsLong(series.ref()) == series.ref()) {
                                    seriesOut.add(series);
                                }
                            }
                            if (seriesOut.size() >= MAX_RECORD_ENTRIES) {
                                flushSeries();
                            }
                        }
                        case RecordType.SAMPLES -> {
                            RecordDecoder.samples(reader.record(), samplesIn);
                            for (int i = 0; i < samplesIn.size(); i++) {
                                long ref = resolve.applyAsLong(samplesIn.ref(i));
                                if (ref >= 0 && samplesIn.timestamp(i) >= minTime) {
                                    samplesOut.add(ref, samplesIn.timestamp(i), samplesIn.value(i));
                                }
                            }
                            if (samplesOut.size() >= MAX_RECORD_ENTRIES) {
                                flushSamples();
                            }
                        }
                        case RecordType.TOMBSTONES -> {
                            tombstonesIn.clear();
                            RecordDecoder.tombstones(reader.record(), tombstonesIn);
                            for (RefTombstone tombstone : tombstonesIn) {
                                long ref = resolve.applyAsLong(tombstone.ref());
                                if (ref >= 0 && tombstone.maxTime() >= minTime) {
                                    tombstonesOut.add(new RefTombstone(ref, tombstone.minTime(), tombstone.maxTime()));
                                }
                            }
                        }
                        default -> {
                            // Other record types (exemplars, metadata, histograms) are not produced by this head.
                        }
                    }
                }
                catch (CorruptionException e) {
                    throw new IOException("corrupt wal record in segment " + reader.segment() + " at offset " + reader.offset()
                            + " while checkpointing: " + e.getMessage(), e);
                }
            }
        }

        /** Series first so that replay knows every ref before its samples and tombstones. */
        void flush() throws IOException {
            flushSeries();
            flushSamples();
            if (!tombstonesOut.isEmpty()) {
                writer.log(RecordEncoder.tombstones(tombstonesOut, encoder));
                counts[2] += tombstonesOut.size();
                tombstonesOut.clear();
            }
        }

        private void flushSeries() throws IOException {
            if (!seriesOut.isEmpty()) {
                writer.log(RecordEncoder.series(seriesOut, encoder));
                counts[0] += seriesOut.size();
                seriesOut.clear();
            }
        }

        private void flushSamples() throws IOException {
            // A sample's series record must precede it, also across batches.
            flushSeries();
            if (samplesOut.size() > 0) {
                writer.log(RecordEncoder.samples(samplesOut, encoder));
                counts[1] += samplesOut.size();
                samplesOut.clear();
            }
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
        catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "cannot fsync dir=" + dir + " err=" + e.getMessage());
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path entry : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(entry);
            }
        }
    }
}
