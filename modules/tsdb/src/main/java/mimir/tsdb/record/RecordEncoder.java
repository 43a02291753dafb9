package mimir.tsdb.record;

import java.util.List;

import mimir.model.Labels;
import mimir.tsdb.encoding.Encoder;

/**
 * Encodes WAL records byte-for-byte as Prometheus 2.42 does. Each method resets {@code out} and
 * leaves the complete record in it ({@link Encoder#array()} up to {@link Encoder#length()}), so a
 * caller encodes every record through one buffer.
 */
public final class RecordEncoder {
    private RecordEncoder() {}

    public static Encoder series(List<RefSeries> series, Encoder out) {
        out.reset().u8(RecordType.SERIES);
        for (RefSeries entry : series) {
            out.be64(entry.ref());
            Labels labels = entry.labels();
            out.uvarint(labels.size());
            for (int i = 0; i < labels.size(); i++) {
                out.uvarintString(labels.name(i)).uvarintString(labels.value(i));
            }
        }
        return out;
    }

    /** Samples relative to the first sample's ref and timestamp; an empty batch is the type byte alone. */
    public static Encoder samples(SampleBatch samples, Encoder out) {
        out.reset().u8(RecordType.SAMPLES);
        if (samples.size() == 0) {
            return out;
        }
        long baseRef = samples.ref(0);
        long baseTime = samples.timestamp(0);
        out.be64(baseRef).be64(baseTime);
        for (int i = 0; i < samples.size(); i++) {
            out.varint(samples.ref(i) - baseRef).varint(samples.timestamp(i) - baseTime).be64Double(samples.value(i));
        }
        return out;
    }

    public static Encoder tombstones(List<RefTombstone> tombstones, Encoder out) {
        out.reset().u8(RecordType.TOMBSTONES);
        for (RefTombstone tombstone : tombstones) {
            out.be64(tombstone.ref()).varint(tombstone.minTime()).varint(tombstone.maxTime());
        }
        return out;
    }
}
