package mimir.tsdb.record;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import mimir.model.Labels;
import mimir.tsdb.encoding.CorruptionException;
import mimir.tsdb.encoding.Decoder;

/** Decodes WAL records written by {@link RecordEncoder} or by Prometheus. */
public final class RecordDecoder {
    private RecordDecoder() {}

    /** The record's {@link RecordType}, or {@link RecordType#UNKNOWN} for an empty or unknown record. */
    public static int type(MemorySegment record) {
        if (record.byteSize() == 0) {
            return RecordType.UNKNOWN;
        }
        int type = record.get(ValueLayout.JAVA_BYTE, 0) & 0xff;
        return type >= RecordType.SERIES && type <= RecordType.FLOAT_HISTOGRAM_SAMPLES ? type : RecordType.UNKNOWN;
    }

    /** Appends the entries of a series record to {@code out}. */
    public static void series(MemorySegment record, List<RefSeries> out) throws CorruptionException {
        Decoder decoder = start(record, RecordType.SERIES);
        while (decoder.remaining() > 0) {
            long ref = decoder.be64();
            long count = decoder.uvarint();
            if (count > decoder.remaining()) {
                throw new CorruptionException("series record: " + count + " labels announced in " + decoder.remaining() + " bytes");
            }
            String[] pairs = new String[(int) count * 2];
            for (int i = 0; i < pairs.length; i++) {
                pairs[i] = decoder.uvarintString();
            }
            try {
                out.add(new RefSeries(ref, Labels.ofSorted(pairs)));
            }
            catch (IllegalArgumentException e) {
                throw new CorruptionException("series record, ref " + ref + ": " + e.getMessage(), e);
            }
        }
    }

    /** Replaces the contents of {@code out} with the samples of a samples record. */
    public static void samples(MemorySegment record, SampleBatch out) throws CorruptionException {
        Decoder decoder = start(record, RecordType.SAMPLES);
        out.clear();
        if (decoder.remaining() == 0) {
            return;
        }
        long baseRef = decoder.be64();
        long baseTime = decoder.be64();
        while (decoder.remaining() > 0) {
            long ref = baseRef + decoder.varint();
            long timestamp = baseTime + decoder.varint();
            out.add(ref, timestamp, decoder.be64Double());
        }
    }

    /** Appends the entries of a tombstones record to {@code out}. */
    public static void tombstones(MemorySegment record, List<RefTombstone> out) throws CorruptionException {
        Decoder decoder = start(record, RecordType.TOMBSTONES);
        while (decoder.remaining() > 0) {
            long ref = decoder.be64();
            long minTime = decoder.varint();
            long maxTime = decoder.varint();
            try {
                out.add(new RefTombstone(ref, minTime, maxTime));
            }
            catch (IllegalArgumentException e) {
                throw new CorruptionException("tombstones record: " + e.getMessage(), e);
            }
        }
    }

    private static Decoder start(MemorySegment record, int expectedType) throws CorruptionException {
        int type = type(record);
        if (type != expectedType) {
            throw new CorruptionException("expected a " + RecordType.name(expectedType) + " record, got type "
                    + (record.byteSize() == 0 ? "<empty>" : String.valueOf(record.get(ValueLayout.JAVA_BYTE, 0) & 0xff)));
        }
        Decoder decoder = new Decoder(record);
        decoder.position(1);
        return decoder;
    }
}
